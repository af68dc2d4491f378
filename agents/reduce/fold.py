"""Replay: rebuild every table from a set of events, optionally as of a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from agents.reduce.facts import fact_from, ordered, preferred
from agents.reduce.rows import State, build, keys_from
from agents.reduce.tables import names
from agents.speed import collector_paused, fields
from schemas.event import Event
from schemas.state import Fact

Tables = dict[str, dict[str, State]]


def fold(events: Iterable[Event], as_of: dt.date | None = None) -> Tables:
    """Every table built from ``events`` (any order, repeats allowed); equal to applying them one by one.

    With ``as_of``, only events whose event date (own date, else the article's)
    is on or before it count, and scores decay relative to it; events with no
    date at all are left out of as-of tables, since nothing places them in time.
    Each row is built once from its whole set of facts (the fast path), with
    Python's cycle collector paused meanwhile (see :func:`agents.speed.collector_paused`).
    """
    held: dict[str, dict[str, dict[str, Fact]]] = {table: {} for table in names()}
    with collector_paused():
        for event in events:
            if as_of is not None and ((day := event.event_date) is None or day > as_of):
                continue
            values = fields(event)  # read once, for its fact and its keys
            item, ident = fact_from(values), values["id"]
            for table, key in keys_from(values):
                # the facts of a row, a set keyed by event id: of two with one id, the preferred
                table_rows = held[table]
                facts = table_rows.get(key)
                if facts is None:
                    table_rows[key] = {ident: item}
                elif (known := facts.setdefault(ident, item)) is not item:
                    facts[ident] = preferred(known, item)
        return {
            table: {key: build(table, key, ordered(rows.pop(key)), as_of) for key in sorted(rows)}
            for table, rows in held.items()
        }
