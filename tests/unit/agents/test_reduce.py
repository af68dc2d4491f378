"""Reducer contract: keys, set-based apply, changes, views, fold == sequential apply, digest, as-of."""

from __future__ import annotations

import datetime as dt
import itertools
import warnings

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from agents import reduce
from schemas import Event, Evidence
from schemas.change import Headline
from schemas.state import AllianceState, Fact, ZoneState
from tests.support.factories import DAY, event, event_sets, sequential


def test_keys_name_the_pair_and_the_zone() -> None:
    assert reduce.keys(event(source="TUR", target="RUS", type="ASSAULT", zone="AFRIN")) == [
        ("alliances", "RUS|TUR"),
        ("zones", "AFRIN"),
    ]
    assert reduce.keys(event(type="MOBILIZE", target=None, zone="IDLIB")) == [("zones", "IDLIB")]
    assert reduce.keys(event(type="MOBILIZE", target=None)) == []


def test_apply_to_a_new_row_emits_a_change_naming_its_cause() -> None:
    item = event(date=dt.date(2018, 1, 2))
    state, changes = reduce.apply("alliances", None, item)
    (change,) = changes
    assert change.table == "alliances" and change.key == "RUS|TUR"
    assert change.before is None and change.after == Headline.of(state)
    assert change.event_ids == (item.id,) and change.article_ids == ("a1",)
    assert change.event_time == dt.date(2018, 1, 2)
    assert change.ingested_at is None and change.offsets == ()
    assert reduce.apply("alliances", None, item)[1][0].id == change.id


def test_applying_an_event_twice_changes_nothing_the_second_time() -> None:
    state, _ = reduce.apply("alliances", None, event())
    again, changes = reduce.apply("alliances", state, event())
    assert again == state and changes == []


def test_change_carries_the_headlines_before_and_after() -> None:
    first, _ = reduce.apply("alliances", None, event())
    second, (change,) = reduce.apply("alliances", first, event(article_id="a2", type="ASSAULT"))
    assert change.before == Headline.of(first) and change.after == Headline.of(second)
    assert change.after is not None and change.after.events == 2
    assert (change.after.stance, change.after.score) == (second.stance, second.score)
    assert change.after.actors == ("RUS", "TUR")


def test_apply_refuses_an_event_of_another_row() -> None:
    state, _ = reduce.apply("alliances", None, event())
    with pytest.raises(ValueError, match="touches no row"):
        reduce.apply("zones", None, event())
    with pytest.raises(ValueError, match="belongs to"):
        reduce.apply("alliances", state, event(source="IRN"))


def test_view_has_the_public_fields_and_no_facts() -> None:
    tables = reduce.fold([event(zone="IDLIB"), event(type="MOBILIZE", target=None, zone="IDLIB")])
    pair = reduce.view(tables["alliances"]["RUS|TUR"])
    zone = reduce.view(tables["zones"]["IDLIB"])
    assert {"a", "b", "stance", "score", "relations", "counts", "first", "last", "events"} <= pair.keys()
    assert {
        "zone",
        "status",
        "parties",
        "deployed",
        "controlled_by",
        "first",
        "last",
        "events",
    } <= zone.keys()
    assert "facts" not in pair and "facts" not in zone
    assert {"source", "target", "type", "count", "first", "last"} <= pair["relations"][0].keys()
    assert zone["parties"] == ["RUS", "TUR"] and zone["deployed"] == ["RUS"]
    assert orjson.loads(orjson.dumps([pair, zone])) == [pair, zone]


@settings(max_examples=60, deadline=None)
@given(event_sets, st.data())
def test_any_order_and_any_repetition_give_the_same_tables(items: list[Event], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(items))
    repeated = shuffled + data.draw(st.lists(st.sampled_from(items), max_size=5) if items else st.just([]))
    assert sequential(shuffled) == sequential(items) == sequential(repeated)
    assert reduce.digest(sequential(repeated)) == reduce.digest(reduce.fold(items))


@settings(max_examples=60, deadline=None)
@given(event_sets)
def test_fold_equals_sequential_apply(items: list[Event]) -> None:
    folded, applied = reduce.fold(items), sequential(items)
    assert folded == applied
    assert reduce.digest(folded) == reduce.digest(applied)


@settings(max_examples=40, deadline=None)
@given(event_sets, st.dates(DAY, DAY + dt.timedelta(days=6)))
def test_as_of_counts_only_events_dated_up_to_it(items: list[Event], as_of: dt.date) -> None:
    tables = reduce.fold(items, as_of)
    kept = [item for item in items if item.event_date is not None and item.event_date <= as_of]
    assert reduce.digest(tables) == reduce.digest(reduce.fold(reversed(kept), as_of))
    for rows in tables.values():
        for row in rows.values():
            assert row.as_of == as_of and row.last is not None and row.last <= as_of


def test_as_of_rows_ignore_later_and_undated_events() -> None:
    row = reduce.fold([event(date=DAY)], as_of=DAY)["alliances"]["RUS|TUR"]
    for late in (
        event(date=DAY + dt.timedelta(days=1)),
        event(reported=None, evidence=Evidence(text="x", start=1, end=2)),
    ):
        assert reduce.apply("alliances", row, late) == (row, [])


def test_digest_changes_with_the_content() -> None:
    one = reduce.fold([event()])
    two = reduce.fold([event(), event(type="ASSAULT")])
    assert reduce.digest(one) != reduce.digest(two)
    assert len(reduce.digest(one)) == 64
    assert reduce.digest({"alliances": {}, "zones": {}}) != reduce.digest(one)


def test_rows_round_trip_through_their_stored_json_and_keep_applying_alike() -> None:
    tables = reduce.fold(
        [event(zone="IDLIB", date=DAY), event(type="ASSAULT", article_id="a2", zone="IDLIB")]
    )
    later = event(type="AID", article_id="a3", zone="IDLIB", date=DAY + dt.timedelta(days=4))
    for table, model in (("alliances", AllianceState), ("zones", ZoneState)):
        (row,) = tables[table].values()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            stored = model.loads(row.dumps())
        assert stored == row and reduce.view(stored) == reduce.view(row)
        with pytest.raises(ValidationError, match="frozen"):
            row.events = 0
        assert reduce.apply(table, stored, later) == reduce.apply(table, row, later)


def test_a_fact_equals_the_validated_fact_of_its_event_dated_by_its_article_if_need_be() -> None:
    item = event(zone="AFRIN", date=None, reported=DAY, modality="planned", confidence=0.5)
    (row,) = reduce.fold([item])["zones"].values()
    assert row.facts == (
        Fact(
            event_id=item.id,
            article_id="a1",
            type="AGREE",
            source="RUS",
            target="TUR",
            zone="AFRIN",
            date=DAY,
            modality="planned",
            confidence=0.5,
            evidence="Moscow and Ankara reached a deal.",
        ),
    )


def test_one_event_id_with_different_contents_resolves_alike_in_any_order() -> None:
    variants = [
        event(reported=DAY + dt.timedelta(days=1)),
        event(reported=DAY, modality="planned"),
        event(reported=DAY, confidence=0.5),
        event(reported=DAY, evidence=Evidence(text="Moscow and Ankara agreed.", start=0, end=33)),
    ]
    assert len({item.id for item in variants}) == 1
    rows = {reduce.digest(sequential(order)) for order in itertools.permutations(variants)}
    assert len(rows) == 1
    assert rows == {reduce.digest(reduce.fold(reversed(variants)))}
