"""Rows of the two state tables: alliances (one per actor pair) and zones (one per zone).

A row keeps the :class:`Fact` of every event it holds and a summary derived
from that set alone (see ``agents/reduce/README.md``); ``view`` is the row
without its facts.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from schemas.base import Message, Part
from schemas.event import Modality, PloverType

Stance = Literal["allied", "cooperative", "neutral", "tense", "hostile"]


class Fact(Part):
    """What a state row keeps of one event it holds: enough to rescore and to explain.

    ``date`` is the event's :attr:`~schemas.event.Event.event_date`: its own date, else its article's.
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


class Relation(Part):
    """A directed summary inside a pair or zone: ``source`` did ``type`` to ``target`` ``count`` times.

    ``count`` counts incidents (corroborated reports count once); ``sources`` the articles behind them.
    """

    source: str
    target: str | None = None
    type: PloverType
    count: int
    sources: int = 0
    first: dt.date | None = None
    last: dt.date | None = None


class Highlight(Part):
    """One incident a row rests on most: a representative report and the incident's weight."""

    event_id: str
    article_id: str
    type: PloverType
    source: str
    target: str | None = None
    date: dt.date | None = None
    evidence: str = ""
    sources: int = 1
    weight: float = 0.0


class ZoneStep(Part):
    """One step of a zone's timeline: from ``date`` to ``until`` the zone was ``status``, by ``actors``."""

    date: dt.date
    until: dt.date
    status: str
    actors: tuple[str, ...] = ()
    events: int = 0


class AllianceState(Message):
    """The relation of one unordered actor pair ``a < b``.

    ``score`` is relative to ``as_of`` when set, else to the row's newest event date (``last``).
    """

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
    strongest: tuple[Highlight, ...] = ()
    as_of: dt.date | None = None
    facts: tuple[Fact, ...] = ()


class ZoneState(Message):
    """What is happening in one zone: status, guarantors, forces deployed, control."""

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
    as_of: dt.date | None = None
    facts: tuple[Fact, ...] = ()


TABLES: dict[str, type[AllianceState] | type[ZoneState]] = {"alliances": AllianceState, "zones": ZoneState}
"""The state tables and the model of their rows."""
