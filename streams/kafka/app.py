"""The Faust app that runs :mod:`streams.topology` on Kafka, with the step code of :mod:`streams.handlers`.

    articles.raw ──extract──▶ events ──route──▶ <ns>entente-events-by-row ──reduce──▶ tables ──▶ state.changes
         └────────── bad records (any stage) ──────────▶ articles.dlq

``route`` re-keys each event by every row it touches (``alliances:A|B``, ``zones:Z``: the reducer's
``keys(event)``), so the row's state lives on the partition its key hashes to and Faust's
changelog-backed tables stay co-partitioned with their input. Every agent runs with concurrency 1
and catches each record inside its loop: a record that cannot be processed becomes a
:class:`~schemas.DeadLetter` naming ``topic[partition]@offset``, and the agent goes on.

Delivery is at-least-once. Faust commits a source offset only after the producer is flushed, so a
worker killed mid-run re-reads what it had not committed. That cannot double-count: event ids are
deterministic, and a row is a function of the *set* of events it holds (the reducer returns the row
unchanged, with no change, for an event it already holds). ``reduce`` waits for its changes to be
acknowledged before it writes the row, so a redelivered event whose row write was lost publishes its
change again (the same change id) rather than never: ``state.changes`` may repeat a change after a
crash, and never misses one.

Two guards keep Faust's rebalances from skipping records (both seen to lose records in the tests
without them): :meth:`EntenteApp._seek_uncommitted_to_start` makes Faust's seek back to the
committed offsets also cover partitions with no commit yet, and
:meth:`EntenteApp._hold_flow_until_seek` stops fetching until that seek is done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import faust
from faust.types import EventT, StreamT, TopicT
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from agents import reduce
from agents.extract import Extractor
from schemas import AllianceState, DeadLetter, Event, ZoneState
from streams import handlers, topics
from streams.config import Settings
from streams.kafka.admin import TopicSpec
from streams.kafka.broker import MAX_MESSAGE_BYTES
from streams.kafka.codec import MessageCodec
from streams.runtime.base import RunStats
from streams.topology import EXTRACT, REDUCE

TABLES: dict[str, type[AllianceState] | type[ZoneState]] = {"alliances": AllianceState, "zones": ZoneState}
FOREVER = -1
THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000
ROUTE = "route"
ORIGIN = "origin"


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
            *(TopicSpec(self.changelog(table), self.partitions, compacted) for table in TABLES),
        ]


def origin_of(event: EventT) -> str:
    """Where a record came from, as error lines name it: ``topic[partition]@offset``."""
    message = event.message
    return f"{message.topic}[{message.partition}]@{message.offset}"


def received_at(event: EventT) -> dt.datetime:
    """The record's broker timestamp as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(event.message.timestamp, tz=dt.UTC)


def _header(event: EventT, name: str) -> str | None:
    for key, value in event.message.headers or ():
        if key == name:
            return value.decode() if isinstance(value, bytes) else str(value)
    return None


