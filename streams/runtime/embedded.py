"""The embedded runtime: the topology's stages over the SQLite log of one data directory.

It runs every stage of :data:`streams.topology.STAGES`, each handler by a transform of its own
(:data:`TRANSFORMS`); a stage that only re-keys is the identity on a log of one partition a topic
(see :mod:`streams.topology`), so it has no transform and no lag, and the stage after it reads its
source (:func:`~streams.topology.log_topic`). Each stage is consume-transform-produce over the log.
One batch goes:

1. read the stage's committed position and the batch of records after it;
2. transform every record through :mod:`streams.handlers` (outside any
   transaction, so a slow extractor never holds the write lock);
3. in ONE transaction: check the position is still the one read in step 1
   (else another worker committed this batch first, and it is dropped), append
   the outputs to the sink topics, write the state rows (a row's summary, and
   the facts the batch added to it, appended: :mod:`streams.stored`), move the
   position past the batch.

The audit page of a row (:mod:`streams.audit_index`) is written by the first
question after the row changed, not here: ranking a row's facts costs what the
row holds, which a batch must not.

A worker killed anywhere in this sequence leaves either nothing of the batch
or all of it, and resumes from the committed position: no output is written
twice and none is lost. Several processes may share one data directory.

The reduce stage grows each row a batch touches by the batch's events for it, one
at a time in log order (:func:`streams.handlers.reduce_row`, as the Kafka runtime
does): one change per event new to a row, whatever the batches. The rows it grew
stay in a bounded cache (:data:`ROW_CACHE`, least recently used out) with
the storage version they were written at; a row not cached, or rewritten since
by another process, is built once from its summary and facts.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import getpass
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from pydantic import ValidationError

from agents.extract import Extractor, load_extractor
from agents.reduce import keys, strongest, tables
from agents.reduce.corrections import Corrections, refusal
from agents.reduce.growth import Grown
from agents.reduce.step import Stepped
from agents.reduce.tables import Held
from schemas import Article, Change, DeadLetter, Event
from schemas.correction import Correction
from schemas.state import Row
from streams import handlers, topics
from streams.audit_index import INDEXED, Audit, AuditIndex, paginate
from streams.config import Settings
from streams.ingest.dedupe import DedupeIndex
from streams.log import (
    POLL_INTERVAL_S,
    Log,
    Record,
    Writer,
    has_record,
    record_ms,
    timestamp,
    wait,
)
from streams.log.interface import LogStore, StoreReader
from streams.log.tables import read_article
from streams.records import decoded, first_of_each, latest_versions, start_position
from streams.runs import RunStats
from streams.runtime.base import Headers, Progress, PublishResult, RawRecord, Refused, Status
from streams.stored import read_grown, read_row, read_rows, write_row, write_step
from streams.topology import CORRECT, REDUCE, STAGES, Stage, log_topic

Reducer = Callable[[str, str, Grown | None, Sequence[Event]], Stepped | None]
LIVE_EVENTS = "live-events"
"""The pseudo consumer group whose position on ``events`` is where the live events begin.

``entente reextract --promote`` appends a whole new set of events and moves it
there; the events before it are kept in the log but no longer count.
"""
EXTRACT_BATCH = 16
REDUCE_BATCH = 500
CHANGES_BATCH = 500
CORRECT_BATCH = 100
ROW_CACHE = 256
"""Most rows the reduce stage keeps grown in memory between batches."""


@dataclass
class Output:
    """What a stage makes of one batch: records for the sink topics and state rows."""

    dead_letters: str
    """The topic of the stage's rejections."""
    records: dict[str, list[tuple[str | None, bytes]]] = field(default_factory=dict)
    rows: dict[tuple[str, str], Stepped] = field(default_factory=dict)
    replaced: dict[tuple[str, str], Held | None] = field(default_factory=dict)
    """Rows a correction built again, written whole (``None``: removed)."""
    expected: dict[tuple[str | None, str], int | None] = field(default_factory=dict)
    """What the batch was made from: the committed position of each ``(group, topic)``, or the end
    of ``topic`` for a group ``None``; the batch is dropped when the log moved on from it."""
    stats: RunStats = field(default_factory=lambda: RunStats(batches=1))

    def emit(self, topic: str, key: str | None, value: bytes) -> None:
        """Append a record to ``topic`` when the batch commits."""
        self.records.setdefault(topic, []).append((key, value))

    def dead_letter(self, dead: DeadLetter) -> None:
        """Send a rejection to the stage's dead letters."""
        self.emit(self.dead_letters, dead.input, dead.dumps())
        self.stats.dead_letters += 1


