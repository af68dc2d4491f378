"""The Faust app that runs :mod:`streams.topology` on Kafka, with the step code of :mod:`streams.handlers`.

    articles.raw ──extract──▶ events (the history)
                    └──────▶ <ns>entente-events-by-row ──reduce──▶ tables ──▶ state.changes
         └────────── bad records (any stage) ──────────▶ articles.dlq

``extract`` publishes each event to ``events`` and, re-keyed, to every row it touches
(``alliances:A|B``, ``zones:Z``: the reducer's ``keys(event)``), in one record per row and article
that holds the article's events for the row (a JSON array); a change names, for each of its events,
the offset of the record that carried it in the row's partition of that stream. The tables are
keyed the same way and their changelogs partitioned by the same partitioner, so a row's state lives
on the partition of its input, and a worker that is assigned a partition recovers exactly the rows
it will be sent. Every agent runs with concurrency 1 and catches each record inside its loop: a
record that cannot be processed becomes a :class:`~schemas.DeadLetter` naming
``topic[partition]@offset``, and the agent goes on.

Extraction runs off the event loop (:mod:`streams.kafka.extraction`), a few articles at a time so
the extractor never waits for the worker. ``reduce`` takes its input in batches and grows each
row a batch touches once (:func:`streams.handlers.reduce_row`): one change per row and batch, naming
every event that was new to the row. A row is written as its summary plus one record of the facts the
batch added (:mod:`streams.kafka.stored`), so a busy row costs the changelog what changed, not its
size.

Delivery is at-least-once. Faust commits a source offset only after the producer is flushed, so a
worker killed mid-run re-reads what it had not committed. That cannot double-count: event ids are
deterministic, and a row is a function of the *set* of events it holds (events a row already holds
change nothing and emit no change). ``reduce`` waits for its changes to be acknowledged before it
writes the rows, so a redelivered event whose row write was lost is published in a change again
rather than never: ``state.changes`` may repeat an event after a crash (in a change of its own or
grouped with others), and never misses one.

Two guards keep Faust's rebalances from skipping records (both seen to lose records in the tests
without them): :meth:`EntenteApp._seek_uncommitted_to_start` makes Faust's seek back to the
committed offsets also cover partitions with no commit yet, and
:meth:`EntenteApp._hold_flow_until_seek` stops fetching until that seek is done. A Faust app whose
consumer or agent crashes anyway stops committing without stopping; :attr:`EntenteApp.crash` says so,
and the runtime replaces the app (:meth:`~streams.runtime.kafka.KafkaRuntime.run_forever`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import gc
import warnings
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import faust
import orjson
from faust.exceptions import AlreadyConfiguredWarning
from faust.types import EventT, StreamT, TopicT
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from agents.reduce.growth import Grown
from agents.reduce.stored import encode_facts, encode_summary, regrown
from schemas import AllianceState, Change, DeadLetter, Event, ZoneState
from streams import topics
from streams.config import Settings
from streams.handlers import NULL_VALUE, reduce_row, undecodable_event
from streams.kafka.admin import TopicSpec
from streams.kafka.broker import MAX_MESSAGE_BYTES
from streams.kafka.codec import MessageCodec
from streams.kafka.extraction import EventRecord, Extracted, Extraction, Item, failed
from streams.kafka.stored import (
    FACTS,
    FactsTable,
    facts_key,
    index,
    split_row,
)
from streams.runtime.base import RunStats, WorkerCrashed
from streams.topology import EXTRACT, REDUCE

TABLES: dict[str, type[AllianceState] | type[ZoneState]] = {"alliances": AllianceState, "zones": ZoneState}
FOREVER = -1
THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000
ORIGIN = "origin"
"""The header naming where a published article came from (its file, feed or request)."""
EXTRACT_BATCH = 16
"""Most records the extract stage hands to the extractor at once."""
EXTRACT_AHEAD = 4
"""Most batches the extract stage has handed to the extractor and not yet published."""
REDUCE_BATCH = 4000
"""Most records the reduce stage applies at once (Faust buffers 4096 records a stream)."""


class KafkaOptions(BaseSettings):
    """How Entente lays itself out on a cluster; each field is also ``ENTENTE_KAFKA_<NAME>``.

    ``namespace`` prefixes every topic and the consumer group, so several deployments (or tests)
    share one broker. ``partitions`` is the partition count of ``articles.raw``, ``events``, the
    re-keyed event stream and the tables' changelogs; ``state.changes`` and ``articles.dlq`` keep
    one partition each unless set, so their offsets order all changes and all rejections.
    """

    model_config = SettingsConfigDict(env_prefix="ENTENTE_KAFKA_", frozen=True, extra="ignore")

    namespace: str = Field(default="", description="Prefix of every topic and of the consumer group.")
    partitions: int = Field(default=4, ge=1, description="Partitions of articles, events and state.")
    changes_partitions: int = Field(default=1, ge=1, description="Partitions of state.changes.")
    dlq_partitions: int = Field(default=1, ge=1, description="Partitions of articles.dlq.")
    retention_ms: dict[str, int] = Field(
        default={
            topics.ARTICLES: FOREVER,
            topics.EVENTS: FOREVER,
            topics.CHANGES: FOREVER,
            topics.DLQ: THIRTY_DAYS_MS,
        },
        description="retention.ms of each topic (-1: forever).",
    )
    commit_interval: float = Field(default=1.0, gt=0, description="Seconds between offset commits.")
    extract_window: float = Field(
        default=0.005,
        gt=0,
        description="Seconds the extract stage gathers records before it hands them to the "
        "extractor: an article waits at most this long, and a backlog goes in batches.",
    )
    reduce_window: float = Field(
        default=0.01,
        gt=0,
        description="Seconds the reduce stage gathers records before it applies them: each row it "
        "touches is rewritten once a window, so longer windows cost latency and save work.",
    )
    linger: float = Field(
        default=0.005,
        ge=0,
        description="Seconds the producer waits to send records together: fewer, larger requests "
        "cost the broker and the worker less CPU than one request a record.",
    )
    session_timeout: float = Field(
        default=10.0, gt=0, description="Seconds before a silent worker is dropped."
    )
    max_message_bytes: int = Field(default=MAX_MESSAGE_BYTES, description="Largest record, in bytes.")

    @property
    def app_id(self) -> str:
        """The Faust app id: the consumer group and the prefix of its internal topics."""
        return f"{self.namespace}entente"

    def topic(self, name: str) -> str:
        """The cluster name of one of :data:`streams.topics.ALL`."""
        return f"{self.namespace}{name}"

    def subscriber_group(self, name: str) -> str:
        """The consumer group whose offset on ``state.changes`` is the position of subscribers ``name``."""
        return f"{self.app_id}-subscriber-{name}"

    @property
    def by_row(self) -> str:
        """The internal topic of events keyed by the row they touch."""
        return f"{self.app_id}-events-by-row"

    def changelog(self, table: str) -> str:
        """The compacted changelog topic behind a state table (named as Faust names it)."""
        return f"{self.app_id}-{table}-changelog"

    def topic_specs(self) -> list[TopicSpec]:
        """Every topic the app reads or writes, with its partitions and retention."""
        size = {"max.message.bytes": str(self.max_message_bytes)}

        def spec(name: str, partitions: int) -> TopicSpec:
            return TopicSpec(
                self.topic(name), partitions, {**size, "retention.ms": str(self.retention_ms[name])}
            )

        compacted = {**size, "cleanup.policy": "compact"}
        return [
            spec(topics.ARTICLES, self.partitions),
            spec(topics.EVENTS, self.partitions),
            spec(topics.CHANGES, self.changes_partitions),
            spec(topics.DLQ, self.dlq_partitions),
            TopicSpec(self.by_row, self.partitions, {**size, "retention.ms": str(FOREVER)}),
            *(TopicSpec(self.changelog(table), self.partitions, compacted) for table in (*TABLES, FACTS)),
        ]


def carried(value: bytes | None) -> list[Event]:
    """The events a record of the rows' stream carries: a JSON array of them (or one event alone)."""
    if value is None:
        raise ValueError(NULL_VALUE)
    payloads = orjson.loads(value)
    if not isinstance(payloads, list):
        payloads = [payloads]
    return [Event.from_payload(payload) for payload in payloads]


