"""Many events against one state row at once: the row is built once for a batch, not once per event.

A row keeps the facts of every event it holds, so building it costs in proportion to its size;
applying a busy row's events one by one (:func:`agents.reduce.apply`) costs the square of its
size. The Kafka reduce stage takes a batch of records, groups them by row and calls
:func:`apply_all` once per row. The row is the one applying the events one by one would give (a
row is a function of the set of events it holds), and its change covers every event that was new.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from agents.reduce.facts import canonical, fact
from agents.reduce.rows import State, build, view
from schemas import Change, Event
from schemas.change import Table
from schemas.ids import digest


def apply_all(
    table: str,
    key: str,
    state: State | None,
    events: Sequence[Event],
    before: dict[str, Any] | None = None,
) -> tuple[State, Change] | None:
    """The row ``table[key]`` with ``events`` added and the change of its view; ``None`` if nothing changed.

    As :func:`agents.reduce.apply`: events the row already holds change nothing, and a row scored
    as of a date ignores events after it or with no date. The change id is the one ``apply``
    gives when a single event is new. ``before`` is the view of ``state``, when the caller kept it
    (the ``after`` of the row's last change).
    """
    held = () if state is None else state.facts
    as_of = None if state is None else state.as_of
    counted = [e for e in events if as_of is None or (e.event_date is not None and e.event_date <= as_of)]
    facts = canonical([*held, *map(fact, counted)])
    if facts == held:
        return None
    after = build(table, key, facts, as_of)
    before_view = None if state is None else before if before is not None else view(state)
    after_view = view(after)
    if before_view == after_view:
        return None
    known = {item.event_id for item in held}
    new = list({event.id: event for event in counted if event.id not in known}.values())
    if not new:  # only a re-extraction's content changed: credit the events that carried it
        new = list({event.id: event for event in counted}.values())
    new.sort(key=lambda event: event.id)
    days = [event.event_date for event in new if event.event_date is not None]
    change = Change(
        id=digest("change", table, key, *(event.id for event in new), after_view),
        table=cast(Table, table),
        key=key,
        before=before_view,
        after=after_view,
        event_ids=tuple(event.id for event in new),
        article_ids=tuple(dict.fromkeys(event.article_id for event in new)),
        event_time=max(days, default=None),
    )
    return after, change
