"""What one API server needs to know: where the log is, who may write, and its limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from streams.api.guard import LOOPBACK_HOSTS
from streams.config import Settings

if TYPE_CHECKING:
    from streams.kafka.options import KafkaOptions

MAX_BODY_BYTES = 8_000_000
HEARTBEAT_S = 15.0
CLIENT_QUEUE = 1_000
TAIL_INTERVAL_S = 0.002
REQUEST_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class ApiConfig:
    """Settings of one server.

    ``token`` is the bearer token writes must carry; without one every write is
    refused. ``client_queue`` bounds how many messages a live-stream client may
    fall behind before it is dropped; ``tail_interval`` is how often the server
    checks whether the log changed (one ``PRAGMA data_version``), waking the
    shared tail of each topic when it did.

    ``broker`` is ``embedded`` (serve the log of ``data_dir``) or
    ``kafka://host:port`` (serve that cluster, laid out by ``kafka``, or by the
    ``ENTENTE_KAFKA_*`` variables when ``None``). ``hosts`` are the names the
    ``Host`` header may carry (loopback names unless told otherwise); ``None`` accepts any.
    ``request_timeout`` is how long a client has to send a request's head and body.
    """

    data_dir: Path
    token: str | None = None
    worker: bool = True
    max_body: int = MAX_BODY_BYTES
    heartbeat: float = HEARTBEAT_S
    client_queue: int = CLIENT_QUEUE
    tail_interval: float = TAIL_INTERVAL_S
    settings: Settings | None = None
    broker: str = "embedded"
    kafka: KafkaOptions | None = None
    hosts: frozenset[str] | None = LOOPBACK_HOSTS
    request_timeout: float = REQUEST_TIMEOUT_S