class EmbeddedRuntime:
    """Runs the topology on ``<data_dir>/log.db``, or on ``store`` when given (e.g. a
    :class:`~streams.log.memory.MemoryLog`); the extractor and reducer can be swapped for tests."""

    def __init__(
        self,
        data_dir: Path,
        settings: Settings | None = None,
        *,
        extractor: Extractor | None = None,
        reducer: Reducer = handlers.reduce_row,
        extract_batch: int = EXTRACT_BATCH,
        reduce_batch: int = REDUCE_BATCH,
        poll_interval: float = POLL_INTERVAL_S,
        store: LogStore | None = None,
    ) -> None:
        self.settings = settings or Settings(home=data_dir)
        self.log: LogStore = Log.open(data_dir) if store is None else store
        self._extractor = extractor
        self._reducer = reducer
        self._poll_interval = poll_interval
        self._grown: OrderedDict[tuple[str, str], tuple[int, Grown]] = OrderedDict()
        self._batch = {
            handlers.extract_articles: extract_batch,
            handlers.reduce_row: reduce_batch,
            handlers.correction_rows: CORRECT_BATCH,
        }

    def close(self) -> None:
        """Close the log connection."""
        self.log.close()

    def __enter__(self) -> EmbeddedRuntime:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- publishing ---------------------------------------------------------------

    def publish_articles(self, items: Iterable[tuple[str, bytes]]) -> PublishResult:
        """Validate ``(origin, article JSON)`` items, then publish them in one transaction.

        Invalid items go to ``articles.dlq`` (stamped with the time received); an
        article whose id is already in the log, or earlier in ``items``, is a
        duplicate and changes nothing, unless its text changed: then it is a new
        version of the article (:meth:`revise`). Validation happens before the write
        lock is taken, so other writers wait only for the inserts.
        """
        max_bytes = self.settings.max_article_bytes
        now = dt.datetime.now(dt.UTC)
        decoded = [
            (origin, handlers.decode_article(value, origin, max_bytes, now)) for origin, value in items
        ]
        result = PublishResult()
        revised: list[tuple[str, Article]] = []
        with self.log.transaction() as writer:
            for origin, article in decoded:
                if isinstance(article, DeadLetter):
                    result.dead_letters.append(_dead_letter(writer, article))
                elif writer.article_offset(article.id) is None:
                    offset = writer.append(topics.ARTICLES, article.id, article.dumps(), {"origin": origin})
                    writer.index_article(article.id, offset)
                    result.published += 1
                elif handlers.new_version(read_article(writer, article.id), article):
                    revised.append((origin, article))
                else:
                    result.duplicates += 1
        for origin, article in revised:
            dead = self.revise(origin, article)
            if dead is None:
                result.revised += 1
            else:
                result.dead_letters.append(dead)
        return result

    def revise(self, origin: str, article: Article) -> DeadLetter | None:
        """Publish ``article``, a new version of one published before, with its events and the
        revision (:func:`streams.handlers.revised`) that makes them the article's, in one
        transaction: the extract stage leaves the record alone. An article the extractor fails on
        is a dead letter (returned), and nothing else is published."""
        made = handlers.revised(article, origin, self.extractor, getpass.getuser(), dt.datetime.now(dt.UTC))
        if isinstance(made, DeadLetter):
            self.publish_dead_letter(made)
            return made
        article, events, correction = made
        with self.log.transaction() as writer:
            headers = {"origin": origin, handlers.REVISION: correction.id}
            writer.index_article(
                article.id, writer.append(topics.ARTICLES, article.id, article.dumps(), headers)
            )
            writer.extend(topics.EVENTS, [(event.article_id, event.dumps()) for event in events], headers)
            writer.append(topics.CORRECTIONS, article.id, correction.dumps())
        return None

    def publish_dead_letter(self, dead_letter: DeadLetter) -> None:
        """Put a rejection found before publishing on ``articles.dlq``."""
        with self.log.transaction() as writer:
            _dead_letter(writer, dead_letter)

    def publish_raw(self, topic: str, key: bytes | None, value: bytes | None, headers: Headers = ()) -> None:
        """Append one record to ``topic`` as it is; see :meth:`publish_records`."""
        self.publish_records([RawRecord(topic, key, value, headers)])

    def publish_records(self, records: Iterable[RawRecord]) -> None:
        """Append each record to its topic as it is, unchecked, for the stage reading it to handle, in
        one transaction.

        The log keeps keys and headers as text (bytes that are not UTF-8 replaced) and holds no
        null value: a tombstone goes straight to ``articles.dlq``, with the reason the Kafka
        stages give one (:data:`streams.handlers.NULL_VALUE`).
        """
        with self.log.transaction() as writer:
            for topic, key, value, headers in records:
                if value is None:
                    _dead_letter(writer, DeadLetter.of(topic, handlers.NULL_VALUE, value, "publish"))
                    continue
                text = None if key is None else key.decode(errors="replace")
                writer.append(
                    topic, text, value, {name: data.decode(errors="replace") for name, data in headers}
                )

    @contextmanager
    def dedupe_index(self) -> Iterator[DedupeIndex]:
        """The near-duplicate index in this runtime's own log."""
        yield DedupeIndex(self.log)

    @property
    def own_log(self) -> LogStore:
        """The log the stages run on (:attr:`log`)."""
        return self.log

    # -- processing ---------------------------------------------------------------

    def run_until_idle(self, on_progress: Progress | None = None) -> RunStats:
        """Run the stages, extract then reduce, until none has input left; ``on_progress`` is handed
        the running totals and the stages' lag after each round of batches."""
        total = RunStats()
        while self._pending():
            total += self.run_once()
            if on_progress is not None:
                on_progress(total, stage_lag(self.log))
        return total

    def run_stage(self, stage: Stage) -> RunStats:
        """Run ``stage`` alone until it has no input left (e.g. to apply a correction at once)."""
        total = RunStats()
        while _lag(self.log, stage):
            total += self._step(stage)
        return total

    def run_once(self) -> RunStats:
        """Process at most one batch of every stage, in topology order."""
        total = RunStats()
        for stage in STAGES:
            if not stage.rekeys:
                total += self._step(stage)
        return total

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Process input as it arrives until ``stop`` is set; a batch begun is committed whole.

        Batches run in a thread, so the event loop (and its signal handlers) stays
        responsive; ``stop`` is checked between batches.
        """
        while not stop.is_set():
            if self._pending():
                await asyncio.to_thread(self.run_once)
            else:
                await wait(self.log, self._pending, stop, self._poll_interval)

    def _pending(self) -> bool:
        """Whether some stage has records after its committed position."""
        return any(stage_lag(self.log).values())

    def _step(self, stage: Stage) -> RunStats:
        """One consume-transform-produce batch of ``stage`` (see the module docstring)."""
        source = log_topic(stage.source)
        start = self.log.committed(stage.name, source)
        batch = self.log.read(source, start or 0, self._batch[stage.handler])
        if not batch:
            return RunStats()
        output = TRANSFORMS[stage.handler](self, stage, batch)
        with self.log.transaction() as writer:
            if writer.committed(stage.name, source) != start or _moved(writer, output.expected):
                return RunStats()  # another worker committed this batch first, or what it read changed
            for topic, items in output.records.items():
                writer.extend(topic, items)
            versions = {}
            for (table, key), row in output.rows.items():
                write_step(writer, table, key, row.row.state, row.facts)
                versions[(table, key)] = writer.facts_version(table, key)
            for (table, key), held in output.replaced.items():
                if held is None:
                    writer.delete_state(table, key)
                else:
                    write_row(writer, table, key, held.state)
            writer.commit_offset(stage.name, source, batch[-1].offset + 1)
        for name, row in output.rows.items():
            self._remember(name, versions[name], row.row)
        return output.stats

    def _remember(self, name: tuple[str, str], version: int | None, row: Grown) -> None:
        """Keep ``row`` as written at ``version``; the least recently used go beyond :data:`ROW_CACHE`."""
        if version is None:
            return
        self._grown[name] = (version, row)
        self._grown.move_to_end(name)
        while len(self._grown) > ROW_CACHE:
            self._grown.popitem(last=False)

    def _held(self, table: str, key: str) -> Grown | None:
        """The row as stored: from the cache when it is the version stored, else built from the store."""
        version = self.log.facts_version(table, key)
        cached = self._grown.get((table, key))
        if cached is not None and cached[0] == version:
            self._grown.move_to_end((table, key))
            return cached[1]
        return read_grown(self.log, table, key)

    @property
    def extractor(self) -> Extractor:
        """The extractor, loaded on first use."""
        if self._extractor is None:
            self._extractor = load_extractor(self.settings.spacy_model)
        return self._extractor

    def _extract(self, stage: Stage, batch: list[Record]) -> Output:
        """``articles.raw`` → ``events`` (keyed by article id), rejections → ``articles.dlq``."""
        out = Output(stage.dead_letters)
        out.stats.articles += sum(handlers.REVISION in record.headers for record in batch)
        batch = [record for record in batch if handlers.REVISION not in record.headers]  # extracted already
        results = stage.handler(
            [(record.value, record.origin, record.timestamp) for record in batch],
            self.extractor,
            self.settings.max_article_bytes,
        )
        for record, result in zip(batch, results, strict=True):
            out.stats.articles += 1
            if isinstance(result, DeadLetter):
                out.dead_letter(result.model_copy(update={"received_at": record.timestamp}))
                continue
            for event in result:
                out.emit(stage.output, event.article_id, event.dumps())
                out.stats.events += 1
        return out

    def _reduce(self, stage: Stage, batch: list[Record]) -> Output:
        """``events`` → state rows and ``state.changes`` (keyed ``table:key``).

        The batch's events are grouped by row, and each row grows by its events in log order (see
        the module docstring). Each change is stamped with the offset and time of the event record
        it names, and the changes go out in the order of those records (of one record's rows, by
        table and key), so ``state.changes`` does not depend on how the log was batched.
        """
        out = Output(stage.dead_letters)
        out.expected[(None, topics.CORRECTIONS)] = self.log.end(topics.CORRECTIONS)
        live = Corrections(self.corrections())
        groups: dict[tuple[str, str], list[tuple[Event, Record]]] = {}
        for record in batch:
            out.stats.reduced += 1
            try:
                logged = Event.loads(record.value)
            except (orjson.JSONDecodeError, ValidationError) as exc:
                out.dead_letter(_unreducible(record, handlers.undecodable_event(exc)))
                continue
            if (event := live.event(logged)) is None:
                continue  # retracted or dropped: see agents.reduce.corrections
            for row in keys(event):
                groups.setdefault(row, []).append((event, record))
        failed: set[int] = set()
        changes: list[Change] = []
        for (table, key), events in groups.items():
            try:
                reduced = self._reducer(table, key, self._held(table, key), [event for event, _ in events])
            except Exception as exc:  # one bad row must never stop the pipeline
                for _event, record in events:
                    if record.offset not in failed:
                        failed.add(record.offset)
                        out.dead_letter(_unreducible(record, f"reduce failed: {type(exc).__name__}: {exc}"))
                continue
            if reduced is None:
                continue
            out.rows[(table, key)] = reduced
            carriers = ((event, record.timestamp, record.offset) for event, record in events)
            changes.extend(handlers.stamped(reduced.changes, carriers))
        changes.sort(key=lambda change: (change.offsets, change.table, change.key))
        for change in changes:
            out.emit(stage.output, f"{change.table}:{change.key}", change.dumps())
        out.stats.changes += len(changes)
        return out

    def _correct(self, stage: Stage, batch: list[Record]) -> Output:
        """``corrections`` → the rows each correction concerns, built again, and ``state.changes``.

        The batch is made from the rows as the reduce stage left them (it is dropped if that stage
        moves on meanwhile), each correction after those logged before it.
        """
        out = Output(stage.dead_letters)
        reduce_source = log_topic(REDUCE.source)
        out.expected[(REDUCE.name, reduce_source)] = self.log.committed(REDUCE.name, reduce_source)
        held = Corrections(
            Correction.loads(record.value) for record in self.log.read(topics.CORRECTIONS, 0, batch[0].offset)
        )
        logged = self.logged_events()
        for record in batch:
            taken = stage.handler(record.value, record.origin, held, logged)
            if isinstance(taken, DeadLetter):
                out.dead_letter(taken.model_copy(update={"received_at": record.timestamp}))
                continue
            correction, effect = taken
            for table, key in effect.rows:
                row = out.replaced[(table, key)] if (table, key) in out.replaced else self._held(table, key)
                corrected = handlers.correct_row(table, key, row, correction, effect)
                if corrected is None:
                    continue
                out.replaced[(table, key)] = corrected.row
                change = corrected.change.model_copy(
                    update={"ingested_at": record.timestamp, "offsets": (record.offset,)}
                )
                out.emit(topics.CHANGES, f"{table}:{key}", change.dumps())
                out.stats.changes += 1
        return out

    # -- corrections --------------------------------------------------------------

    def correct(self, correction: Correction) -> int:
        """Log ``correction`` on ``corrections``, or raise :class:`~streams.runtime.base.Refused` saying
        why it cannot be (see :func:`agents.reduce.corrections.refusal`); then apply it, with any other
        correction logged before it (the correct stage, :data:`~streams.topology.CORRECT`), and return
        the changes made."""
        with self.log.transaction() as writer:
            known = Corrections(Correction.loads(record.value) for record in writer.read(topics.CORRECTIONS))
            found = writer.article_offset(correction.target) is not None
            events = [] if correction.kind == "retraction" else self.logged_events()
            if (refused := refusal(correction, known, found, events)) is not None:
                raise Refused(refused.reason, unknown=refused.unknown)
            writer.append(topics.CORRECTIONS, correction.target, correction.dumps())
        return self.run_stage(CORRECT).changes

    def corrections(self, known_at: dt.datetime | None = None) -> list[Correction]:
        """Every correction, in log order; with ``known_at``, those logged by then."""
        limit = None if known_at is None else record_ms(known_at)
        return [
            correction
            for record, correction in decoded(self.log.read(topics.CORRECTIONS), Correction)
            if limit is None or record.ts <= limit
        ]

    def logged_events(self) -> list[Event]:
        """Every live event as logged, before corrections, in log order, each id once (a new version
        of an article logs again the events it shares with the old one)."""
        return first_of_each(event for _record, event in decoded(self.event_records(), Event))

    # -- reading ------------------------------------------------------------------

    def state(self, table: str) -> list[Row]:
        """The rows of a table (:mod:`agents.reduce.tables`), sorted by key."""
        tables.get(table)  # an unknown table is a ValueError naming the tables there are
        return read_rows(self.log, table)

    def events(self) -> list[Event]:
        """Every live event, in log order, as the corrections leave it."""
        return Corrections(self.corrections()).events(self.logged_events())

    def event_records(self) -> list[Record]:
        """The ``events`` records of the live events (see :data:`LIVE_EVENTS`), in log order."""
        return self.log.read(topics.EVENTS, self.log.committed(LIVE_EVENTS, topics.EVENTS) or 0)

    def events_known_at(self, when: dt.datetime) -> list[Event]:
        """The live events whose record was written to the log by ``when`` (ingestion time; naive: UTC),
        as the corrections logged by then leave them."""
        limit = record_ms(when)
        logged = [event for record, event in decoded(self.event_records(), Event) if record.ts <= limit]
        return Corrections(self.corrections(when)).events(logged)

    def row(self, table: str, key: str) -> Row | None:
        """One stored state row, or ``None``."""
        return read_row(self.log, table, key)

    def article(self, article_id: str) -> Article | None:
        """One published article by id, through the log's index of article ids."""
        return read_article(self.log, article_id)

    def articles(self) -> list[Article]:
        """Every published article, in log order, each id once, as its latest version."""
        return latest_versions(
            article for _record, article in decoded(self.log.read(topics.ARTICLES), Article)
        )

    def articles_by_id(self, ids: Collection[str]) -> dict[str, Article]:
        """The published articles among ``ids``, each read through the log's index of article ids."""
        return {article.id: article for name in ids if (article := self.article(name)) is not None}

    def audit_page(self, table: str, key: str, limit: int | None) -> Audit | None:
        """The row's page from the audit index (:mod:`streams.audit_index`) at the row's version, else
        ranked from the stored row (at least :data:`~streams.audit_index.INDEXED` facts) and indexed."""
        version = self.log.state_version(table, key)
        if version is None:
            return None
        index = AuditIndex(self.log)
        audit = index.lookup(table, key, version, limit)
        if audit is not None:
            return audit
        row = self.row(table, key)
        if row is None:
            return None
        ranked = strongest(row, None if limit is None else max(limit, INDEXED))
        index.store({(table, key): (version, ranked)})
        return paginate(ranked, limit)

    def changes(self, after: int | None = None) -> list[tuple[int, Change]]:
        """``(offset, change)`` of every change after offset ``after`` (all when ``None``)."""
        records = self.log.read(topics.CHANGES, 0 if after is None else after + 1)
        return [(record.offset, Change.loads(record.value)) for record in records]

    @asynccontextmanager
    async def change_feed(self, group: str | None, from_beginning: bool) -> AsyncIterator[LogChangeFeed]:
        """``state.changes`` on a connection of its own (so it sees this one's commits), from the
        position of ``group`` (kept in the log), else the first or the next change."""
        log = self.log.reopen()
        try:
            yield LogChangeFeed(log, group, from_beginning, self._poll_interval)
        finally:
            log.close()

    def dead_letters(self) -> list[DeadLetter]:
        """Every rejection on ``articles.dlq``, in log order."""
        return [dead for _offset, dead in self.dead_letter_records()]

    def dead_letter_records(self) -> list[tuple[int, DeadLetter]]:
        """``(offset, dead letter)`` of every rejection on ``articles.dlq``, in log order."""
        return [(record.offset, DeadLetter.loads(record.value)) for record in self.log.read(topics.DLQ)]

    def replayed(self) -> set[int]:
        """The offsets of ``articles.dlq`` marked replayed."""
        return {int(record.key) for record in self.log.read(topics.DLQ_REPLAYED) if record.key}

    async def counts(self) -> dict[str, int]:
        """Records on every topic."""
        return topic_counts(self.log)

    async def lag(self) -> dict[str, int]:
        """Records of each stage's source after its committed position."""
        return stage_lag(self.log)

    async def status(self) -> Status:
        """Records on every topic and each stage's lag."""
        return Status(topic_counts(self.log), stage_lag(self.log))

    @asynccontextmanager
    async def mirror(self, _written: Callable[[], None]) -> AsyncIterator[LogStore]:
        """The store itself, on a handle of its own (its writers tell no one: readers poll it)."""
        log = self.log.reopen()
        try:
            yield log
        finally:
            log.close()


