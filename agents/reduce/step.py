"""The one reduce step: a row grows by a batch of events, and says what changed in one :class:`Change`.

Both runtimes reduce through :func:`step` (by way of :func:`streams.handlers.reduce_row`): a row
is kept as a :class:`~agents.reduce.growth.Grown`, which grows from what its last build computed,
so a batch costs what it adds more than the row's history. The row is the one building it whole
from the same facts gives (a row is a function of the set of events it holds), and the change
covers every event of the batch that was new to the row. :func:`apply` is the one-event case.
"""

from __future__ import annotations

from collections.abc import Sequence

from agents.reduce.facts import canonical, fact, find
from agents.reduce.rows import State, key_of, keys
from agents.reduce.tables import Held, grow, grown
from agents.speed import collector_paused
from schemas.change import Change, Headline
from schemas.event import Event
from schemas.ids import digest


def step(
    table: str, key: str, row: Held | None, events: Sequence[Event]
) -> tuple[Held, Change | None] | None:
    """The row ``table[key]`` with ``events`` added and its change, ``None`` if its summary is unchanged;
    ``None`` if the events change none of its facts.

    Events the row already holds change nothing, and a row scored as of a date ignores events
    after it or with no date. The change's ``before`` and ``after`` are the row's headlines
    (:class:`~schemas.change.Headline`); it names the events that were new to the row, or, when
    only a re-extraction's content changed, the events that carried it.
    """
    for event in events:
        if (table, key) not in keys(event):
            raise ValueError(f"event {event.id} belongs to no row {table}[{key}]")
    held = () if row is None else row.state.facts
    as_of = None if row is None else row.state.as_of
    counted = [e for e in events if as_of is None or (e.event_date is not None and e.event_date <= as_of)]
    if not counted:
        return None
    with collector_paused():  # the collector would scan every row held, at each step
        facts = [fact(event) for event in counted]
        after = grown(table, key, canonical(facts)) if row is None else grow(row, facts)
    if after is row:
        return None
    if row is not None and same_summary(row.state, after.state):
        return after, None
    new = list({event.id: event for event in counted if find(held, event.id) is None}.values())
    if not new:  # only a re-extraction's content changed: credit the events that carried it
        new = list({event.id: event for event in counted}.values())
    new.sort(key=lambda event: event.id)
    headline = Headline.of(after.state)
    days = [event.event_date for event in new if event.event_date is not None]
    change = Change(
        id=digest("change", table, key, *(event.id for event in new), headline.model_dump(mode="json")),
        table=table,
        key=key,
        before=None if row is None else Headline.of(row.state),
        after=headline,
        event_ids=tuple(event.id for event in new),
        article_ids=tuple(dict.fromkeys(event.article_id for event in new)),
        event_time=max(days, default=None),
    )
    return after, change


def same_summary(first: State, second: State) -> bool:
    """Whether two rows of one table have the same summary (all but their facts)."""
    one, other = first.__dict__, second.__dict__
    return all(one[name] == other[name] for name in one if name != "facts")


def apply(table: str, state: State | None, event: Event) -> tuple[State, list[Change]]:
    """:func:`step` of one event on a row held whole (builds the row's parts again: for tests and
    tools, not for a runtime)."""
    key = dict(keys(event)).get(table)
    if key is None:
        raise ValueError(f"event {event.id} touches no row of {table!r}")
    if state is not None and key_of(state) != key:
        raise ValueError(f"event {event.id} belongs to {table}[{key}], not {table}[{key_of(state)}]")
    row = None if state is None else grown(table, key, state.facts, state.as_of)
    stepped = step(table, key, row, [event])
    if stepped is None:
        assert state is not None  # a new row always changes
        return state, []
    after, change = stepped
    return after.state, [] if change is None else [change]
