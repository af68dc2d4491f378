"""The Kafka runtime: the topology as a Faust app (:mod:`streams.kafka.app`) on a Kafka cluster.

It offers what :class:`~streams.runtime.base.Runtime` promises, like the embedded runtime: publish
articles, run the stages until idle or until told to stop, read the topics and the state tables.
The state is read from the tables' compacted changelogs (the latest row per key, put together
with its facts: :mod:`streams.kafka.stored`), so it can be read while no worker runs. Delivery is
at-least-once with idempotent, set-based state: see
:mod:`streams.kafka.app` for why a redelivered record double-counts nothing.

Each blocking method runs its coroutine on a private event loop; async code (a running worker in
the same loop, the tests) awaits the ``a``-prefixed coroutines instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import getpass
import logging
import time
from collections.abc import AsyncIterator, Callable, Collection, Coroutine, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from typing import Any, TypeVar

from aiokafka import AIOKafkaProducer
from aiokafka.structs import ConsumerRecord

from agents.extract import Extractor, load_extractor
from agents.reduce import strongest, tables
from agents.reduce.corrections import Corrections, refusal
from agents.reduce.rows import key_of
from agents.reduce.stored import assemble
from schemas import Article, Change, Correction, DeadLetter, Event
from schemas.base import Message
from schemas.state import Row
from streams import handlers, topics
from streams.audit_index import Audit, paginate
from streams.config import KAFKA_SCHEME, Settings
from streams.ingest.dedupe import DedupeIndex
from streams.kafka.admin import create_topics, end_offsets, lags, read_topic
from streams.kafka.app import ORIGIN, EntenteApp
from streams.kafka.extraction import Extraction, InProcess, InThread
from streams.kafka.feed import KafkaChangeFeed, change_feed
from streams.kafka.options import KafkaOptions
from streams.kafka.stored import FACTS, index
from streams.log import Log, record_ms
from streams.records import decoded, first_of_each, latest_versions
from streams.runs import RunStats, WorkerCrashed
from streams.runtime.base import Headers, Progress, PublishResult, RawRecord, Refused, Status
from streams.runtime.mirror import mirrored
from streams.topology import STAGES

CRASH_POLL_S = 0.5
logger = logging.getLogger(__name__)
M = TypeVar("M", bound=Message)
T = TypeVar("T")


def _blocking(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion from synchronous code, even when called inside a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _decoded(records: Iterable[ConsumerRecord], model: type[M]) -> list[tuple[ConsumerRecord, M]]:
    """Records that decode as ``model``, in log order (timestamp, then partition and offset)."""
    return decoded(sorted(records, key=lambda r: (r.timestamp, r.partition, r.offset)), model)


class KafkaRuntime:
    """Entente on the cluster at ``bootstrap`` (``host:port``, or ``kafka://host:port``)."""

    def __init__(
        self,
        bootstrap: str,
        settings: Settings | None = None,
        *,
        options: KafkaOptions | None = None,
        extractor: Extractor | None = None,
        idle_poll: float = 0.2,
    ) -> None:
        self.bootstrap = bootstrap.removeprefix(KAFKA_SCHEME)
        self.settings = settings or Settings(broker=f"{KAFKA_SCHEME}{self.bootstrap}")
        self.options = options or KafkaOptions()
        self.stats = RunStats()
        self._extractor = extractor
        self._idle_poll = idle_poll

    def close(self) -> None:
        """Nothing to release: every call opens and closes its own clients."""

    def __enter__(self) -> KafkaRuntime:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def extractor(self) -> Extractor:
        """The extractor, loaded on first use."""
        if self._extractor is None:
            self._extractor = load_extractor(self.settings.spacy_model)
        return self._extractor

    def topic(self, name: str) -> str:
        """The cluster name of one of :data:`streams.topics.ALL` (with the namespace)."""
        return self.options.topic(name)

    async def ensure_topics(self) -> list[str]:
        """Create the topics the app needs that do not exist yet; return the names created."""
        return await create_topics(self.bootstrap, self.options.topic_specs())

    def _sources(self) -> list[str]:
        """The topics the stages consume, in topology order."""
        return [self.topic(stage.source) for stage in STAGES]

    # -- publishing ---------------------------------------------------------------

    def publish_articles(self, items: Iterable[tuple[str, bytes]]) -> PublishResult:
        """Validate and publish ``(origin, article JSON)`` items; see :meth:`apublish_articles`."""
        return _blocking(self.apublish_articles(items))

    async def apublish_articles(self, items: Iterable[tuple[str, bytes]]) -> PublishResult:
        """Publish valid articles to ``articles.raw`` keyed by id; invalid ones go to ``articles.dlq``.

        An article repeated within ``items`` is a duplicate and is published once. One published
        again by a later call is sent again; its events have the same ids, which the tables
        already hold, so the state does not change.
        """
        await self.ensure_topics()
        result, seen = PublishResult(), set()
        async with self._producer() as producer:
            for origin, value in items:
                now = dt.datetime.now(dt.UTC)
                article = handlers.decode_article(value, origin, self.settings.max_article_bytes, now)
                if isinstance(article, DeadLetter):
                    result.dead_letters.append(await self._send_dead_letter(producer, article))
                elif article.id in seen:
                    result.duplicates += 1
                else:
                    seen.add(article.id)
                    headers = [(ORIGIN, origin.encode())]
                    await producer.send(
                        self.topic(topics.ARTICLES), article.dumps(), key=article.id.encode(), headers=headers
                    )
                    result.published += 1
        return result

    def publish_dead_letter(self, dead_letter: DeadLetter) -> None:
        """Put a rejection found before publishing (e.g. by ingest) on ``articles.dlq``."""
        _blocking(self.apublish_dead_letter(dead_letter))

    async def apublish_dead_letter(self, dead_letter: DeadLetter) -> None:
        """Async :meth:`publish_dead_letter`."""
        await self.ensure_topics()
        async with self._producer() as producer:
            await self._send_dead_letter(producer, dead_letter)

    def revise(self, origin: str, article: Article) -> DeadLetter | None:
        """Publish ``article``, a new version of one published before: its events to ``events``, the
        article to ``articles.raw``, then the revision (:func:`streams.handlers.revised`) that makes
        them the article's; the extract stage publishes no events of that record. An article the
        extractor fails on is a dead letter (returned)."""
        made = handlers.revised(article, origin, self.extractor, getpass.getuser(), dt.datetime.now(dt.UTC))
        if isinstance(made, DeadLetter):
            self.publish_dead_letter(made)
            return made
        article, events, correction = made
        headers = [(ORIGIN, origin.encode()), (handlers.REVISION, correction.id.encode())]
        _blocking(self._send_version(article, events, headers, correction))
        return None

    async def _send_version(
        self, article: Article, events: list[Event], headers: Headers, correction: Correction
    ) -> None:
        """Send a new version's events, then the article, then its revision, each once the last is in."""
        await self.ensure_topics()
        key = article.id.encode()
        async with self._producer() as producer:
            for event in events:
                await producer.send(self.topic(topics.EVENTS), event.dumps(), key=key)
            await producer.flush()
            await producer.send_and_wait(
                self.topic(topics.ARTICLES), article.dumps(), key=key, headers=list(headers)
            )
            await producer.send_and_wait(self.topic(topics.CORRECTIONS), correction.dumps(), key=key)

    def publish_raw(self, topic: str, key: bytes | None, value: bytes | None, headers: Headers = ()) -> None:
        """Send one record to ``topic`` as it is; see :meth:`apublish_records`."""
        self.publish_records([RawRecord(topic, key, value, headers)])

    def publish_records(self, records: Iterable[RawRecord]) -> None:
        """Send each record to its topic as it is; see :meth:`apublish_records`."""
        _blocking(self.apublish_records(records))

    async def apublish_records(self, records: Iterable[RawRecord]) -> None:
        """Send each record to its topic as it is, unchecked, as any Kafka client could, in order and
        through one producer, each acknowledged before the next is sent.

        One over ``max.message.bytes`` never reaches the cluster: the producer refuses it with
        :class:`aiokafka.errors.MessageSizeTooLargeError`, raised here.
        """
        records = list(records)
        if not records:
            return
        await self.ensure_topics()
        async with self._producer() as producer:
            for topic, key, value, headers in records:
                await producer.send_and_wait(self.topic(topic), value, key=key, headers=list(headers))

    @contextmanager
    def dedupe_index(self) -> Iterator[DedupeIndex]:
        """The near-duplicate index in the log of ``settings.data_dir`` on this machine."""
        with Log.open(self.settings.data_dir) as log:
            yield DedupeIndex(log)

    @property
    def own_log(self) -> None:
        """None: the stages run on the cluster's log."""
        return None

    @asynccontextmanager
    async def _producer(self) -> AsyncIterator[AIOKafkaProducer]:
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap, max_request_size=self.options.max_message_bytes, acks="all"
        )
        await producer.start()
        try:
            yield producer
        finally:
            await producer.stop()  # flushes everything sent

    async def _send_dead_letter(self, producer: AIOKafkaProducer, dead: DeadLetter) -> DeadLetter:
        if dead.received_at is None:
            dead = dead.model_copy(update={"received_at": dt.datetime.now(dt.UTC)})
        await producer.send(self.topic(topics.DLQ), dead.dumps(), key=dead.input.encode())
        return dead

    # -- processing ---------------------------------------------------------------

    @asynccontextmanager
    async def _running(self) -> AsyncIterator[EntenteApp]:
        """A started Faust app for the topology, stopped (offsets committed) on exit."""
        await self.ensure_topics()
        async with self._extraction() as extract:  # loaded before joining the group
            app = EntenteApp(self.bootstrap, self.options, self.settings, extract, self.stats)
            await app.start()
            try:
                yield app
            finally:
                await app.stop()

    def _extraction(self) -> Extraction:
        """The extractor handed to the runtime in a thread, else the configured model in a child process."""
        max_bytes = self.settings.max_article_bytes
        if self._extractor is None:
            return InProcess(self.settings.spacy_model, max_bytes)
        return InThread(self._extractor, max_bytes)

    def run_until_idle(self, on_progress: Progress | None = None, timeout: float = 300.0) -> RunStats:
        """Run the stages until every one has committed all of its input; return what they did
        (``on_progress`` is handed that and the stages' lag at each look)."""
        return _blocking(self.arun_until_idle(on_progress, timeout))

    async def arun_until_idle(self, on_progress: Progress | None = None, timeout: float = 300.0) -> RunStats:
        """Async :meth:`run_until_idle`."""
        before = self.stats
        self.stats = RunStats()
        shown = None if on_progress is None else (lambda lag: on_progress(self.stats, lag))
        async with self._running() as app:
            await self.wait_idle(timeout, app, shown)
        done, self.stats = self.stats, before + self.stats
        return done

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Process input as it arrives until ``stop`` is set, then commit and leave the group.

        A Faust app whose consumer or agent crashes stops committing without stopping; it is
        stopped and a new one joins the group, which goes on from the committed offsets. Once
        stopped, raise :class:`~streams.runs.WorkerCrashed` if an agent crashed meanwhile:
        every record is meant to be handled inside the agents, so that is a fault to report.
        """
        crashed: WorkerCrashed | None = None
        while not stop.is_set():
            crash = None
            async with self._running() as app:
                while not stop.is_set() and (crash := app.crash) is None:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), CRASH_POLL_S)
            if isinstance(crash, WorkerCrashed):
                crashed = crash
            if crash is not None and not stop.is_set():
                logger.warning("worker restarting: %s: %s", type(crash).__name__, crash)
        if crashed is not None:
            raise crashed

    async def lag(self) -> dict[str, int]:
        """Records not yet committed by each stage, in topology order."""
        behind = await lags(self.bootstrap, self.options.app_id, self._sources())
        return dict(zip((stage.name for stage in STAGES), behind, strict=True))

    async def counts(self) -> dict[str, int]:
        """Records on every topic: the sum of its partitions' end offsets."""
        ends = await end_offsets(self.bootstrap, map(self.topic, topics.ALL))
        return dict(zip(topics.ALL, ends, strict=True))

    async def status(self) -> Status:
        """Records on every topic and each stage's lag, asked of the cluster at once."""
        counts, lag = await asyncio.gather(self.counts(), self.lag())
        return Status(counts, lag)

    def mirror(self, written: Callable[[], None]) -> AbstractAsyncContextManager[Log]:
        """The cluster's topics and tables copied to a temporary directory (:mod:`streams.runtime.mirror`)."""
        return mirrored(self, written)

    async def wait_idle(
        self,
        timeout: float = 300.0,
        app: EntenteApp | None = None,
        on_lag: Callable[[dict[str, int]], None] | None = None,
    ) -> None:
        """Return once every stage has committed all of its input (a worker must be running).

        With the ``app`` of a worker running here, raise as soon as it crashes; ``on_lag`` is handed
        the stages' lag at each look.
        """
        deadline = time.monotonic() + timeout
        while any((lag := await self.lag()).values()):
            if on_lag is not None:
                on_lag(lag)
            if app is not None and (crash := app.crash) is not None:
                raise RuntimeError(f"the worker crashed: {type(crash).__name__}: {crash}") from crash
            if time.monotonic() > deadline:
                raise TimeoutError(f"the stages still lag {await self.lag()} records after {timeout:.0f} s")
            await asyncio.sleep(self._idle_poll)

    # -- reading ------------------------------------------------------------------

    async def read(self, name: str) -> list[ConsumerRecord]:
        """Every record of topic ``name`` (one of :data:`streams.topics.ALL`)."""
        return await read_topic(self.bootstrap, self.topic(name))

    def state(self, table: str) -> list[Row]:
        """The rows of a table (:mod:`agents.reduce.tables`), sorted by key."""
        return _blocking(self.astate(table))

    async def astate(self, table: str) -> list[Row]:
        """Async :meth:`state`: the latest value of every key of the table's changelog."""
        model = tables.get(table).model
        rows = await self._latest(self.options.changelog(table))
        facts = await self._latest(self.options.changelog(FACTS))
        keys = index(facts)
        return [
            assemble(model, value, (facts[key] for key in keys.get(row, ())))
            for row, value in sorted(rows.items())
        ]

    async def _latest(self, topic: str) -> dict[bytes, bytes]:
        """The latest value of every key of a compacted topic, without the deleted ones."""
        latest: dict[bytes, bytes | None] = {}
        for record in await read_topic(self.bootstrap, topic):
            latest[record.key] = record.value
        return {key: value for key, value in latest.items() if value is not None}

    def row(self, table: str, key: str) -> Row | None:
        """One row of the table by key (read with the whole table from its changelog), or ``None``."""
        return next((row for row in self.state(table) if key_of(row) == key), None)

    def article(self, article_id: str) -> Article | None:
        """One published article by id (read with all of ``articles.raw``), or ``None``."""
        return self.articles_by_id([article_id]).get(article_id)

    def articles_by_id(self, ids: Collection[str]) -> dict[str, Article]:
        """The published articles among ``ids`` (read with all of ``articles.raw``), by id."""
        return {article.id: article for article in self.articles() if article.id in ids}

    def audit_page(self, table: str, key: str, limit: int | None) -> Audit | None:
        """The page of the row read from its table's changelog (:meth:`row`)."""
        row = self.row(table, key)
        return None if row is None else paginate(strongest(row, limit), limit)

    def logged_events(self) -> list[Event]:
        """Every event as logged, in log order, each id once (a redelivered article extracts the same
        events)."""
        return first_of_each(event for _record, event in _decoded(_blocking(self.read(topics.EVENTS)), Event))

    def events(self) -> list[Event]:
        """Every live event, in log order, each id once, as the corrections leave it."""
        return Corrections(self.corrections()).events(self.logged_events())

    def events_known_at(self, when: dt.datetime) -> list[Event]:
        """The events whose record the ``events`` topic holds by ``when``, in log order, each id once,
        as the corrections logged by then leave them.

        A record's time is its timestamp (ms since the epoch, UTC); a naive ``when`` is taken as UTC.
        """
        limit = record_ms(when)
        decoded = _decoded(_blocking(self.read(topics.EVENTS)), Event)
        logged = first_of_each(event for record, event in decoded if record.timestamp <= limit)
        return Corrections(self.corrections(when)).events(logged)

    def corrections(self, known_at: dt.datetime | None = None) -> list[Correction]:
        """Every correction in the order logged (one partition); with ``known_at``, those logged by then."""
        limit = None if known_at is None else record_ms(known_at)
        decoded = _decoded(_blocking(self.read(topics.CORRECTIONS)), Correction)
        return [correction for record, correction in decoded if limit is None or record.timestamp <= limit]

    def correct(self, correction: Correction) -> None:
        """Send ``correction`` to ``corrections`` for the workers to apply, or raise
        :class:`~streams.runtime.base.Refused` saying why it cannot be made.

        Checked against the topics as read here: two corrections of one target made at once by two
        clients are both logged, and the later one's effect is the one that holds.
        """
        known = Corrections(self.corrections())
        found = correction.kind == "retraction" and self.article(correction.target) is not None
        events = [] if correction.kind == "retraction" else self.logged_events()
        if (refused := refusal(correction, known, found, events)) is not None:
            raise Refused(refused.reason, unknown=refused.unknown)
        self.publish_raw(topics.CORRECTIONS, correction.target.encode(), correction.dumps())

    def articles(self) -> list[Article]:
        """Every published article, in log order, each id once, as its latest version."""
        decoded = _decoded(_blocking(self.read(topics.ARTICLES)), Article)
        return latest_versions(article for _record, article in decoded)

    def changes(self, after: int | None = None) -> list[tuple[int, Change]]:
        """``(offset, change)`` of every change after offset ``after`` (all when ``None``).

        Offsets are ``state.changes`` offsets: one sequence while it has one partition (the default).
        """
        return _blocking(self.achanges(after))

    async def achanges(self, after: int | None = None) -> list[tuple[int, Change]]:
        """Async :meth:`changes`."""
        decoded = _decoded(await self.read(topics.CHANGES), Change)
        start = -1 if after is None else after
        return [(record.offset, change) for record, change in decoded if record.offset > start]

    @asynccontextmanager
    async def change_feed(self, group: str | None, from_beginning: bool) -> AsyncIterator[KafkaChangeFeed]:
        """``state.changes`` from the offset committed for ``group`` (its consumer group is
        :meth:`~streams.kafka.options.KafkaOptions.subscriber_group`), else the first or the next change."""
        await self.ensure_topics()
        name = None if group is None else self.options.subscriber_group(group)
        async with change_feed(self.bootstrap, self.topic(topics.CHANGES), name, from_beginning) as feed:
            yield feed

    def dead_letters(self) -> list[DeadLetter]:
        """Every rejection on ``articles.dlq``, in log order."""
        return _blocking(self.adead_letters())

    async def adead_letters(self) -> list[DeadLetter]:
        """Async :meth:`dead_letters`."""
        return [dead for _offset, dead in await self.adead_letter_records()]

    def dead_letter_records(self) -> list[tuple[int, DeadLetter]]:
        """``(offset, dead letter)`` of every rejection on ``articles.dlq``, in log order.

        Offsets are ``articles.dlq`` offsets: one sequence while it has one partition (the default).
        """
        return _blocking(self.adead_letter_records())

    async def adead_letter_records(self) -> list[tuple[int, DeadLetter]]:
        """Async :meth:`dead_letter_records`."""
        return [(record.offset, dead) for record, dead in _decoded(await self.read(topics.DLQ), DeadLetter)]

    def replayed(self) -> set[int]:
        """The offsets of ``articles.dlq`` marked replayed (the keys of ``articles.dlq.replayed``)."""
        records = _blocking(self.read(topics.DLQ_REPLAYED))
        return {int(record.key) for record in records if record.key}
