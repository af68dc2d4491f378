"""The one reduce step: a row grows by its events one at a time, and says what each one changed.

Both runtimes reduce through :func:`step` (by way of :func:`streams.handlers.reduce_row`): a row
is kept as a :class:`~agents.reduce.tables.Held` (for alliances and zones a
:class:`~agents.reduce.growth.Grown`), which grows from what its last build computed.
The row is the one building it whole from the same facts gives (a row is a function of the set of
events it holds), so the change an event makes depends only on the events before it in the row's
order, never on how they were batched. :func:`apply` is the one-event case on a row held whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from agents.reduce.facts import fact, ordered
from agents.reduce.rows import State, key_of, keys
from agents.reduce.tables import Held, get, growing, grown
from agents.speed import assemble, collector_paused, fields
from schemas.change import Change, Headline
from schemas.event import Event
from schemas.ids import digest
from schemas.state import Fact


class Stepped(NamedTuple):
    """A row grown by a step, its changes, and the facts the step added or changed (by event id:
    what a store appends)."""

    row: Held
    changes: list[Change]
    facts: list[Fact]


def step(table: str, key: str, row: Held | None, events: Sequence[Event]) -> Stepped | None:
    """The row ``table[key]`` grown by ``events`` one at a time, in the order given, its changes and
    the facts added or changed; ``None`` if the events change none of its facts.

    An event new to the row makes one change; an event the row holds with other content (a
    re-extraction) makes one when it changes the row's summary. An event the row already holds
    unchanged makes none, and a row scored as of a date ignores events after it or with no date.
    Each change's headline is read from what the row's parts add up to after its event; the row
    itself is made once, after the last (:func:`~agents.reduce.tables.growing`).
    """
    route = get(table).route
    for event in events:
        if route(fields(event)) != key:
            raise ValueError(f"event {event.id} belongs to no row {table}[{key}]")
    as_of = None if row is None else row.state.as_of
    changes: list[Change] = []
    made: dict[str, Fact] = {}  # the first fact of a row not held yet
    with collector_paused():  # the collector would scan every row held, at each event
        growth = None if row is None else growing(row)
        before = None if growth is None else growth.headline()
        for event in events:
            if as_of is not None and (event.event_date is None or event.event_date > as_of):
                continue
            if growth is None:
                first = made[event.id] = fact(event)
                growth = growing(grown(table, key, (first,)))
            elif not growth.add((fact(event),)):  # no fact changed, or not the row's summary
                continue
            after = growth.headline()
            changes.append(_change(table, key, before, after, event))
            before = after
        if growth is None:
            return None
        facts = list(ordered(made | growth.added()))
        held = growth.done()
    return None if held is row else Stepped(held, changes, facts)


def _change(table: str, key: str, before: Headline | None, after: Headline, event: Event) -> Change:
    """The change ``event`` made to the row ``table[key]``: its headline went from ``before`` to ``after``."""
    return assemble(
        Change,
        {
            "schema_version": Change.SCHEMA_VERSION,
            "id": digest("change", table, key, event.id, fields(after)),
            "table": table,
            "key": key,
            "before": before,
            "after": after,
            "event_ids": (event.id,),
            "article_ids": (event.article_id,),
            "event_time": event.event_date,
            "ingested_at": None,
            "offsets": (),
            "cause": "event",
            "reason": None,
        },
    )


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
    return stepped.row.state, stepped.changes