Transform = Callable[[EmbeddedRuntime, Stage, list[Record]], Output]
TRANSFORMS: dict[Callable[..., object], Transform] = {
    handlers.extract_articles: EmbeddedRuntime._extract,
    handlers.reduce_row: EmbeddedRuntime._reduce,
    handlers.correction_rows: EmbeddedRuntime._correct,
}
"""How this runtime runs each handler of :data:`streams.topology.STAGES` over a batch of the log."""


class LogChangeFeed:
    """``state.changes`` of the log read on from a position; a group's position is kept in the log."""

    def __init__(self, log: LogStore, group: str | None, from_beginning: bool, poll_interval: float) -> None:
        self.log = log
        self.group = group
        self.poll_interval = poll_interval
        committed = None if group is None else log.committed(group, topics.CHANGES)
        self.position = start_position(committed, from_beginning, log.end(topics.CHANGES))

    async def read(self, stop: asyncio.Event, follow: bool) -> list[tuple[int, Change]]:
        """The next changes, waiting for one (until ``stop``) when ``follow``."""
        check = has_record(self.log, topics.CHANGES, self.position)
        if not (await wait(self.log, check, stop, self.poll_interval) if follow else check()):
            return []
        records = self.log.read(topics.CHANGES, self.position, CHANGES_BATCH)
        self.position = records[-1].offset + 1
        return [(record.offset, Change.loads(record.value)) for record in records]

    async def commit(self, position: int) -> None:
        """Commit ``position`` for the group."""
        assert self.group is not None, "only a group has a position to commit"
        with self.log.transaction() as writer:
            writer.commit_offset(self.group, topics.CHANGES, position)


