"""The running server's parts: the log it reads, the writer, the shared tails and the pipeline worker.

On the embedded broker the log is the data directory's; on Kafka it is a
local mirror of the cluster's topics (:mod:`streams.api.mirror`) in a
temporary directory, so the same reads and tails serve both. Each part owns
its own log connection, used from one thread at a time: reads and tails run
on the event loop; writes run one at a time in a worker thread (so waiting
for the write lock or the cluster never blocks the loop). The embedded worker
runs its batches in threads of its own; the Kafka worker runs on an event
loop of its own, in a thread, so its processing never holds up the streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from schemas import Change, Event
from streams import topics
from streams.api.config import ApiConfig
from streams.api.hub import Fanout
from streams.api.reads import Reads, event_view
from streams.cli.context import KAFKA_SCHEME
from streams.cli.pipeline import IngestSummary, ingest_items
from streams.config import Settings
from streams.ingest import Item
from streams.log import Log
from streams.runtime.base import Runtime
from streams.runtime.embedded import EmbeddedRuntime, stage_lag, topic_counts

if TYPE_CHECKING:
    from streams.api.mirror import KafkaMirror
    from streams.runtime.kafka import KafkaRuntime

logger = logging.getLogger("entente.api")
TAIL_FALLBACK_S = 0.25
"""How often a tail looks at the log by itself, between the pokes of :meth:`Service._watch`."""


def change_view(offset: int, change: Change) -> dict[str, Any]:
    """A change as the live stream sends it: its log offset, then its fields."""
    return {"offset": offset, **change.model_dump(mode="json")}


class Service:
    """Everything the routes use, started and stopped with the app (see :meth:`running`)."""

    def __init__(self, config: ApiConfig) -> None:
        self.config = config
        self.settings = config.settings or Settings(home=config.data_dir, broker=config.broker)
        self.on_kafka = config.broker.startswith(KAFKA_SCHEME)
        self._mirror_dir = tempfile.TemporaryDirectory(prefix="entente-mirror-") if self.on_kafka else None
        data_dir = config.data_dir if self._mirror_dir is None else Path(self._mirror_dir.name)
        self.log = Log.open(data_dir)
        self.reads = Reads(self.log)
        self.changes: Fanout[Change] = Fanout(self.log, topics.CHANGES, Change, "change", change_view)
        self.events: Fanout[Event] = Fanout(self.log, topics.EVENTS, Event, "event", event_view)
        self._writer: Runtime = self._runtime(data_dir)
        self._mirror: KafkaMirror | None = None
        if self.on_kafka:
            from streams.api.mirror import KafkaMirror

            self._mirror = KafkaMirror(self._kafka(self._writer), Log.open(data_dir), self._written)
        self._write_lock = asyncio.Lock()
        self._data_dir = data_dir
        self.worker: str = "off"
        """``off`` (``--no-worker``), ``running``, ``stopped`` or ``failed``."""

    def _runtime(self, data_dir: Path) -> Runtime:
        """A runtime of the configured broker (Kafka's imported only when asked for)."""
        if self.on_kafka:
            from streams.runtime.kafka import KafkaRuntime

            return KafkaRuntime(self.config.broker, self.settings, options=self.config.kafka)
        return EmbeddedRuntime(data_dir, self.settings)

    @staticmethod
    def _kafka(runtime: Runtime) -> KafkaRuntime:
        from streams.runtime.kafka import KafkaRuntime

        assert isinstance(runtime, KafkaRuntime)
        return runtime

    def _written(self) -> None:
        """Something was committed: let the tails look at once."""
        self.changes.poke()
        self.events.poke()

    async def publish(self, items: list[Item]) -> IngestSummary:
        """Publish articles and rejections as ``entente ingest`` does, one write at a time."""
        async with self._write_lock:
            return await asyncio.to_thread(ingest_items, self._writer, items, True)

    def counts(self) -> dict[str, int]:
        """Records on every topic."""
        return topic_counts(self.log)

    async def lag(self) -> dict[str, int]:
        """How far behind each stage is: records of its source topic after its committed position
        (on Kafka the cluster's, not the mirror's; the writer's log is used from its own thread)."""
        return await self._writer.lag() if self.on_kafka else stage_lag(self.log)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Service]:
        """Run the mirror (on Kafka), the shared tails and the worker (unless disabled) until the app stops.

        On Kafka the app starts serving once the mirror holds what the topics held
        at start; the live streams begin after that.
        """
        stop = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []
        try:
            if self._mirror is not None:
                tasks.append(asyncio.create_task(self._mirror.run(stop)))
                await _first(self._mirror.ready.wait(), tasks[0])
            for fanout in (self.changes, self.events):
                fanout.position = self.log.end(fanout.topic)
            self.reads.live.catch_up()  # build the live views before the first request waits for them
            burst = max(1, self.config.client_queue // 2)
            tasks.append(asyncio.create_task(self.changes.run(stop, TAIL_FALLBACK_S, burst)))
            tasks.append(asyncio.create_task(self.events.run(stop, TAIL_FALLBACK_S, burst)))
            tasks.append(asyncio.create_task(self._watch(stop)))
            if self.config.worker:
                tasks.append(asyncio.create_task(self._work(stop)))
            yield self
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._writer.close()
            if self._mirror is not None:
                self._mirror.log.close()
            self.log.close()
            if self._mirror_dir is not None:
                self._mirror_dir.cleanup()

    async def _watch(self, stop: asyncio.Event) -> None:
        """Poke both tails whenever the log changed: one ``PRAGMA data_version`` a ``tail_interval``.

        Another process (a worker, an ingest) may commit at any time, and SQLite
        tells no one, so the log is polled; one cheap poll serves both tails.
        """
        seen = self.log.version()
        while not stop.is_set():
            await asyncio.sleep(self.config.tail_interval)
            if (version := self.log.version()) != seen:
                seen = version
                self._written()

    async def _work(self, stop: asyncio.Event) -> None:
        """The pipeline worker: articles → events → state, as ``entente worker`` runs it."""
        runtime = self._runtime(self._data_dir)
        self.worker = "running"
        try:
            if self.on_kafka:
                await _on_own_loop(runtime.run_forever, stop)
            else:
                await runtime.run_forever(stop)
            self.worker = "stopped"
        except Exception:
            self.worker = "failed"
            logger.exception("the pipeline worker failed")
        finally:
            runtime.close()


async def _first(wanted: Awaitable[Any], task: asyncio.Task[None]) -> None:
    """Wait for ``wanted``; raise what ``task`` raised if it ends first."""
    waiter = asyncio.ensure_future(wanted)
    await asyncio.wait([waiter, task], return_when=asyncio.FIRST_COMPLETED)
    if not waiter.done():
        waiter.cancel()
        task.result()
        raise RuntimeError("the Kafka mirror stopped before it caught up")


async def _on_own_loop(run: Callable[[asyncio.Event], Awaitable[None]], stop: asyncio.Event) -> None:
    """Run ``run(stop)`` on a new event loop in a thread, stopping it when ``stop`` is set here."""
    halt = threading.Event()

    async def main() -> None:
        inner = asyncio.Event()
        watcher = asyncio.ensure_future(asyncio.to_thread(halt.wait))
        watcher.add_done_callback(lambda _done: inner.set())
        try:
            await run(inner)
        finally:
            halt.set()
            await watcher

    thread = asyncio.ensure_future(asyncio.to_thread(asyncio.run, main()))
    waiter = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([thread, waiter], return_when=asyncio.FIRST_COMPLETED)
    finally:
        halt.set()
        waiter.cancel()
        await thread
