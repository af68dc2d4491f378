"""What every runtime offers: publish articles, process them, read the results."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from agents.extract import Extractor
from schemas import Article, Change, DeadLetter, Event
from schemas.correction import Correction
from schemas.state import Row
from streams.audit_index import Audit
from streams.config import Settings
from streams.ingest.dedupe import DedupeIndex
from streams.log.interface import LogStore
from streams.runs import RunStats

Headers = Sequence[tuple[str, bytes]]
"""A record's headers as Kafka clients give them: ``(name, value)`` pairs."""


Progress = Callable[[RunStats, dict[str, int]], None]
"""Told what a run did so far and each stage's lag, in topology order (:meth:`Runtime.run_until_idle`)."""


class RawRecord(NamedTuple):
    """One record to put on ``topic`` as it is (:meth:`Runtime.publish_records`)."""

    topic: str
    key: bytes | None
    value: bytes | None
    headers: Headers = ()


@dataclass
class PublishResult:
    """What one :meth:`Runtime.publish_articles` call did with its items."""

    published: int = 0
    revised: int = 0
    """Articles published again with another text: new versions of articles published before."""
    duplicates: int = 0
    dead_letters: list[DeadLetter] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        """How many items went to ``articles.dlq``."""
        return len(self.dead_letters)


@dataclass(frozen=True)
class Status:
    """Records on each of :data:`streams.topics.ALL`, and each stage's lag, in topology order."""

    topics: dict[str, int]
    lag: dict[str, int]

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"topics": self.topics, "lag": self.lag}


class ChangeFeed(Protocol):
    """``state.changes`` read on from a position, for :func:`streams.subscribe.subscribe`."""

    position: int
    """The offset of the next change to read."""

    async def read(self, stop: asyncio.Event, follow: bool) -> list[tuple[int, Change]]:
        """``(offset, change)`` of the next changes, moving :attr:`position` past them; when there is
        none, wait for one while ``follow`` until ``stop`` is set, else ``[]``."""
        ...

    async def commit(self, position: int) -> None:
        """Make ``position`` the group's: a subscriber of the group starts there."""
        ...


class Refused(ValueError):
    """A correction that cannot be made, with the one-line reason (unknown target, retracted...);
    ``unknown`` when its target is not known."""

    def __init__(self, reason: str, unknown: bool = False) -> None:
        super().__init__(reason)
        self.unknown = unknown


