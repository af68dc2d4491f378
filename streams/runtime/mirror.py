"""A local copy of the cluster's topics, so the API serves a Kafka deployment as it serves the embedded log.

The mirror follows, from their beginning, ``articles.raw``, ``events``,
``state.changes``, ``articles.dlq`` and the tables' compacted changelogs, and
writes each fetched batch to an embedded log in one transaction: records to
the same topics (each article and event id once, as the Kafka runtime reads
them; records that do not decode are left out as it leaves them out, and
each keeps the timestamp Kafka gave it, so ``known_at`` goes by the cluster's
times), table rows to the state store, each put together from its summary and
its facts (:mod:`streams.kafka.stored`). Every read, live stream and as-of fold of the API
then runs on that log unchanged (:meth:`streams.runtime.kafka.KafkaRuntime.mirror`).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from agents.reduce import tables
from agents.reduce.stored import assemble
from schemas import Article, Change, Correction, DeadLetter, Event
from schemas.base import Message
from streams import topics
from streams.kafka.admin import partitions_of, reader
from streams.kafka.stored import FACTS, row_of, split_row
from streams.log import Log, Writer
from streams.stored import write_row

if TYPE_CHECKING:
    from streams.runtime.kafka import KafkaRuntime

FETCH_MS = 100
MODELS: dict[str, type[Message]] = {
    topics.ARTICLES: Article,
    topics.EVENTS: Event,
    topics.CHANGES: Change,
    topics.DLQ: DeadLetter,
    topics.CORRECTIONS: Correction,
}


class KafkaMirror:
    """Copies the topics of ``runtime``'s cluster into ``log``; ``written`` is called after each batch."""

    def __init__(self, runtime: KafkaRuntime, log: Log, written: Callable[[], None]) -> None:
        self.runtime = runtime
        self.log = log
        self.written = written
        self.ready = asyncio.Event()
        """Set once everything the topics held when the mirror started is copied."""
        self.sources = {runtime.topic(name): name for name in MODELS}
        self.tables = {runtime.options.changelog(table): table for table in (*tables.names(), FACTS)}
        self._summaries: dict[bytes, bytes] = {}
        self._facts: dict[bytes, dict[bytes, bytes]] = {}
        self._seen: dict[str, set[str]] = {topics.ARTICLES: set(), topics.EVENTS: set()}
        self._waiting: list[ConsumerRecord] = []
        """Changes fetched before the row they name, held back until it is mirrored (see :meth:`_write`)."""

    async def run(self, stop: asyncio.Event) -> None:
        """Copy until ``stop``, setting :attr:`ready` once caught up with the ends found at start."""
        await self.runtime.ensure_topics()
        partitions: list[TopicPartition] = []
        for topic in (*self.sources, *self.tables):
            partitions += await partitions_of(self.runtime.bootstrap, topic)
        async with reader(self.runtime.bootstrap) as consumer:
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            behind = {tp for tp, end in ends.items() if end > 0}
            while not stop.is_set():
                if not behind:
                    self.ready.set()
                batches = await consumer.getmany(timeout_ms=FETCH_MS)
                if batches:
                    await asyncio.to_thread(self._write, batches)
                    self.written()
                behind = {tp for tp in behind if await consumer.position(tp) < ends[tp]}

    def _write(self, batches: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        """Copy a fetched batch. The reduce stage publishes a change before it writes its row, and a
        reader who sees a change reads the row: a change is copied, in order, once the row it names
        is mirrored with at least the events the change says it has."""
        with self.log.transaction() as writer:
            touched: set[bytes] = set()
            for tp, batch in batches.items():
                if tp.topic in self.tables:
                    touched.update(self._gather(batch, facts=self.tables[tp.topic] == FACTS))
                elif self.sources[tp.topic] == topics.CHANGES:
                    self._waiting.extend(batch)
                else:
                    self._append(writer, self.sources[tp.topic], batch)
            for row in sorted(touched):
                self._put_row(writer, row)
            ready = 0
            while ready < len(self._waiting) and self._mirrored(self._waiting[ready]):
                ready += 1
            self._append(writer, topics.CHANGES, self._waiting[:ready])
            del self._waiting[:ready]

    def _mirrored(self, record: ConsumerRecord) -> bool:
        """Whether the row of a change record is mirrored as the change left it, or later (a record
        that is no change is left out when copied)."""
        try:
            change = Change.loads(record.value)
        except ValueError:
            return True
        summary = self._summaries.get(f"{change.table}:{change.key}".encode())
        if change.after is None or summary is None:
            return change.after is None
        return int(orjson.loads(summary).get("events", 0)) >= change.after.events

    def _append(self, writer: Writer, name: str, batch: Iterable[ConsumerRecord]) -> None:
        model, seen = MODELS[name], self._seen.get(name)
        for record in batch:
            try:
                message = model.loads(record.value)
            except ValueError:
                continue
            if seen is not None:
                identity = message.id  # type: ignore[attr-defined]
                if identity in seen:
                    continue
                seen.add(identity)
            key = None if record.key is None else record.key.decode(errors="replace")
            offset = writer.append(name, key, record.value, ts=record.timestamp)
            if isinstance(message, Article):
                writer.index_article(message.id, offset)

    def _gather(self, batch: Iterable[ConsumerRecord], facts: bool) -> set[bytes]:
        """Take in table records (a row's summary, or one of its facts); the rows they touch."""
        touched = set()
        for record in batch:
            row = row_of(record.key) if facts else record.key
            held = self._facts.setdefault(row, {}) if facts else self._summaries
            if record.value is None:
                held.pop(record.key, None)
            else:
                held[record.key] = record.value
            touched.add(row)
        return touched

    def _put_row(self, writer: Writer, row: bytes) -> None:
        """Store a row (``table:key``) whole, or remove it after its table's tombstone."""
        table, key = split_row(row)
        summary = self._summaries.get(row)
        if summary is None:
            writer.delete_state(table, key)
            return
        model = tables.get(table).model
        write_row(writer, table, key, assemble(model, summary, self._facts.get(row, {}).values()))


@asynccontextmanager
async def mirrored(runtime: KafkaRuntime, written: Callable[[], None]) -> AsyncIterator[Log]:
    """A log in a temporary directory that a :class:`KafkaMirror` keeps in step with ``runtime``'s
    cluster while the block runs, entered once it holds what the topics held at entry."""
    stop = asyncio.Event()
    with (
        tempfile.TemporaryDirectory(prefix="entente-mirror-") as directory,
        Log.open(Path(directory)) as copied,
        Log.open(Path(directory)) as log,
    ):
        mirror = KafkaMirror(runtime, copied, written)
        task = asyncio.create_task(mirror.run(stop))
        try:
            await _first(mirror.ready.wait(), task)
            yield log
        finally:
            stop.set()
            await asyncio.gather(task, return_exceptions=True)


async def _first(wanted: Awaitable[Any], task: asyncio.Task[None]) -> None:
    """Wait for ``wanted``; raise what ``task`` raised if it ends first."""
    waiter = asyncio.ensure_future(wanted)
    await asyncio.wait([waiter, task], return_when=asyncio.FIRST_COMPLETED)
    if not waiter.done():
        waiter.cancel()
        task.result()
        raise RuntimeError("the Kafka mirror stopped before it caught up")