class EntenteApp:
    """One Faust app for the topology; build a fresh one for every run (Faust apps bind to a loop)."""

    def __init__(
        self,
        bootstrap: str,
        options: KafkaOptions,
        settings: Settings,
        extractor: Callable[[], Extractor],
        stats: RunStats,
    ) -> None:
        self.options = options
        self.settings = settings
        self.extractor = extractor
        self.stats = stats
        self.app = faust.App(
            options.app_id,
            broker=f"kafka://{bootstrap}",
            store="memory://",
            web_enabled=False,
            key_serializer="raw",
            value_serializer="raw",
            topic_partitions=options.partitions,
            topic_replication_factor=1,
            topic_disable_leader=True,
            table_standby_replicas=0,
            processing_guarantee="at_least_once",
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
        self.changes = self._topic(options.topic(topics.CHANGES))
        self.dlq = self._topic(options.topic(topics.DLQ))
        self.tables = {
            name: self.app.Table(
                name, default=None, key_type=bytes, value_type=bytes, partitions=options.partitions
            )
            for name in TABLES
        }
        self.codecs = {name: MessageCodec(model) for name, model in TABLES.items()}
        self.app.on_rebalance_complete.connect(self._hold_flow_until_seek)
        self.app.agent(self.articles, name=EXTRACT.name, concurrency=1)(self._extract)
        self.app.agent(self.events, name=ROUTE, concurrency=1)(self._route)
        self.app.agent(self.by_row, name=REDUCE.name, concurrency=1)(self._reduce)

    def _seek_uncommitted_to_start(self) -> None:
        """Make Faust's "seek to committed" seek a source partition without a commit (or at 0) to its start.

        aiokafka's ``seek_to_committed`` leaves such a partition where its fetcher stands; Faust
        drops the records it fetched while a rebalance held its flow and relies on that seek to
        read them again, so without this they would be skipped.
        """
        consumer = self.app.consumer
        thread = consumer._thread
        original = consumer.seek_to_committed
        sources = {topic.get_topic_name() for topic in (self.articles, self.events, self.by_row)}

        async def seek_to_committed() -> Mapping[Any, int | None]:
            committed = await original()
            fresh = [tp for tp, offset in committed.items() if not offset and tp.topic in sources]
            if fresh:
                await thread.call_thread(thread._ensure_consumer().seek_to_beginning, *fresh)
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

    def _topic(self, name: str) -> TopicT:
        return self.app.topic(name, key_type=bytes, value_type=bytes)

    async def start(self) -> None:
        """Join the group, recover the tables and start consuming."""
        self._seek_uncommitted_to_start()
        await self.app.start()

    async def stop(self) -> None:
        """Stop consuming, flush the producer and leave the group."""
        await self.app.stop()

    async def _dead_letter(self, dead: DeadLetter, record: EventT) -> None:
        dead = dead.model_copy(update={"received_at": received_at(record)})
        await self.dlq.send(key=dead.input.encode(), value=dead.dumps())
        self.stats.dead_letters += 1

    async def _extract(self, stream: StreamT[Any]) -> None:
        """``articles.raw`` → ``events`` (keyed by event id); rejections → ``articles.dlq``."""
        async for record in stream.events():
            origin, value = origin_of(record), record.message.value
            self.stats.articles += 1
            try:
                result = handlers.extract_article(
                    value, origin, self.extractor(), self.settings.max_article_bytes
                )
                if isinstance(result, DeadLetter):
                    await self._dead_letter(result, record)
                    continue
                for event in result:
                    await self.events.send(key=event.id.encode(), value=event.dumps())
                self.stats.events += len(result)
            except Exception as exc:  # one bad record must never stop the agent
                reason = f"extract failed: {type(exc).__name__}: {exc}"
                await self._dead_letter(DeadLetter.of(origin, reason, value, EXTRACT.name), record)

    async def _route(self, stream: StreamT[Any]) -> None:
        """``events`` → one record per row the event touches, keyed ``table:key``."""
        async for record in stream.events():
            origin, value = origin_of(record), record.message.value
            try:
                event = Event.loads(value)
                for table, key in reduce.keys(event):
                    await self.by_row.send(
                        key=f"{table}:{key}".encode(),
                        value=value,
                        headers={ORIGIN: origin.encode()},
                        timestamp=record.message.timestamp,
                    )
                self.stats.reduced += 1
            except Exception as exc:  # one bad record must never stop the agent
                reason = f"undecodable event: {type(exc).__name__}: {exc}"
                await self._dead_letter(DeadLetter.of(origin, reason, value, REDUCE.name), record)

    async def _reduce(self, stream: StreamT[Any]) -> None:
        """Apply each event to its row; publish the changes, then write the row (see the module docstring)."""
        async for record in stream.events():
            origin = _header(record, ORIGIN) or origin_of(record)
            value = record.message.value
            try:
                table, _, key = record.message.key.decode().partition(":")
                rows, codec = self.tables[table], self.codecs[table]
                held = rows.get(key.encode())
                state = None if held is None else codec.loads(held)
                reduced = handlers.reduce_row(table, key, Event.loads(value), state)
                offset = int(origin.rpartition("@")[2])
                for change in reduced.changes:
                    stamped = change.model_copy(
                        update={"ingested_at": received_at(record), "offsets": (offset,)}
                    )
                    sent = await self.changes.send(key=f"{table}:{key}".encode(), value=stamped.dumps())
                    await sent
                    self.stats.changes += 1
                for _table, row_key, row in reduced.rows:
                    rows[row_key.encode()] = codec.dumps(row)
            except Exception as exc:  # one bad record must never stop the agent
                reason = f"reduce failed: {type(exc).__name__}: {exc}"
                await self._dead_letter(DeadLetter.of(origin, reason, value, REDUCE.name), record)
