"""Many events against one state row at once: the row grows once for a batch, not once per event.

A row keeps the facts of every event it holds, and :func:`agents.reduce.apply` builds it whole
from them for each event. The Kafka reduce stage takes a batch of records, groups them by row and
calls :func:`apply_all` once per row, which grows the row kept from its last batch
(:mod:`agents.reduce.growth`). The row is the one applying the events one by one would give (a
row is a function of the set of events it holds), and its change covers every event that was new.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from agents.reduce.facts import canonical, fact, find
from agents.reduce.growth import Grown, grow, grown
from agents.reduce.rows import view
from schemas import Change, Event
from schemas.change import Table
from schemas.ids import digest


def apply_all(
    table: str,
    key: str,
    row: Grown | None,
    events: Sequence[Event],
    before: dict[str, Any] | None = None,
) -> tuple[Grown, Change] | None:
    """The row ``table[key]`` with ``events`` added and the change of its view; ``None`` if nothing changed.

    As :func:`agents.reduce.apply`: events the row already holds change nothing, and a row scored
    as of a date ignores events after it or with no date. The row grows from what its last build
    computed (:mod:`agents.reduce.growth`), so a batch costs what it adds more than the row's size.
    The change id is the one ``apply`` gives when a single event is new. ``before`` is the view
    the row was last published with, when the caller kept it (else the view of ``row``).
    """
    held = () if row is None else row.state.facts
    as_of = None if row is None else row.state.as_of
    counted = [e for e in events if as_of is None or (e.event_date is not None and e.event_date <= as_of)]
    facts = [fact(event) for event in counted]
    if not facts:
        return None
    after = grown(table, key, canonical(facts)) if row is None else grow(row, facts)
    if after is row:
        return None
    before_view = None if row is None else before if before is not None else view(row.state)
    after_view = view(after.state)
    if before_view == after_view:
        return None
    new = list({event.id: event for event in counted if find(held, event.id) is None}.values())
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
