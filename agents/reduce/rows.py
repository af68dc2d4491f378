"""One event against the rows it touches: ``keys``, ``apply`` and the public ``view`` of a row."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, cast

from agents.reduce import alliances, zones
from agents.reduce.config import default
from agents.reduce.facts import add, fact
from agents.speed import fields
from schemas.change import Change, Table
from schemas.event import Event
from schemas.ids import digest, pair_key
from schemas.state import AllianceState, Fact, ZoneState

State = AllianceState | ZoneState
ALLIANCES = "alliances"
ZONES = "zones"
TABLES = (ALLIANCES, ZONES)


def keys(event: Event) -> list[tuple[str, str]]:
    """The rows ``event`` touches: its actor pair in ``alliances``, its zone in ``zones``."""
    return keys_from(fields(event))


def keys_from(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """:func:`keys` of the event whose fields are ``fields`` (:data:`agents.speed.fields`)."""
    target, zone = fields["target"], fields["zone"]
    out = []
    if target is not None:
        out.append((ALLIANCES, _pair_key(fields["source"], target)))
    if zone is not None:
        out.append((ZONES, zone))
    return out


_pair_key = lru_cache(maxsize=1 << 16)(pair_key)  # one call an event: most pairs recur


def build(table: str, key: str, facts: tuple[Fact, ...], as_of: dt.date | None) -> State:
    """The row ``table[key]`` holding exactly ``facts`` (canonical), scored relative to ``as_of``."""
    if table == ALLIANCES:
        return alliances.build(key, facts, as_of, default())
    if table == ZONES:
        return zones.build(key, facts, as_of, default())
    raise ValueError(f"unknown table {table!r}")


def key_of(state: State) -> str:
    """The key of a row in its table."""
    return pair_key(state.a, state.b) if isinstance(state, AllianceState) else state.zone


def apply(table: str, state: State | None, event: Event) -> tuple[State, list[Change]]:
    """The row with ``event`` added to its facts, and the change of its view (if any).

    Pure and set-based: an event the row already holds returns the row unchanged
    and no change. A row scored as of a date (from :func:`~agents.reduce.fold`)
    ignores events after that date or with no date.
    """
    key = dict(keys(event)).get(table)
    if key is None:
        raise ValueError(f"event {event.id} touches no row of {table!r}")
    if state is not None and key_of(state) != key:
        raise ValueError(f"event {event.id} belongs to {table}[{key}], not {table}[{key_of(state)}]")
    day = event.event_date
    if state is not None and state.as_of is not None and (day is None or day > state.as_of):
        return state, []
    as_of = None if state is None else state.as_of
    held = () if state is None else state.facts
    facts = add(held, fact(event))
    if state is not None and facts is held:
        return state, []
    after = build(table, key, facts, as_of)
    before_view, after_view = (None if state is None else view(state)), view(after)
    if before_view == after_view:
        return after, []
    change = Change(
        id=digest("change", table, key, event.id, after_view),
        table=cast(Table, table),  # one of TABLES: keys() named it
        key=key,
        before=before_view,
        after=after_view,
        event_ids=(event.id,),
        article_ids=(event.article_id,),
        event_time=day,
    )
    return after, [change]


def view(state: State) -> dict[str, Any]:
    """The public JSON view of a row: everything but its facts."""
    return state.model_dump(mode="json", exclude={"facts", "schema_version"})
