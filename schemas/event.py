"""A dyadic political event extracted from one sentence of one article."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from schemas.base import Message, Part
from schemas.ids import digest


class PloverType(StrEnum):
    """The 16 PLOVER event types."""

    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    RETREAT = "RETREAT"
    REQUEST = "REQUEST"
    ACCUSE = "ACCUSE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    PROTEST = "PROTEST"
    SANCTION = "SANCTION"
    MOBILIZE = "MOBILIZE"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"


SYMMETRIC_TYPES = frozenset({PloverType.AGREE, PloverType.CONSULT, PloverType.COOPERATE})
"""Types scored as unordered pairs: their ``source``/``target`` are stored sorted."""

Modality = Literal["asserted", "planned", "historical"]


class Evidence(Part):
    """The sentence that states the event, with character offsets into the article text."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Event(Message):
    """Who did what to whom, where, when, with the sentence as evidence.

    ``outlet`` is the outlet its article originates from (the wire its byline or dateline names,
    else the article's own outlet: :func:`agents.outlets.originating`), ``None`` when it names none;
    it is not part of the id, so one report keeps its id whatever outlet it is credited to.
    """

    id: str = ""
    article_id: str
    type: PloverType
    source: str
    target: str | None = None
    zone: str | None = None
    date: dt.date | None = None
    reported: dt.date | None = None
    modality: Modality = "asserted"
    evidence: Evidence
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    extractor: str
    outlet: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _canonical(cls, data: object) -> object:
        """Sort the actors of a symmetric type and fill in the deterministic id."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        kind, source, target = data.get("type"), data.get("source"), data.get("target")
        if kind in SYMMETRIC_TYPES and source and target and target < source:
            data["source"], data["target"] = target, source
        if not data.get("id"):
            data["id"] = event_id(data)
        return data

    @model_validator(mode="after")
    def _dyadic(self) -> Event:
        if self.source == self.target:
            raise ValueError("an event between an actor and itself is not an event")
        return self

    @property
    def event_date(self) -> dt.date | None:
        """When it happened or is planned: its own date, else the article's."""
        return self.date or self.reported


def event_id(fields: dict[str, object]) -> str:
    """sha256 over the canonical identifying fields of an event."""
    evidence = fields.get("evidence")
    span = (
        (evidence.start, evidence.end)
        if isinstance(evidence, Evidence)
        else ((evidence or {}).get("start"), (evidence or {}).get("end"))
        if isinstance(evidence, dict)
        else (None, None)
    )
    date = fields.get("date")
    return digest(
        "event",
        fields.get("article_id"),
        str(fields.get("type")),
        fields.get("source"),
        fields.get("target"),
        fields.get("zone"),
        date.isoformat() if isinstance(date, dt.date) else date,
        *span,
    )