class Runtime(Protocol):
    """The operations the CLI, the API and the conformance suite use, on either runtime."""

    settings: Settings

    @property
    def extractor(self) -> Extractor:
        """The extractor the stages use, loaded on first use."""
        ...

    def publish_articles(self, items: Iterable[tuple[str, bytes]]) -> PublishResult:
        """Publish ``(origin, article JSON)`` items; invalid ones go to ``articles.dlq``, repeats no-ops."""
        ...

    def publish_dead_letter(self, dead_letter: DeadLetter) -> None:
        """Put a rejection found before publishing (e.g. by ingest) on ``articles.dlq``."""
        ...

    def revise(self, origin: str, article: Article) -> DeadLetter | None:
        """Publish ``article``, a new version of an article published before: its events replace the
        old version's (a revision on ``corrections``). The dead letter of an article the extractor
        fails on, and nothing published, else ``None``."""
        ...

    def publish_raw(self, topic: str, key: bytes | None, value: bytes | None, headers: Headers = ()) -> None:
        """Put one record on ``topic`` (one of :data:`streams.topics.ALL`) as it is, unchecked, as any
        producer of the log could: the stage reading it handles whatever it holds."""
        ...

    def publish_records(self, records: Iterable[RawRecord]) -> None:
        """:meth:`publish_raw` each record, in order, through one producer (embedded: one transaction)."""
        ...

    def dedupe_index(self) -> AbstractContextManager[DedupeIndex]:
        """The near-duplicate index of the data directory ingesting: the embedded runtime's own log,
        else (Kafka) the log of ``settings.data_dir`` on this machine."""
        ...

    def run_until_idle(self, on_progress: Progress | None = None) -> RunStats:
        """Run every stage until none has input left; ``on_progress`` is handed what the stages did
        so far and each one's lag, as they go."""
        ...

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Run every stage as input arrives, until ``stop`` is set; commit only whole batches."""
        ...

    def state(self, table: str) -> list[Row]:
        """The rows of ``alliances`` or ``zones``, sorted by key."""
        ...

    def row(self, table: str, key: str) -> Row | None:
        """One row of ``alliances`` or ``zones`` by key, or ``None``."""
        ...

    def article(self, article_id: str) -> Article | None:
        """One published article by id, or ``None``."""
        ...

    def articles_by_id(self, ids: Collection[str]) -> dict[str, Article]:
        """The published articles among ``ids``, by id."""
        ...

    def audit_page(self, table: str, key: str, limit: int | None) -> Audit | None:
        """The facts of the live row ``table[key]`` strongest first, ``limit`` of them listed and the
        rest summed (:func:`streams.audit_index.paginate`), without their articles; ``None`` when
        there is no such row."""
        ...

    @property
    def own_log(self) -> LogStore | None:
        """The log the stages run on when it is the data directory's own (embedded), which a
        re-extraction can be promoted into; ``None`` on Kafka, whose log is the cluster's."""
        ...

    def events(self) -> list[Event]:
        """Every live event, in log order, as the corrections leave it."""
        ...

    def events_known_at(self, when: dt.datetime) -> list[Event]:
        """The events whose record was written to the log by ``when`` (ingestion time), in log order, as
        the corrections logged by then leave them."""
        ...

    def articles(self) -> list[Article]:
        """Every published article, in log order."""
        ...

    def correct(self, correction: Correction) -> int | None:
        """Log ``correction`` on ``corrections``, or raise :class:`Refused`; the embedded runtime applies
        it at once and returns the changes it made, Kafka's leaves it to the workers (``None``)."""
        ...

    def corrections(self, known_at: dt.datetime | None = None) -> list[Correction]:
        """Every correction in the order logged; with ``known_at``, those logged by then."""
        ...

    def logged_events(self) -> list[Event]:
        """Every event as logged, before corrections, in log order (:meth:`events` are corrected)."""
        ...

    def changes(self, after: int | None = None) -> list[tuple[int, Change]]:
        """``(offset, change)`` of every change on ``state.changes`` after offset ``after``."""
        ...

    def change_feed(self, group: str | None, from_beginning: bool) -> AbstractAsyncContextManager[ChangeFeed]:
        """``state.changes`` from the position committed for ``group``, else from the first change when
        ``from_beginning``, else from the next one."""
        ...

    def dead_letters(self) -> list[DeadLetter]:
        """Every rejection on ``articles.dlq``, in log order."""
        ...

    def dead_letter_records(self) -> list[tuple[int, DeadLetter]]:
        """``(offset, dead letter)`` of every rejection on ``articles.dlq``, in log order."""
        ...

    def replayed(self) -> set[int]:
        """The offsets of ``articles.dlq`` marked replayed (on ``articles.dlq.replayed``)."""
        ...

    async def counts(self) -> dict[str, int]:
        """Records on each of :data:`streams.topics.ALL` (its end offsets)."""
        ...

    async def lag(self) -> dict[str, int]:
        """Records of each stage's source after its committed position, by stage, in topology order."""
        ...

    async def status(self) -> Status:
        """:meth:`counts` and :meth:`lag` together, as ``entente status`` and ``/metrics`` show them."""
        ...

    def mirror(self, written: Callable[[], None]) -> AbstractAsyncContextManager[LogStore]:
        """A log on this machine holding the topics and tables, kept in step while the block runs.

        The embedded runtime's is its own store; Kafka's is a copy of the cluster in a temporary
        directory, entered once it holds what the topics held at entry (``written`` is called after
        each batch copied). Every read of the log serves either runtime alike.
        """
        ...

    def close(self) -> None:
        """Release connections."""
        ...
