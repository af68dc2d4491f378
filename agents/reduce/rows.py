"""The rows an event touches (``keys``), a row built whole from its facts, and its public ``view``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from agents.reduce import alliances, zones
from agents.reduce.config import default
from agents.speed import fields
from schemas.event import Event
from schemas.ids import pair_key
from schemas.state import AllianceState, Fact, ZoneState

State = AllianceState | ZoneState
ALLIANCES = "alliances"
ZONES = "zones"
TABLES = (ALLIANCES, ZONES)


def keys(event: Event) -> list[tuple[str, str]]:
    """The rows ``event`` touches: its actor pair in ``alliances``, its zone in ``zones``."""
    return keys_from(fields(event))


def by_row(events: Iterable[Event]) -> dict[tuple[str, str], list[Event]]:
    """``events`` grouped by the rows they touch (an event in each of its rows), in the order given."""
    rows: dict[tuple[str, str], list[Event]] = {}
    for event in events:
        for row in keys(event):
            rows.setdefault(row, []).append(event)
    return rows


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


def view(state: State) -> dict[str, Any]:
    """The public JSON view of a row: everything but its facts."""
    return state.model_dump(mode="json", exclude={"facts", "schema_version"})
