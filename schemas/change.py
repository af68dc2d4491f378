"""A mutation of a state row, as published on ``state.changes``: which row, its headline before and
after, and the events that caused it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import Field

from schemas.base import Message, Part
from schemas.state import TABLES, AllianceState, Relation, Stance, ZoneState, ZoneStep
from schemas.upcast import upcaster

Table = Literal["alliances", "zones"]


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
    def of(cls, row: AllianceState | ZoneState) -> Headline:
        """The headline of ``row``."""
        if isinstance(row, AllianceState):
            return cls(
                stance=row.stance, score=row.score, events=row.events, first=row.first, last=row.last,
                actors=(row.a, row.b),
            )  # fmt: skip
        named = [*row.parties, *row.deployed, *row.controlled_by, *_relation_actors(row.hostilities)]
        return cls(
            status=row.status,
            since=row.since,
            events=row.events,
            first=row.first,
            last=row.last,
            actors=tuple(sorted({*named, *_step_actors(row.timeline)})),
        )


def _relation_actors(relations: Iterable[Relation]) -> Iterable[str]:
    for item in relations:
        yield item.source
        if item.target is not None:
            yield item.target


def _step_actors(steps: Iterable[ZoneStep]) -> Iterable[str]:
    for item in steps:
        yield from item.actors


class Change(Message):
    """``table[key]`` went from headline ``before`` to ``after`` because of the event ``event_ids``.

    One change per event new to a row, on both runtimes, naming that event alone (``event_ids``)
    and its article; an event the row holds already with other content (a re-extraction) makes one
    when it changes the row's summary, and an event held unchanged makes none. Its ``before`` is the
    ``after`` of the row's change before it, and both depend only on the events before it in the
    row's order, not on how a runtime batched them: given a row's events in one order, every runtime
    makes the same changes but for ``ingested_at`` and ``offsets``. ``event_time`` is the event's
    date. (A promoted re-extraction, ``entente reextract --promote``, makes one change a row it
    changed, naming the events that came or went.) ``None`` means the row did not exist / was
    removed. The whole row is read from the state store (``state``, ``row``, the API), not from its
    changes. ``offsets`` is where the event is, one offset, in the stream the reducer read: the
    ``events`` log (embedded), or the partition of the row in ``events.by-row`` (Kafka), where the
    route stage puts a batch's events for a row in one record; ``ingested_at`` is that record's time.
    """

    SCHEMA_VERSION = 2
    schema_version: int = 2

    id: str
    table: Table
    key: str
    before: Headline | None = None
    after: Headline | None = None
    event_ids: tuple[str, ...] = Field(min_length=1)
    article_ids: tuple[str, ...] = ()
    event_time: dt.date | None = None
    ingested_at: dt.datetime | None = None
    offsets: tuple[int, ...] = ()


@upcaster("Change", 1)
def _headlines(payload: dict[str, Any]) -> dict[str, Any]:
    """Version 1 carried the whole views of the row: each becomes its headline."""
    model = TABLES[payload["table"]]
    for side in ("before", "after"):
        view = payload.get(side)
        if view is not None:
            payload[side] = Headline.of(model.model_validate(view)).model_dump(mode="json")
    return payload
