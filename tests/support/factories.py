"""Factories of events for reducer tests: one valid event, and hypothesis strategies of colliding events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from hypothesis import strategies as st

from agents import reduce
from schemas import Event, Evidence

ACTORS = ("IRN", "RUS", "SYR", "TUR", "YPG")
DAY = dt.date(2018, 1, 1)


def event(**overrides: object) -> Event:
    """A valid event with sensible defaults; ``overrides`` replace any field."""
    fields: dict[str, object] = {
        "article_id": "a1",
        "type": "AGREE",
        "source": "RUS",
        "target": "TUR",
        "reported": DAY,
        "evidence": Evidence(text="Moscow and Ankara reached a deal.", start=0, end=33),
        "extractor": "test",
    }
    fields.update(overrides)
    return Event.model_validate(fields)


def sequential(events: Iterable[Event]) -> reduce.Tables:
    """Both tables built by applying ``events`` one at a time, as the runtime does."""
    tables: reduce.Tables = {"alliances": {}, "zones": {}}
    for item in events:
        for table, key in reduce.keys(item):
            tables[table][key], _ = reduce.apply(table, tables[table].get(key), item)
    return tables


days = st.one_of(st.none(), st.dates(DAY, DAY + dt.timedelta(days=6)))


@st.composite
def events(draw: st.DrawFn) -> Event:
    """Events over few actors, zones, days, articles and outlets (or none), so that rows, incidents,
    ids and the outlets of several articles collide."""
    source = draw(st.sampled_from(ACTORS))
    target = draw(st.one_of(st.none(), st.sampled_from([actor for actor in ACTORS if actor != source])))
    start = draw(st.integers(0, 3))
    return event(
        article_id=draw(st.sampled_from(["a1", "a2", "a3"])),
        type=draw(st.sampled_from(["AGREE", "SUPPORT", "AID", "ASSAULT", "COERCE", "MOBILIZE", "RETREAT"])),
        source=source,
        target=target,
        zone=draw(st.sampled_from([None, "IDLIB", "AFRIN"])),
        date=draw(days),
        reported=draw(days),
        modality=draw(st.sampled_from(["asserted", "planned", "historical"])),
        confidence=draw(st.sampled_from([0.5, 1.0])),
        evidence=Evidence(text=f"Sentence {start} (de-escalation).", start=start, end=start + 10),
        outlet=draw(st.sampled_from([None, "wire", "paper"])),
    )


event_sets = st.lists(events(), max_size=25)
