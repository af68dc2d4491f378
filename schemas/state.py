"""Rows of the state tables: alliances (one per actor pair), zones (one per zone), and any other.

A row keeps the :class:`Fact` of every event it holds and a summary derived
from that set alone (see ``agents/reduce/README.md``); ``view`` is the row
without its facts. A row model names its table (``TABLE``), and declaring it enters it in
:data:`TABLES`; what a table does with events is registered in :mod:`agents.reduce.tables`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from schemas.base import Message, Part
from schemas.event import Modality, PloverType
from schemas.ids import pair_key

Stance = Literal["allied", "cooperative", "neutral", "tense", "hostile"]


class Fact(Part):
    """What a state row keeps of one event it holds: enough to rescore and to explain.

    ``date`` is the event's :attr:`~schemas.event.Event.event_date`: its own date, else its article's;
    ``outlet`` the outlet its article originates from (:attr:`~schemas.event.Event.outlet`).
    """

    event_id: str
    article_id: str
    type: PloverType
    source: str
    target: str | None = None
    zone: str | None = None
    date: dt.date | None = None
    modality: Modality = "asserted"
    confidence: float = 1.0
    evidence: str = ""
    outlet: str | None = None


class Relation(Part):
    """A directed summary inside a pair or zone: ``source`` did ``type`` to ``target`` ``count`` times.

    ``count`` counts incidents (corroborated reports count once); ``sources`` the distinct outlets
    their reports originate from (a report of no outlet counts as one of its own); ``reports`` the
    distinct articles behind them.
    """

    source: str
    target: str | None = None
    type: PloverType
    count: int
    sources: int = 0
    reports: int = 0
    first: dt.date | None = None
    last: dt.date | None = None


class Highlight(Part):
    """One incident a row rests on most: a representative report, the incident's distinct outlets
    (``sources``) and articles (``reports``), and its weight."""

    event_id: str
    article_id: str
    type: PloverType
    source: str
    target: str | None = None
    date: dt.date | None = None
    evidence: str = ""
    sources: int = 1
    reports: int = 1
    weight: float = 0.0


class ZoneStep(Part):
    """One step of a zone's timeline: from ``date`` to ``until`` the zone was ``status``, by ``actors``."""

    date: dt.date
    until: dt.date
    status: str
    actors: tuple[str, ...] = ()
    events: int = 0


class Headline(Part):
    """What a change says of a row: an alliance's stance and score, a zone's status and since when,
    its events and the days they span, and every actor the row names (an alliance's pair; a zone's
    parties, forces deployed, controllers, hostilities and timeline)."""

    stance: Stance | None = None
    score: float | None = None
    status: str | None = None
    since: dt.date | None = None
    events: int = 0
    first: dt.date | None = None
    last: dt.date | None = None
    actors: tuple[str, ...] = ()

    @classmethod
    def of(cls, row: Row) -> Headline:
        """The headline of ``row``."""
        return row.headline()


TABLES: dict[str, type[Row]] = {}
"""The row model of every state table, by table name: a row model enters it when it is declared."""


class Row(Message):
    """A row of a state table: a model that sets ``TABLE``, the name of its table, and holds the
    ``facts`` of its events and the ``as_of`` day it is scored relative to."""

    TABLE: ClassVar[str]

    if TYPE_CHECKING:
        facts: tuple[Fact, ...]
        as_of: dt.date | None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Enter a row model that names its table in :data:`TABLES`; a name is one model's only."""
        super().__pydantic_init_subclass__(**kwargs)
        name = cls.__dict__.get("TABLE")
        if name is None:
            return
        if TABLES.setdefault(name, cls) is not cls:
            raise ValueError(f"table {name!r} already has the row model {TABLES[name].__qualname__}")

    @property
    def key(self) -> str:
        """The key of the row in its table."""
        raise NotImplementedError

    def headline(self) -> Headline:
        """What a change of the row says of it."""
        raise NotImplementedError


class AllianceState(Row):
    """The relation of one unordered actor pair ``a < b``.

    ``score`` is relative to ``as_of`` when set, else to the row's newest event date (``last``).
    ``sources`` counts the distinct outlets its reports originate from, ``reports`` its articles.
    """

    TABLE: ClassVar[str] = "alliances"

    a: str
    b: str
    stance: Stance = "neutral"
    score: float = 0.0
    relations: tuple[Relation, ...] = ()
    counts: dict[str, int] = Field(default_factory=dict)
    first: dt.date | None = None
    last: dt.date | None = None
    events: int = 0
    incidents: int = 0
    sources: int = 0
    reports: int = 0
    strongest: tuple[Highlight, ...] = ()
    as_of: dt.date | None = None
    facts: tuple[Fact, ...] = ()

    @property
    def key(self) -> str:
        """``A|B``."""
        return pair_key(self.a, self.b)

    def headline(self) -> Headline:
        """Its stance and score, events and dates, and its pair."""
        return Headline(
            stance=self.stance, score=self.score, events=self.events, first=self.first, last=self.last,
            actors=(self.a, self.b),
        )  # fmt: skip


class ZoneState(Row):
    """What is happening in one zone: status, guarantors, forces deployed, control."""

    TABLE: ClassVar[str] = "zones"

    zone: str
    kind: str | None = None
    status: str = "reported"
    since: dt.date | None = None
    parties: tuple[str, ...] = ()
    deployed: tuple[str, ...] = ()
    controlled_by: tuple[str, ...] = ()
    hostilities: tuple[Relation, ...] = ()
    timeline: tuple[ZoneStep, ...] = ()
    counts: dict[str, int] = Field(default_factory=dict)
    first: dt.date | None = None
    last: dt.date | None = None
    events: int = 0
    incidents: int = 0
    sources: int = 0
    reports: int = 0
    as_of: dt.date | None = None
    facts: tuple[Fact, ...] = ()

    @property
    def key(self) -> str:
        """The zone id."""
        return self.zone

    def headline(self) -> Headline:
        """Its status and since when, events and dates, and every actor it names."""
        named = [*self.parties, *self.deployed, *self.controlled_by, *_relation_actors(self.hostilities)]
        return Headline(
            status=self.status,
            since=self.since,
            events=self.events,
            first=self.first,
            last=self.last,
            actors=tuple(sorted({*named, *_step_actors(self.timeline)})),
        )


def _relation_actors(relations: Iterable[Relation]) -> Iterable[str]:
    for item in relations:
        yield item.source
        if item.target is not None:
            yield item.target


def _step_actors(steps: Iterable[ZoneStep]) -> Iterable[str]:
    for item in steps:
        yield from item.actors
