"""Growing a row a batch at a time gives the row built whole from the same facts."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents import reduce
from agents.reduce import alliances
from agents.reduce.config import default
from agents.reduce.facts import Facts, canonical, fact
from agents.reduce.growth import Grown, grow, grown
from agents.reduce.rows import by_row
from schemas import Event, Evidence
from tests.support.factories import DAY, event, events

TEXTS = ("Talks went on.", "A de-escalation zone was set up.", "They agreed a demilitarised buffer zone.")


@st.composite
def reworded(draw: st.DrawFn) -> Event:
    """An event of :func:`~tests.support.factories.events` over three months, its sentence naming a
    kind of zone or none; kept with its id, another sentence stands for a re-extraction."""
    item = draw(events())
    text = draw(st.sampled_from(TEXTS))
    evidence = Evidence(text=text, start=0, end=len(text))
    if draw(st.booleans()):
        return item.model_copy(update={"evidence": evidence})
    day = draw(st.one_of(st.none(), st.dates(DAY, DAY + dt.timedelta(days=90))))
    return Event.model_validate(item.model_dump(exclude={"id"}) | {"evidence": evidence, "date": day})


def grown_in(batches: list[list[Event]]) -> dict[tuple[str, str], Grown]:
    """Every row, grown one batch after another (each row built whole from its first batch)."""
    rows: dict[tuple[str, str], Grown] = {}
    for batch in batches:
        for (table, key), found in by_row(batch).items():
            facts = [fact(item) for item in found]
            held = rows.get((table, key))
            rows[table, key] = grown(table, key, canonical(facts)) if held is None else grow(held, facts)
    return rows


@settings(max_examples=300, deadline=None)
@given(st.lists(reworded(), max_size=30), st.data())
def test_a_row_grown_batch_by_batch_is_the_row_built_whole(items: list[Event], data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(items)), max_size=6)))
    batches = [items[start:end] for start, end in zip([0, *cuts], [*cuts, len(items)], strict=True)]
    whole = reduce.fold(items)
    rows = grown_in(batches)
    assert {table: sorted(key for t, key in rows if t == table) for table in whole} == {
        table: sorted(found) for table, found in whole.items()
    }
    for (table, key), row in rows.items():
        assert row.state == whole[table][key]


def test_facts_a_row_holds_leave_it_as_it_was() -> None:
    first = event(zone="IDLIB", date=DAY)
    later = event(zone="IDLIB", date=DAY + dt.timedelta(days=40), article_id="a2")
    row = grown("zones", "IDLIB", (fact(first),))
    assert grow(row, [fact(first)]) is row
    bigger = grow(row, [fact(later)])
    assert bigger is not row and bigger.state.events == 2
    assert row.state.events == 1  # the row grown from is as it was


@st.composite
def status_reports(draw: st.DrawFn) -> Event:
    """An asserted, dated report that places a step in the timeline of IDLIB."""
    return event(
        article_id=draw(st.sampled_from(["a1", "a2", "a3", "a4"])),
        type=draw(st.sampled_from(["AGREE", "RETREAT", "ASSAULT", "COERCE"])),
        source=draw(st.sampled_from(["RUS", "TUR", "SYR"])),
        target=None,
        zone="IDLIB",
        date=DAY + dt.timedelta(days=draw(st.integers(0, 60))),
        evidence=Evidence(text=draw(st.sampled_from(TEXTS)), start=0, end=10),
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(status_reports(), min_size=2, max_size=40), st.data())
def test_a_timeline_grown_report_by_report_is_the_timeline_built_whole(
    items: list[Event], data: st.DataObject
) -> None:
    row = grown("zones", "IDLIB", (fact(items[0]),))
    for item in data.draw(st.permutations(items[1:])):
        row = grow(row, [fact(item)])
    assert row.state == reduce.fold(items)["zones"]["IDLIB"]


@st.composite
def crowded(draw: st.DrawFn) -> Event:
    """A report of one pair over ten days, most of one type and modality, so that its incidents
    chain day after day; kept with its id, another modality or confidence stands for a re-extraction."""
    day = draw(st.one_of(st.none(), st.dates(DAY, DAY + dt.timedelta(days=9))))
    return event(
        article_id=draw(st.sampled_from(["a1", "a2", "a3", "a4"])),
        type=draw(st.sampled_from(["CONSULT", "CONSULT", "CONSULT", "ASSAULT"])),
        source=draw(st.sampled_from(["RUS", "TUR"])),
        target="SYR",
        zone=draw(st.sampled_from([None, None, "IDLIB", "AFRIN"])),
        date=day,
        reported=draw(st.one_of(st.none(), st.just(DAY))),
        modality=draw(st.sampled_from(["asserted", "asserted", "planned"])),
        confidence=draw(st.sampled_from([0.5, 1.0])),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(crowded(), min_size=1, max_size=40))
def test_a_row_grown_one_event_at_a_time_is_the_row_built_whole(items: list[Event]) -> None:
    rows = grown_in([[item] for item in items])
    whole = reduce.fold(items)
    for (table, key), row in rows.items():
        assert row.state == whole[table][key]


def test_a_row_grown_again_from_an_older_state_is_the_row_built_whole() -> None:
    first, second, third = (event(article_id=f"a{k}", date=DAY + dt.timedelta(days=k)) for k in range(3))
    row = grown("alliances", "RUS|TUR", (fact(first),))
    grow(row, [fact(second)])  # grows the parts the row shares in place
    again = grow(row, [fact(third)])
    assert again.state == reduce.fold([first, third])["alliances"]["RUS|TUR"]


def test_facts_kept_aside_are_read_as_if_put_in_at_once() -> None:
    items = [fact(event(article_id=f"a{k}", date=DAY + dt.timedelta(days=k % 30))) for k in range(400)]
    base = Facts.of(canonical(items[:100]))
    one = base.merged(items[100:110])
    redone, again = (items[at].model_copy(update={"confidence": 0.1}) for at in (105, 5))  # aside, held
    two = one.merged([redone, again, *items[110:120]], [items[105], items[5]])
    assert one._held[2] is not None and two._held[2] is not None  # a few facts: kept aside
    assert two == canonical([*items[:5], again, *items[6:105], redone, *items[106:120]]) and len(two) == 120
    assert two.find(redone.event_id) is redone and two._held[2] is None
    assert one == canonical(items[:110]) and base == canonical(items[:100])
    many = base.merged(items[100:])  # more than half the tree: put in at once
    assert many._held[2] is None and many == canonical(items)


def test_facts_in_chunks_are_the_tuple_of_the_same_facts() -> None:
    items = [fact(event(article_id=f"a{k}", date=DAY + dt.timedelta(days=k % 30))) for k in range(5000)]
    whole = canonical(list(items))
    held = Facts.of(canonical(items[:700]))
    for item in items[700:2500]:  # one at a time: chunks and groups fill up and are cut in two
        held = held.merged([item])
    held = held.merged(items[2500:])  # at once
    assert held == whole and whole == held and len(held) == len(whole)
    assert list(held) == list(whole) and held[-1] == whole[-1] and held[10:20] == whole[10:20]
    assert all(held.find(item.event_id) is item for item in whole)
    assert held.find("0" * 32) is None
    assert len(held._held[0]) > 1 and all(len(chunks) > 1 for chunks, _ in held._held[0])
    redone = whole[5].model_copy(update={"confidence": 0.1})
    assert held.merged([redone], [whole[5]]).find(redone.event_id) is redone
    built = alliances.build("RUS|TUR", whole, None, default())
    with pytest.warns(UserWarning):  # pydantic: the field is declared a tuple
        assert orjson.loads(grown("alliances", "RUS|TUR", whole).state.dumps()) == orjson.loads(built.dumps())
