"""The one reduce step: a row grows by its events one at a time and says what each one changed."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents import reduce
from agents.reduce.growth import Grown, grown
from agents.reduce.rows import by_row
from agents.reduce.stored import assemble, decode_facts, encode_facts, encode_summary
from schemas import AllianceState, Change, Event, Evidence, ZoneState
from schemas.change import Headline
from tests.support.factories import DAY, event, events, sequential

MODELS = {"alliances": AllianceState, "zones": ZoneState}


def stepped(batches: list[list[Event]]) -> tuple[dict[tuple[str, str], Grown], list[Change]]:
    """Every row grown by :func:`agents.reduce.step`, one batch after another, and the changes (each
    step's facts being those its row holds and held not before)."""
    rows: dict[tuple[str, str], Grown] = {}
    changes: list[Change] = []
    for batch in batches:
        for (table, key), found in by_row(batch).items():
            before = rows.get((table, key))
            out = reduce.step(table, key, before, found)
            if out is not None:
                held = set() if before is None else set(before.state.facts)
                assert out.facts == [item for item in out.row.state.facts if item not in held]
                rows[(table, key)] = out.row
                changes.extend(out.changes)
    return rows, changes


def held(headline: Headline | None) -> int:
    """How many events a headline says its row holds."""
    return 0 if headline is None else headline.events


def cut(items: list[Event], data: st.DataObject) -> list[list[Event]]:
    """``items`` cut into batches where hypothesis draws."""
    cuts = sorted(data.draw(st.lists(st.integers(0, len(items)), max_size=6)))
    return [items[start:end] for start, end in zip([0, *cuts], [*cuts, len(items)], strict=True)]


@settings(max_examples=150, deadline=None)
@given(st.lists(events(), max_size=30), st.data())
def test_rows_stepped_batch_by_batch_are_the_fold_and_each_new_event_makes_one_change(
    items: list[Event], data: st.DataObject
) -> None:
    whole = reduce.fold(items)
    rows, changes = stepped(cut(items, data))
    assert {(table, key) for table, found in whole.items() for key in found} == set(rows)
    for (table, key), row in rows.items():
        assert row.state == whole[table][key]
        mine = [change for change in changes if (change.table, change.key) == (table, key)]
        new = [change for change in mine if held(change.before) < held(change.after)]
        assert sorted(e for change in new for e in change.event_ids) == sorted(
            f.event_id for f in row.state.facts
        )
        assert mine[0].before is None and mine[-1].after == Headline.of(row.state)
        for earlier, later in itertools.pairwise(mine):
            assert later.before == earlier.after
        for change in mine:
            assert len(change.event_ids) == len(change.article_ids) == 1


@settings(max_examples=150, deadline=None)
@given(st.lists(events(), max_size=30), st.data())
def test_the_changes_of_a_row_are_the_same_however_its_events_are_batched(
    items: list[Event], data: st.DataObject
) -> None:
    """The change of an event depends on the events before it in the row's order, not on batches."""

    def by_rows(changes: list[Change]) -> dict[tuple[str, str], list[Change]]:
        return {
            row: [change for change in changes if (change.table, change.key) == row]
            for row in sorted({(change.table, change.key) for change in changes})
        }

    one_by_one = by_rows(stepped([[item] for item in items])[1])
    assert by_rows(stepped(cut(items, data))[1]) == one_by_one == by_rows(stepped([items])[1])


def test_each_new_event_makes_a_change_with_the_headlines_around_it() -> None:
    first = [event(), event(article_id="a2", type="ASSAULT")]
    row, changes, _ = reduce.step("alliances", "RUS|TUR", None, first) or (None, [], [])
    assert row is not None and len(changes) == 2
    assert changes[0].before is None and changes[1].before == changes[0].after
    assert changes[1].after == Headline.of(row.state) and changes[0].after is not None
    assert changes[0].after.events == 1
    assert [change.event_ids for change in changes] == [(first[0].id,), (first[1].id,)]
    assert [change.article_ids for change in changes] == [("a1",), ("a2",)]
    later = [*first, event(article_id="a3", type="AID", date=DAY + dt.timedelta(days=3))]
    again, (third,), _ = reduce.step("alliances", "RUS|TUR", row, later) or (None, [], [])
    assert again is not None
    assert third.event_ids == (later[2].id,) and third.article_ids == ("a3",)
    assert third.before == changes[1].after and third.after == Headline.of(again.state)
    assert third.event_time == DAY + dt.timedelta(days=3)
    assert reduce.step("alliances", "RUS|TUR", again, later) is None


def test_a_changed_content_that_leaves_the_summary_alike_grows_the_row_without_a_change() -> None:
    item = event()
    row = grown("alliances", "RUS|TUR", reduce.apply("alliances", None, item)[0].facts)
    reworded = item.model_copy(
        update={"evidence": Evidence(text="Moscow and Ankara agreed.", start=0, end=25)}
    )
    out = reduce.step("alliances", "RUS|TUR", row, [reworded])
    if out is not None:  # the reworded sentence is the one kept: the row's facts change, its summary not
        after, changes, facts = out
        assert changes == [] and after.state.facts[0].evidence == "Moscow and Ankara agreed."
        assert facts == list(after.state.facts)


def test_a_re_extraction_that_changes_the_summary_makes_a_change_of_its_own() -> None:
    item = event(confidence=0.5)
    row = grown("alliances", "RUS|TUR", reduce.apply("alliances", None, item)[0].facts)
    surer = item.model_copy(update={"confidence": 1.0})
    after, (change,), _ = reduce.step("alliances", "RUS|TUR", row, [surer]) or (None, [], [])
    assert after is not None and change.event_ids == (item.id,)
    assert change.before == Headline.of(row.state) != change.after == Headline.of(after.state)


def test_a_row_as_of_a_date_ignores_later_and_undated_events() -> None:
    state = reduce.fold([event()], as_of=DAY)["alliances"]["RUS|TUR"]
    row = grown("alliances", "RUS|TUR", state.facts, DAY)
    late = event(article_id="a2", date=DAY + dt.timedelta(days=1))
    undated = event(article_id="a3", date=None, reported=None)
    assert reduce.step("alliances", "RUS|TUR", row, [late, undated]) is None


def test_a_change_of_a_row_of_many_facts_stays_small() -> None:
    items = [
        event(article_id=f"a{n}", date=DAY + dt.timedelta(days=n % 300), zone="IDLIB", type=kind)
        for n in range(600)
        for kind in ("CONSULT", "ASSAULT")
    ]
    tables = reduce.fold(items[:-1])
    for table, key in (("alliances", "RUS|TUR"), ("zones", "IDLIB")):
        row = grown(table, key, tables[table][key].facts)
        out = reduce.step(table, key, row, items[-1:])
        assert out is not None and len(out[1]) == 1
        assert len(out[1][0].dumps()) <= 1024


def test_a_step_refuses_an_event_of_another_row() -> None:
    with pytest.raises(ValueError, match="belongs to no row"):
        reduce.step("alliances", "IRN|TUR", None, [event()])


@given(st.lists(events(), min_size=1, max_size=12), st.integers(1, 4), st.data())
def test_every_row_is_its_summary_and_its_records_of_facts_put_back_together(
    items: list[Event], size: int, data: st.DataObject
) -> None:
    for table, rows in sequential(items).items():
        for row in rows.values():
            value = encode_summary(row)
            stored = MODELS[table].loads(value)
            assert stored.facts == ()
            facts = list(reversed(row.facts))  # a store's order is any
            chunks = [facts[start : start + size] for start in range(0, len(facts), size)]
            again = data.draw(st.lists(st.sampled_from(chunks), max_size=2))  # written again after a crash
            records = [encode_facts(chunk) for chunk in [*chunks, *again]]
            assert assemble(MODELS[table], value, records) == row
            assert [decode_facts(record) for record in records[: len(chunks)]] == chunks
            assert reduce.view(stored) == reduce.view(row)
