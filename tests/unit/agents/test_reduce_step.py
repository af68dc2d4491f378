"""The one reduce step: a row grows by a batch of its events and says what changed in one change."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents import reduce
from agents.reduce.growth import Grown, grown
from agents.reduce.rows import by_row
from agents.reduce.stored import assemble, decode_facts, encode_facts, encode_summary, new_facts
from schemas import AllianceState, Change, Event, Evidence, ZoneState
from schemas.change import Headline
from tests.support.factories import DAY, event, events, sequential

MODELS = {"alliances": AllianceState, "zones": ZoneState}


def stepped(batches: list[list[Event]]) -> tuple[dict[tuple[str, str], Grown], list[Change]]:
    """Every row grown by :func:`agents.reduce.step`, one batch after another, and the changes."""
    rows: dict[tuple[str, str], Grown] = {}
    changes: list[Change] = []
    for batch in batches:
        for (table, key), found in by_row(batch).items():
            out = reduce.step(table, key, rows.get((table, key)), found)
            if out is not None:
                rows[(table, key)] = out[0]
                changes.extend([] if out[1] is None else [out[1]])
    return rows, changes


@settings(max_examples=150, deadline=None)
@given(st.lists(events(), max_size=30), st.data())
def test_rows_stepped_batch_by_batch_are_the_fold_and_their_changes_name_each_new_event_once(
    items: list[Event], data: st.DataObject
) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(items)), max_size=6)))
    batches = [items[start:end] for start, end in zip([0, *cuts], [*cuts, len(items)], strict=True)]
    whole = reduce.fold(items)
    rows, changes = stepped(batches)
    assert {(table, key) for table, found in whole.items() for key in found} == set(rows)
    for (table, key), row in rows.items():
        assert row.state == whole[table][key]
        mine = [change for change in changes if (change.table, change.key) == (table, key)]
        assert sorted(e for change in mine for e in change.event_ids) == sorted(
            f.event_id for f in row.state.facts
        )
        assert mine[0].before is None and mine[-1].after == Headline.of(row.state)
        for earlier, later in itertools.pairwise(mine):
            assert later.before == earlier.after
        for change in mine:
            assert list(change.event_ids) == sorted(change.event_ids)


def test_a_batch_makes_one_change_with_the_headlines_and_only_the_new_events() -> None:
    first = [event(), event(article_id="a2", type="ASSAULT")]
    row, change = reduce.step("alliances", "RUS|TUR", None, first) or (None, None)
    assert row is not None and change is not None
    assert change.before is None and change.after == Headline.of(row.state)
    assert change.event_ids == tuple(sorted(item.id for item in first))
    assert change.article_ids == ("a1", "a2") or change.article_ids == ("a2", "a1")
    later = [*first, event(article_id="a3", type="AID", date=DAY + dt.timedelta(days=3))]
    again, second = reduce.step("alliances", "RUS|TUR", row, later) or (None, None)
    assert again is not None and second is not None
    assert second.event_ids == (later[2].id,) and second.article_ids == ("a3",)
    assert second.before == change.after and second.after == Headline.of(again.state)
    assert second.event_time == DAY + dt.timedelta(days=3)
    assert reduce.step("alliances", "RUS|TUR", again, later) is None


def test_a_changed_content_that_leaves_the_summary_alike_grows_the_row_without_a_change() -> None:
    item = event()
    row = grown("alliances", "RUS|TUR", reduce.apply("alliances", None, item)[0].facts)
    reworded = item.model_copy(
        update={"evidence": Evidence(text="Moscow and Ankara agreed.", start=0, end=25)}
    )
    out = reduce.step("alliances", "RUS|TUR", row, [reworded])
    if out is not None:  # the reworded sentence is the one kept: the row's facts change, its summary not
        after, change = out
        assert change is None and after.state.facts[0].evidence == "Moscow and Ankara agreed."
        assert new_facts(row, after, [reworded.id]) == list(after.state.facts)


def test_a_change_of_a_row_of_many_facts_stays_small() -> None:
    items = [
        event(article_id=f"a{n}", date=DAY + dt.timedelta(days=n % 300), zone="IDLIB", type=kind)
        for n in range(600)
        for kind in ("CONSULT", "ASSAULT")
    ]
    for table, key in (("alliances", "RUS|TUR"), ("zones", "IDLIB")):
        row, _ = reduce.step(table, key, None, items[:-1]) or (None, None)
        assert row is not None
        out = reduce.step(table, key, row, items[-1:])
        assert out is not None and out[1] is not None
        assert len(out[1].dumps()) <= 1024


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
