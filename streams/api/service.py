"""The running server's parts: the log it reads, the writer, the shared tails and the pipeline worker.

Every part is a :class:`~streams.runtime.base.Runtime` of the configured broker
(:func:`~streams.runtime.open_runtime`), or a log it gives. The log read is the
runtime's :meth:`~streams.runtime.base.Runtime.mirror` (the embedded store itself,
or a local copy of the Kafka cluster), so the same reads and tails serve both. Each
part owns its own connections, used from one thread at a time: reads, tails and
status run on the event loop; writes run one at a time in a worker thread (so waiting
for the write lock or the cluster never blocks the loop); the worker runs on an event
loop of its own, in a thread, so its processing never holds up the streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from schemas import Change, Correction, Event
from streams import dlq, topics
from streams.api.config import ApiConfig
from streams.api.hub import Fanout
from streams.api.reads import Reads, event_view
from streams.config import Settings
from streams.ingest import Item
from streams.log.interface import LogStore
from streams.runtime import open_runtime
from streams.runtime.base import Runtime, Status
from streams.runtime.publish import IngestSummary, ingest_items

logger = logging.getLogger("entente.api")
TAIL_FALLBACK_S = 0.25
"""How often a tail looks at the log by itself, between the pokes of :meth:`Service._watch`."""


def change_view(offset: int, change: Change) -> dict[str, Any]:
    """A change as the live stream sends it: its log offset, then its fields."""
    return {"offset": offset, **change.model_dump(mode="json")}


class Service:
    """Everything the routes use, started and stopped with the app (see :meth:`running`).

    :attr:`log`, :attr:`reads` and the tails exist once :meth:`running` has entered.
    """

    log: LogStore
    reads: Reads
    changes: Fanout[Change]
    events: Fanout[Event]

    def __init__(self, config: ApiConfig) -> None:
        self.config = config
        self.settings = config.settings or Settings(home=config.data_dir, broker=config.broker)
        self._writer = self._runtime()
        self._reader = self._runtime()
        self._tails: list[Fanout[Any]] = []
        self._write_lock = asyncio.Lock()
        self.worker: str = "off"
        """``off`` (``--no-worker``), ``running``, ``stopped`` or ``failed``."""

    def _runtime(self) -> Runtime:
        """A runtime of the configured broker, with connections of its own."""
        return open_runtime(self.settings, options=self.config.kafka)

    def _written(self) -> None:
        """Something was committed: let the tails look at once."""
        for tail in self._tails:
            tail.poke()

    async def publish(self, items: list[Item]) -> IngestSummary:
        """Publish articles and rejections as ``entente ingest`` does, one write at a time."""
        async with self._write_lock:
            return await asyncio.to_thread(ingest_items, self._writer, items)

    async def dead_letters(self) -> list[dlq.Entry]:
        """Every dead letter, in log order (:func:`streams.dlq.entries`)."""
        return await asyncio.to_thread(dlq.entries, self._reader)

    async def replay(self, offsets: list[int]) -> list[dlq.Outcome]:
        """Replay dead letters as ``entente dlq replay`` does, one write at a time."""
        async with self._write_lock:
            return await asyncio.to_thread(dlq.replay, self._writer, offsets)

    async def correct(self, correction: Correction) -> int | None:
        """Log a correction as ``entente retract``/``override`` does (:meth:`Runtime.correct`), one
        write at a time; raises :class:`~streams.runtime.base.Refused`."""
        async with self._write_lock:
            return await asyncio.to_thread(self._writer.correct, correction)

    async def status(self) -> Status:
        """Records on every topic and how far behind each stage is (on Kafka, the cluster's)."""
        return await self._reader.status()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Service]:
        """Open the log to read (on Kafka, once the mirror holds what the topics held at start), run
        the shared tails and the worker (unless disabled) until the app stops."""
        stop = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []
        try:
            async with self._reader.mirror(self._written) as log:
                self.log = log
                self.reads = Reads(log)
                self.changes = Fanout(log, topics.CHANGES, Change, "change", change_view)
                self.events = Fanout(log, topics.EVENTS, Event, "event", event_view)
                self._tails = [self.changes, self.events]
                for fanout in self._tails:
                    fanout.position = log.end(fanout.topic)
                self.reads.live.catch_up()  # build the live views before the first request waits for them
                burst = max(1, self.config.client_queue // 2)
                tasks += [asyncio.create_task(tail.run(stop, TAIL_FALLBACK_S, burst)) for tail in self._tails]
                tasks.append(asyncio.create_task(self._watch(stop)))
                if self.config.worker:
                    tasks.append(asyncio.create_task(self._work(stop)))
                try:
                    yield self
                finally:
                    stop.set()
                    await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            self._writer.close()
            self._reader.close()

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
        runtime = self._runtime()
        self.worker = "running"
        try:
            await _on_own_loop(runtime.run_forever, stop)
            self.worker = "stopped"
        except Exception:
            self.worker = "failed"
            logger.exception("the pipeline worker failed")
        finally:
            runtime.close()


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
