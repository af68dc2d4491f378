"""What one API server needs to know: where the log is, who may write, and its limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from streams.config import Settings

MAX_BODY_BYTES = 8_000_000
HEARTBEAT_S = 15.0
CLIENT_QUEUE = 1_000
TAIL_INTERVAL_S = 0.005


@dataclass(frozen=True)
class ApiConfig:
    """Settings of one server.

    ``token`` is the bearer token writes must carry; without one every write is
    refused. ``client_queue`` bounds how many messages a live-stream client may
    fall behind before it is dropped; ``tail_interval`` is how often the one
    shared tail of each topic checks the log for new records.
    """

    data_dir: Path
    token: str | None = None
    worker: bool = True
    max_body: int = MAX_BODY_BYTES
    heartbeat: float = HEARTBEAT_S
    client_queue: int = CLIENT_QUEUE
    tail_interval: float = TAIL_INTERVAL_S
    settings: Settings | None = None
