"""What every runtime offers: publish articles, process them, read the results."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from agents.extract import Extractor
from schemas import AllianceState, Article, Change, DeadLetter, Event, ZoneState
from schemas.base import Message
from streams.config import Settings

M = TypeVar("M", bound=Message)
Headers = Sequence[tuple[str, bytes]]
"""A record's headers as Kafka clients give them: ``(name, value)`` pairs."""


class Valued(Protocol):
    """A record of either log: what it holds."""

    @property
    def value(self) -> bytes | None: ...


R = TypeVar("R", bound=Valued)


def decoded(records: Iterable[R], model: type[M]) -> list[tuple[R, M]]:
    """The records that decode as ``model``, each with its message, in the order given.

    A record written in another shape (by a foreign producer, :meth:`Runtime.publish_raw`) is left
    out: the stage that read it has put it on ``articles.dlq``.
    """
    out = []
    for record in records:
        try:
            out.append((record, model.loads(record.value)))
        except ValueError:
            continue
    return out


@dataclass
class PublishResult:
    """What one :meth:`Runtime.publish_articles` call did with its items."""

    published: int = 0
    duplicates: int = 0
    dead_letters: list[DeadLetter] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        """How many items went to ``articles.dlq``."""
        return len(self.dead_letters)


@dataclass
class RunStats:
    """What the stages did: records read and written, summed over batches."""

    articles: int = 0
    events: int = 0
    dead_letters: int = 0
    reduced: int = 0
    changes: int = 0
    batches: int = 0

    def __add__(self, other: RunStats) -> RunStats:
        return RunStats(
            self.articles + other.articles,
            self.events + other.events,
            self.dead_letters + other.dead_letters,
            self.reduced + other.reduced,
            self.changes + other.changes,
            self.batches + other.batches,
        )

    def __str__(self) -> str:
        return (
            f"{self.articles} articles → {self.events} events ({self.dead_letters} dead letters); "
            f"{self.reduced} events reduced → {self.changes} changes"
        )


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


def start_position(committed: int | None, from_beginning: bool, end: int) -> int:
    """Where a subscriber starts: its group's committed position, else the first change or the next one."""
    if committed is not None:
        return committed
    return 0 if from_beginning else end


class WorkerCrashed(RuntimeError):
    """A stage of a running worker raised past its handling of a record; the message says which and why."""


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

    def publish_raw(self, topic: str, key: bytes | None, value: bytes | None, headers: Headers = ()) -> None:
        """Put one record on ``topic`` (one of :data:`streams.topics.ALL`) as it is, unchecked, as any
        producer of the log could: the stage reading it handles whatever it holds."""
        ...

    def run_until_idle(self) -> RunStats:
        """Run every stage until none has input left."""
        ...

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Run every stage as input arrives, until ``stop`` is set; commit only whole batches."""
        ...

    def state(self, table: str) -> list[AllianceState | ZoneState]:
        """The rows of ``alliances`` or ``zones``, sorted by key."""
        ...

    def events(self) -> list[Event]:
        """Every event, in log order."""
        ...

    def events_known_at(self, when: dt.datetime) -> list[Event]:
        """The events whose record was written to the log by ``when`` (ingestion time), in log order."""
        ...

    def articles(self) -> list[Article]:
        """Every published article, in log order."""
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

    async def counts(self) -> dict[str, int]:
        """Records on each of :data:`streams.topics.ALL` (its end offsets)."""
        ...

    async def lag(self) -> dict[str, int]:
        """Records of each stage's source after its committed position, by stage, in topology order."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
