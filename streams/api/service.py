"""The running server's parts: the log it reads, the writer, the shared tails and the in-process worker.

Each part owns its own log connection, used from one thread at a time: reads
and tails run on the event loop; writes run one at a time in a worker thread
(so waiting for the write lock never blocks the loop); the pipeline worker
runs its batches in threads of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from schemas import Change, Event
from streams import topics
from streams.api.config import ApiConfig
from streams.api.hub import Fanout
from streams.api.reads import Reads, event_view
from streams.cli.pipeline import IngestSummary, ingest_items
from streams.config import Settings
from streams.ingest import Item
from streams.log import Log
from streams.runtime.embedded import EmbeddedRuntime
from streams.topology import STAGES

logger = logging.getLogger("entente.api")


def change_view(offset: int, change: Change) -> dict[str, Any]:
    """A change as the live stream sends it: its log offset, then its fields."""
    return {"offset": offset, **change.model_dump(mode="json")}


class Service:
    """Everything the routes use, started and stopped with the app (see :meth:`running`)."""

    def __init__(self, config: ApiConfig) -> None:
        self.config = config
        self.settings = config.settings or Settings(home=config.data_dir)
        self.log = Log.open(config.data_dir)
        self.reads = Reads(self.log)
        self.changes: Fanout[Change] = Fanout(self.log, topics.CHANGES, Change, "change", change_view)
        self.events: Fanout[Event] = Fanout(self.log, topics.EVENTS, Event, "event", event_view)
        self._writer = EmbeddedRuntime(config.data_dir, self.settings)
        self._write_lock = asyncio.Lock()
        self.worker: str = "off"
        """``off`` (``--no-worker``), ``running``, ``stopped`` or ``failed``."""

    async def publish(self, items: list[Item]) -> IngestSummary:
        """Publish articles and rejections as ``entente ingest`` does, one write at a time."""
        async with self._write_lock:
            return await asyncio.to_thread(ingest_items, self._writer, items, True)

    def counts(self) -> dict[str, int]:
        """Records on every topic."""
        return {topic: self.log.end(topic) for topic in topics.ALL}

    def lag(self) -> dict[str, int]:
        """How far behind each stage is: the end of its source topic minus its committed position."""
        return {
            stage.name: self.log.end(stage.source) - (self.log.committed(stage.name, stage.source) or 0)
            for stage in STAGES
        }

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Service]:
        """Run the shared tails (and the worker, unless disabled) until the app stops."""
        stop = asyncio.Event()
        interval = self.config.tail_interval
        self.reads.live.catch_up()  # build the live views before the first request waits for them
        burst = max(1, self.config.client_queue // 2)
        tasks = [
            asyncio.create_task(self.changes.run(stop, interval, burst)),
            asyncio.create_task(self.events.run(stop, interval, burst)),
        ]
        if self.config.worker:
            tasks.append(asyncio.create_task(self._work(stop)))
        try:
            yield self
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._writer.close()
            self.log.close()

    async def _work(self, stop: asyncio.Event) -> None:
        """The pipeline worker: articles → events → state, as ``entente worker`` runs it."""
        runtime = EmbeddedRuntime(self.config.data_dir, self.settings)
        self.worker = "running"
        try:
            await runtime.run_forever(stop)
            self.worker = "stopped"
        except Exception:
            self.worker = "failed"
            logger.exception("the pipeline worker failed")
        finally:
            runtime.close()
