"""Replay: rebuild both tables from a set of events, optionally as of a date."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from agents.reduce.facts import fact_from, ordered, preferred
from agents.reduce.rows import TABLES, State, build, keys_from
from schemas.event import Event
from schemas.state import Fact

Tables = dict[str, dict[str, State]]


def fold(events: Iterable[Event], as_of: dt.date | None = None) -> Tables:
    """Both tables built from ``events`` (any order, repeats allowed); equal to applying them one by one.

    With ``as_of``, only events whose event date (own date, else the article's)
    is on or before it count, and scores decay relative to it; events with no
    date at all are left out of as-of tables, since nothing places them in time.
    Each row is built once from its whole set of facts (the fast path), with
    Python's cycle collector paused meanwhile (see :func:`collector_paused`).
    """
    held: dict[str, dict[str, dict[str, Fact]]] = {table: {} for table in TABLES}
    with collector_paused():
        for event in events:
            if as_of is not None and ((day := event.event_date) is None or day > as_of):
                continue
            fields = event.__dict__  # one attribute lookup for all (see facts.fact_from)
            item, ident = fact_from(fields), fields["id"]
            for table, key in keys_from(fields):
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


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector meanwhile; after, freeze what was built and restore it.

    A fold (or a step on a large row) allocates millions of small acyclic objects that reference counting
    frees; left running, the collector rescans the whole growing heap again and
    again, which costs about a third of the fold (``bench/cases/reduce.py``).
    Restored as it was, its first pass would then scan every object the fold
    made, which are all still young; :func:`gc.freeze` moves them out of its
    reach instead (they are still freed by reference counting, and hold no cycles).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()
