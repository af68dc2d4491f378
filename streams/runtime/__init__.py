"""Runtimes that drive the shared handlers over a log: embedded (SQLite) and Kafka (Faust)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.reduce import tables
from streams.config import EMBEDDED, Settings, check_broker
from streams.runtime.base import Runtime

if TYPE_CHECKING:
    from streams.kafka.app import KafkaOptions


def open_runtime(settings: Settings, *, options: KafkaOptions | None = None) -> Runtime:
    """The runtime ``settings.broker`` names: the embedded one on ``settings.data_dir`` for ``embedded``,
    else the Kafka one (imported only then) on ``kafka://host:port``, laid out by ``options`` (by the
    ``ENTENTE_KAFKA_*`` variables when ``None``). Any other broker is a :class:`ValueError`, and so is
    a module of ``settings.tables`` that cannot be imported: it is imported first, so that its tables
    are there."""
    tables.load(settings.table_modules)
    if check_broker(settings.broker) == EMBEDDED:
        from streams.runtime.embedded import EmbeddedRuntime

        return EmbeddedRuntime(settings.data_dir, settings)
    from streams.runtime.kafka import KafkaRuntime

    return KafkaRuntime(settings.broker, settings, options=options)