def not_a_row(key: bytes | None) -> str | None:
    """Why a record of the rows' stream keyed ``key`` goes to no row (``table:key``), or ``None``."""
    if key is None:
        return "no row: the record has no key"
    try:
        table = split_row(key)[0]
    except UnicodeDecodeError:
        table = ""
    if table not in TABLES:
        return f"no row: the key {key[:100]!r} names no row of {', '.join(TABLES)}"
    return None


def origin_of(event: EventT) -> str:
    """Where a record came from, as error lines name it: ``topic[partition]@offset``."""
    message = event.message
    return f"{message.topic}[{message.partition}]@{message.offset}"


def received_at(event: EventT) -> dt.datetime:
    """The record's broker timestamp as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(event.message.timestamp, tz=dt.UTC)


Agent = Callable[[StreamT[Any]], Awaitable[None]]
Extracting = tuple[list[EventT], list[Item], AsyncGenerator[Extracted, None]]
"""A batch of ``articles.raw`` records handed to the extractor: the records, their items, their results."""


@dataclass(frozen=True)
class RowBatch:
    """The records of one reduce batch that go to the row ``table:key``, and the row as held.

    The row is ``grown`` when this worker built or read it since its last rebalance; else it is put
    together from ``held`` (its table's value) and ``facts`` (the values of its records of facts).
    """

    row: bytes
    records: list[EventT]
    grown: Grown | None = None
    held: bytes | None = None
    facts: list[bytes] = field(default_factory=list)

    @property
    def table(self) -> str:
        return split_row(self.row)[0]

    @property
    def key(self) -> str:
        return split_row(self.row)[1]


@dataclass(frozen=True)
class RowWrite:
    """A row to write once its change (if any) is acknowledged: its summary and its record of new facts
    (encoded)."""

    row: bytes
    table: str
    grown: Grown
    summary: bytes
    facts: dict[bytes, bytes]
    change: Change | None


@dataclass
class Reduced:
    """What a reduce batch produced: rows with their changes, and dead letters with their records."""

    rows: list[RowWrite] = field(default_factory=list)
    dead: list[tuple[DeadLetter, EventT]] = field(default_factory=list)


class EntenteApp:
    """One Faust app for the topology; build a fresh one for every run (Faust apps bind to a loop)."""

    def __init__(
        self,
        bootstrap: str,
        options: KafkaOptions,
        settings: Settings,
        extract: Extraction,
        stats: RunStats,
    ) -> None:
        self.options = options
        self.settings = settings
        self.extract = extract
        self.stats = stats
        datadir = settings.home / "faust"  # Faust's own files, not in the current directory
        datadir.mkdir(parents=True, exist_ok=True)
        self.app = faust.App(
            options.app_id,
            broker=f"kafka://{bootstrap}",
            store="memory://",
            datadir=str(datadir),
            web_enabled=False,
            key_serializer="raw",
            value_serializer="raw",
            topic_partitions=options.partitions,
            topic_replication_factor=1,
            topic_disable_leader=True,
            table_standby_replicas=0,
            processing_guarantee="at_least_once",
            producer_linger=options.linger,
            consumer_auto_offset_reset="earliest",
            consumer_max_fetch_size=2 * options.max_message_bytes,
            producer_max_request_size=options.max_message_bytes,
            broker_commit_interval=options.commit_interval,
            broker_session_timeout=options.session_timeout,
            broker_heartbeat_interval=min(3.0, options.session_timeout / 4),
        )
        self.articles = self._topic(options.topic(topics.ARTICLES))
        self.events = self._topic(options.topic(topics.EVENTS))
        self.by_row = self._topic(options.by_row)
        self.changes = self.app.topic(
            options.topic(topics.CHANGES), key_type=bytes, value_serializer=MessageCodec(Change)
        )
        self.dlq = self._topic(options.topic(topics.DLQ))
        self.tables = {
            name: self.app.Table(
                name,
                default=None,
                key_type=bytes,
                value_type=bytes,
                partitions=options.partitions,
                use_partitioner=True,
            )
            for name in TABLES
        }
        self.facts = self.app.tables.add(
            FactsTable(
                self.app,
                name=FACTS,
                default=None,
                beacon=self.app.tables.beacon,
                key_type=bytes,
                value_type=bytes,
                partitions=options.partitions,
                use_partitioner=True,
            )
        )
        self._rows: dict[bytes, Grown] = {}
        """Rows this worker built or read since partitions were last revoked, with their last views."""
        self._fact_keys: dict[bytes, set[bytes]] | None = None
        """The facts-table keys of each row, gathered from the table on the first need after a rebalance."""
        self._agent_crash: WorkerCrashed | None = None
        self.app.on_partitions_revoked.connect(self._forget_rows)
        self.app.on_rebalance_complete.connect(self._hold_flow_until_seek)
        agents = ((self.articles, EXTRACT, self._extract), (self.by_row, REDUCE, self._reduce))
        for source, stage, agent in agents:
            self.app.agent(source, name=stage.name, concurrency=1)(self._watched(stage.name, agent))

    def _watched(self, stage: str, agent: Agent) -> Agent:
        """``agent``, with why it crashed kept for :attr:`crash` (Faust only logs it and starts it again)."""

        @functools.wraps(agent)
        async def watched(stream: StreamT[Any]) -> None:
            try:
                await agent(stream)
            except Exception as exc:
                if self._agent_crash is None:
                    crash = WorkerCrashed(f"the {stage} agent crashed: {type(exc).__name__}: {exc}")
                    crash.__cause__ = exc
                    self._agent_crash = crash
                raise

        return watched

    def _seek_uncommitted_to_start(self) -> None:
        """Make Faust's "seek to committed" seek a source partition without a commit (or at 0) to its start.

        aiokafka's ``seek_to_committed`` leaves such a partition where its fetcher stands; Faust
        drops the records it fetched while a rebalance held its flow and relies on that seek to
        read them again, so without this they would be skipped. The seek goes to the partition's
        first offset, looked up first: aiokafka's ``seek_to_beginning`` would leave the position
        unknown until its next fetch, and Faust's check of stalled partitions, which reads every
        position, then crashes the consumer.
        """
        consumer = self.app.consumer
        thread = consumer._thread
        original = consumer.seek_to_committed
        sources = {topic.get_topic_name() for topic in (self.articles, self.by_row)}

        async def seek_to_start(fresh: list[Any]) -> None:
            client = thread._ensure_consumer()
            for tp, offset in (await client.beginning_offsets(fresh)).items():
                client.seek(tp, offset)

        async def seek_to_committed() -> Mapping[Any, int | None]:
            committed = await original()
            fresh = [tp for tp, offset in committed.items() if not offset and tp.topic in sources]
            if fresh:
                await thread.call_thread(seek_to_start, fresh)
            return committed

        consumer.seek_to_committed = seek_to_committed

    async def _hold_flow_until_seek(self, sender: Any, **_kwargs: Any) -> None:
        """Stop fetching until Faust has sought the stream partitions to their committed offsets.

        After recovering a table, Faust resumes the stream partitions while the consumer still
        fetches and only then seeks them back to the committed offsets; records fetched in
        between reach the streams while their flow is suspended, are skipped unacknowledged, and
        the offset is never committed (or, with the gap bookkeeping, committed past them). Faust
        resumes the flow itself once the seek is done.
        """
        self.app.consumer.stop_flow()

    async def _forget_rows(self, *_args: Any, **_kwargs: Any) -> None:
        """Forget the rows built so far: partitions may move, and other workers update their rows."""
        self._rows = {}
        self._fact_keys = None

    def _topic(self, name: str) -> TopicT:
        return self.app.topic(name, key_type=bytes, value_type=bytes)

    async def start(self) -> None:
        """Join the group, recover the tables and start consuming.

        What is loaded by then (Faust, the codecs, the recovered tables) lives as long as the
        worker, so it is frozen out of the cycle collector's reach (:func:`gc.freeze`): a full
        collection would otherwise walk all of it again and stall every stage meanwhile.
        """
        self._seek_uncommitted_to_start()
        await self.app.start()
        gc.freeze()

    async def stop(self) -> None:
        """Stop consuming, flush the producer and leave the group.

        After a crash, the records a crashed agent had taken are never acknowledged, and Faust
        would wait for them forever: it is told not to. They are not committed, so whoever reads
        their partition next reads them again.
        """
        if self.crash is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", AlreadyConfiguredWarning)
                self.app.conf.stream_wait_empty = False
        await self.app.stop()

    @property
    def crash(self) -> BaseException | None:
        """Why an agent, the app or its consumer crashed, if one did.

        Faust logs it. A crashed app or consumer stops consuming; a crashed agent is started again,
        but the record it crashed on is never acknowledged, so nothing past it is committed. An
        agent's crash is a :class:`~streams.runtime.base.WorkerCrashed`: something raised past the
        agent's own handling of each record, which the pipeline's rules forbid.
        """
        if self._agent_crash is not None:
            return self._agent_crash
        for service in (self.app, self.app.consumer):
            if service.crashed:
                return service.crash_reason or RuntimeError("crashed")
        return None

    async def _dead_letter(self, dead: DeadLetter, record: EventT) -> None:
        dead = dead.model_copy(update={"received_at": received_at(record)})
        await self.dlq.send(key=dead.input.encode(), value=dead.dumps())
        self.stats.dead_letters += 1

    async def _extract(self, stream: StreamT[Any]) -> None:
        """``articles.raw`` → ``events`` and the rows' stream (:meth:`_publish`); rejections → the DLQ.

        Records are handed to the extractor (off the event loop, see
        :mod:`streams.kafka.extraction`) as they arrive, at most :data:`EXTRACT_BATCH` at once,
        while a task of their own publishes the results of earlier ones, in order: an article never
        waits for the articles before it to be published, only for the extractor. Each record is
        acknowledged once its events are sent, so offsets are committed only past published
        records; at most :data:`EXTRACT_AHEAD` batches are in flight.
        """
        window = self.options.extract_window
        ahead: asyncio.Queue[Extracting] = asyncio.Queue(EXTRACT_AHEAD)
        publishing = asyncio.ensure_future(self._publish_extracted(stream, ahead))
        try:
            async for records in stream.noack_take(EXTRACT_BATCH, within=window):
                items = [(record.message.value, origin_of(record), received_at(record)) for record in records]
                queued = asyncio.ensure_future(ahead.put((records, items, self.extract.each(items))))
                await asyncio.wait((queued, publishing), return_when=asyncio.FIRST_COMPLETED)
                if publishing.done():  # it only ends by raising: the agent fails with it
                    queued.cancel()
                    publishing.result()
        finally:
            publishing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await publishing

    async def _publish_extracted(self, stream: StreamT[Any], ahead: asyncio.Queue[Extracting]) -> None:
        """Publish each extracted batch from ``ahead`` in order, acknowledging each record once sent."""
        while True:
            records, items, extracted = await ahead.get()
            async with contextlib.aclosing(extracted) as results:
                for record, item in zip(records, items, strict=True):
                    self.stats.articles += 1
                    result = await anext(results)
                    if isinstance(result, DeadLetter):
                        await self._dead_letter(result, record)
                    else:
                        try:
                            await self._publish(result)
                        except Exception as exc:  # one bad record must never stop the agent
                            await self._dead_letter(failed(item, exc), record)
                    await stream.ack(record)

    async def _publish(self, events: list[EventRecord]) -> None:
        """Send an article's events to ``events``, and to every row they touch: one record a row."""
        rows: dict[bytes, list[bytes]] = {}
        for key, value, touched in events:
            await self.events.send(key=key, value=value)
            for row in touched:
                rows.setdefault(row, []).append(value)
        for row, values in rows.items():
            await self.by_row.send(key=row, value=b"[" + b",".join(values) + b"]")
        self.stats.events += len(events)
        self.stats.reduced += len(events)

    async def _reduce(self, stream: StreamT[Any]) -> None:
        """Apply each batch of events to its rows; publish the changes, then write the rows.

        A batch is what arrives within ``reduce_window`` seconds, at most :data:`REDUCE_BATCH` records:
        one record when input trickles in, a full batch when the stage is behind. Each row it
        touches is decoded, grown and encoded once (see :func:`streams.handlers.reduce_row`), on the event
        loop: in a thread it would wait for the interpreter lock behind the loop and Faust's
        consumer thread, and took several times as long. A row grows from what its last batch
        computed, but its summary is encoded whole, so a busy row still costs more than its new
        events: after each batch the stage waits as long as building it took, so rows are
        rebuilt at most half the time, in batches that grow with the load, and the rest of the
        loop (which feeds the extraction process) keeps its share.
        """
        loop = asyncio.get_running_loop()
        async for records in stream.take_events(REDUCE_BATCH, within=self.options.reduce_window):
            began = loop.time()
            done = Reduced()
            groups: dict[bytes, list[EventT]] = {}
            for record in records:
                if (astray := not_a_row(record.message.key)) is not None:
                    dead = DeadLetter.of(origin_of(record), astray, record.message.value, REDUCE.name)
                    done.dead.append((dead, record))
                else:
                    groups.setdefault(record.message.key, []).append(record)
            rows = self._rows
            self._reduce_rows([self._held(row, group) for row, group in groups.items()], done)
            building = loop.time() - began
            for dead, record in done.dead:
                await self._dead_letter(dead, record)
            changed = [row for row in done.rows if row.change is not None]
            sent = [await self.changes.send(key=row.row, value=row.change) for row in changed]
            await asyncio.gather(*sent)
            for row in done.rows:
                self._write(row, remember=rows is self._rows)
            self.stats.changes += len(changed)
            await asyncio.sleep(building)  # see the docstring

    def _held(self, row: bytes, records: list[EventT]) -> RowBatch:
        """The batch of ``records`` for ``row``, with the row as this worker knows it or as held."""
        if (known := self._rows.get(row)) is not None:
            return RowBatch(row, records, grown=known)
        table = self.tables.get(split_row(row)[0])
        held = None if table is None else table.get(row)
        if held is None:
            return RowBatch(row, records)
        if self._fact_keys is None:
            self._fact_keys = {key: set(keys) for key, keys in index(self.facts.keys()).items()}
        facts = [self.facts[key] for key in self._fact_keys.get(row, ())]
        return RowBatch(row, records, held=held, facts=facts)

    def _write(self, row: RowWrite, remember: bool) -> None:
        """Write a row's new facts, then its summary; remember the row unless partitions moved meanwhile."""
        for key, value in row.facts.items():
            self.facts[key] = value
        self.tables[row.table][row.row] = row.summary
        if remember:
            self._rows[row.row] = row.grown
            if self._fact_keys is not None:
                self._fact_keys.setdefault(row.row, set()).update(row.facts)

    def _reduce_rows(self, batches: list[RowBatch], out: Reduced) -> None:
        """Every row of a batch with its events applied, added to ``out``."""
        for batch in batches:
            try:
                events = self._events_of(batch, out)
                if events:
                    self._reduce_row(batch, events, out)
            except Exception as exc:  # one bad row must never stop the agent
                reason = f"reduce failed: {type(exc).__name__}: {exc}"
                out.dead.extend(
                    (DeadLetter.of(origin_of(record), reason, record.message.value, REDUCE.name), record)
                    for record in batch.records
                )

    @staticmethod
    def _events_of(batch: RowBatch, out: Reduced) -> list[tuple[Event, EventT]]:
        """The batch's events with their records; undecodable records become dead letters in ``out``."""
        events = []
        for record in batch.records:
            value = record.message.value
            try:
                events.extend((event, record) for event in carried(value))
            except ValueError as exc:
                reason = undecodable_event(exc)
                out.dead.append((DeadLetter.of(origin_of(record), reason, value, REDUCE.name), record))
        return events

    def _reduce_row(self, batch: RowBatch, events: list[tuple[Event, EventT]], out: Reduced) -> None:
        """Apply ``events`` to the batch's row; add the row and its change to ``out`` if it changed."""
        held = batch.grown
        if held is None and batch.held is not None:
            held = regrown(batch.table, batch.key, TABLES[batch.table], batch.held, batch.facts)
        reduced = reduce_row(batch.table, batch.key, held, [event for event, _record in events])
        if reduced is None:
            return
        stamped = None
        if reduced.change is not None:
            carriers = {event.id: record for event, record in events}
            causes = [carriers[event_id] for event_id in reduced.change.event_ids]
            stamped = reduced.change.model_copy(
                update={
                    "ingested_at": max(map(received_at, causes)),
                    "offsets": tuple(record.message.offset for record in causes),
                }
            )
        facts = {}
        if reduced.facts:
            value = encode_facts(reduced.facts)
            facts[facts_key(batch.row, value)] = value
        encoded = encode_summary(reduced.row.state)
        out.rows.append(RowWrite(batch.row, batch.table, reduced.row, encoded, facts, stamped))
