"""The rows an event touches (``keys``), a row built whole from its facts, and its public ``view``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from agents.reduce.tables import HIDDEN, build, keys_from
from agents.speed import fields
from schemas.event import Event
from schemas.state import Row

State = Row
__all__ = ["State", "build", "by_row", "key_of", "keys", "keys_from", "view"]


def keys(event: Event) -> list[tuple[str, str]]:
    """The rows ``event`` touches, one in each table it goes to (its actor pair in ``alliances``,
    its zone in ``zones``...)."""
    return keys_from(fields(event))


def by_row(events: Iterable[Event]) -> dict[tuple[str, str], list[Event]]:
    """``events`` grouped by the rows they touch (an event in each of its rows), in the order given."""
    rows: dict[tuple[str, str], list[Event]] = {}
    for event in events:
        for row in keys(event):
            rows.setdefault(row, []).append(event)
    return rows


def key_of(state: State) -> str:
    """The key of a row in its table."""
    return state.key


def view(state: State) -> dict[str, Any]:
    """The public JSON view of a row: everything but its facts."""
    return state.model_dump(mode="json", exclude=set(HIDDEN))