def topic_counts(log: StoreReader) -> dict[str, int]:
    """Records on every topic of the log."""
    return {topic: log.end(topic) for topic in topics.ALL}


def stage_lag(log: StoreReader) -> dict[str, int]:
    """Records of each stage's source after its committed position, in topology order (none for a
    stage that only re-keys: it has nothing to do here)."""
    return {stage.name: 0 if stage.rekeys else _lag(log, stage) for stage in STAGES}


def _lag(log: StoreReader, stage: Stage) -> int:
    source = log_topic(stage.source)
    return log.end(source) - (log.committed(stage.name, source) or 0)


def _moved(log: StoreReader, expected: dict[tuple[str | None, str], int | None]) -> bool:
    """Whether a position or end of :attr:`Output.expected` is no longer the one read."""
    return any(
        (log.end(topic) if group is None else log.committed(group, topic)) != position
        for (group, topic), position in expected.items()
    )


def _dead_letter(writer: Writer, dead: DeadLetter) -> DeadLetter:
    """Append ``dead`` to ``articles.dlq``, stamped with the transaction's time unless it has one."""
    if dead.received_at is None:
        dead = dead.model_copy(update={"received_at": timestamp(writer.ts)})
    writer.append(topics.DLQ, dead.input, dead.dumps())
    return dead


def _unreducible(record: Record, reason: str) -> DeadLetter:
    """A dead letter for an ``events`` record the reduce stage could not apply."""
    dead = DeadLetter.of(record.origin, reason, record.value, stage="reduce")
    return dead.model_copy(update={"received_at": record.timestamp})
