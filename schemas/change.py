"""A mutation of a state row, as published on ``state.changes``: which row, its headline before and
after, and the events that caused it."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, field_validator

from schemas.base import Message
from schemas.state import TABLES, Headline
from schemas.upcast import upcaster

__all__ = ["Cause", "Change", "Headline"]

Cause = Literal["event", "retraction", "revision", "override", "reextraction"]
"""What made a change: an event new to its row, or a correction of the record (a retraction, an
override, a revision of an article), or a promoted re-extraction."""


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
    ``cause`` says what made the change; a correction's change (``retraction``, ``override``,
    ``revision``) names the events it took out of the row or put in, and carries the correction's
    ``reason``; its ``offsets`` is the correction's offset on ``corrections``.
    """

    SCHEMA_VERSION = 3
    schema_version: int = 3

    id: str
    table: str
    key: str
    before: Headline | None = None
    after: Headline | None = None
    event_ids: tuple[str, ...] = Field(min_length=1)
    article_ids: tuple[str, ...] = ()
    event_time: dt.date | None = None
    ingested_at: dt.datetime | None = None
    offsets: tuple[int, ...] = ()
    cause: Cause = "event"
    reason: str | None = None

    @field_validator("table")
    @classmethod
    def _declared(cls, table: str) -> str:
        """Refuse a change of a table no row model declares (:data:`schemas.state.TABLES`)."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
        return table


@upcaster("Change", 1)
def _headlines(payload: dict[str, Any]) -> dict[str, Any]:
    """Version 1 carried the whole views of the row: each becomes its headline."""
    model = TABLES[payload["table"]]
    for side in ("before", "after"):
        view = payload.get(side)
        if view is not None:
            payload[side] = Headline.of(model.model_validate(view)).model_dump(mode="json")
    return payload


@upcaster("Change", 2)
def _caused(payload: dict[str, Any]) -> dict[str, Any]:
    """Version 2 had no cause: every change it made was an event's, or a re-extraction's."""
    payload.setdefault("cause", "event")
    return payload
