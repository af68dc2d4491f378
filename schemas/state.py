"""Rows of the two state tables: alliances (one per actor pair) and zones (one per zone)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from schemas.base import Message, Part
from schemas.event import Modality, PloverType

Stance = Literal["allied", "cooperative", "neutral", "tense", "hostile"]


class Fact(Part):
    """What a state row keeps of one event it holds: enough to rescore and to explain."""

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
    """A directed summary inside a pair or zone: ``source`` did ``type`` to ``target`` ``count`` times."""

    source: str
    target: str | None = None
    type: PloverType
    count: int
    first: dt.date | None = None
    last: dt.date | None = None


class AllianceState(Message):
    """The relation of one unordered actor pair ``a < b``."""

    a: str
    b: str
    stance: Stance = "neutral"
    score: float = 0.0
    relations: tuple[Relation, ...] = ()
    counts: dict[str, int] = Field(default_factory=dict)
    first: dt.date | None = None
    last: dt.date | None = None
    events: int = 0
    facts: tuple[Fact, ...] = ()


class ZoneState(Message):
    """What is happening in one zone: status, guarantors, forces deployed, control."""

    zone: str
    kind: str | None = None
    status: str = "reported"
    parties: tuple[str, ...] = ()
    deployed: tuple[str, ...] = ()
    controlled_by: tuple[str, ...] = ()
    hostilities: tuple[Relation, ...] = ()
    first: dt.date | None = None
    last: dt.date | None = None
    events: int = 0
    facts: tuple[Fact, ...] = ()
