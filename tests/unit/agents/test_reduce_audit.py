"""The audit chain: every fact of a row with what it contributes, adding up to what the row shows."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest
from hypothesis import given, settings

from agents import reduce
from schemas import Event, Evidence
from tests.support.factories import DAY, event, event_sets


@settings(max_examples=60, deadline=None)
@given(event_sets)
def test_contributions_add_up_to_the_score(items: list[Event]) -> None:
    for as_of in (None, DAY + dt.timedelta(days=3)):
        for row in reduce.fold(items, as_of)["alliances"].values():
            chain = reduce.why(row)
            assert chain["score"] == row.score
            assert sum(fact["contribution"] for fact in chain["facts"]) == pytest.approx(row.score, abs=1e-6)
            assert sorted(fact["event_id"] for fact in chain["facts"]) == [
                fact.event_id for fact in row.facts
            ]
            assert orjson.loads(orjson.dumps(chain)) == chain


@settings(max_examples=60, deadline=None)
@given(event_sets)
def test_the_strongest_facts_are_the_first_of_the_whole_chain_ranked(items: list[Event]) -> None:
    for table, rows in reduce.fold(items).items():
        for row in rows.values():
            whole = reduce.ranked(reduce.why(row)["facts"], table)
            for limit in (1, 2, 5, None):
                found = reduce.strongest(row, limit)
                assert found["facts"] == whole[:limit] and found["facts_total"] == len(row.facts)
                assert found.keys() - {"facts", "facts_total"} == reduce.why(row).keys() - {"facts"}


def test_an_alliance_chain_names_each_report_and_its_incident() -> None:
    support = event(type="SUPPORT", source="RUS", target="SYR", date=DAY, article_id="a1")
    echo = event(
        type="SUPPORT",
        source="RUS",
        target="SYR",
        date=DAY,
        article_id="a2",
        evidence=Evidence(text="Moscow backs Damascus.", start=0, end=22),
    )
    talks = event(type="CONSULT", source="SYR", target="RUS", date=DAY + dt.timedelta(days=2))
    row = reduce.fold([support, echo, talks])["alliances"]["RUS|SYR"]
    chain = reduce.why(row)
    assert (chain["table"], chain["key"], chain["stance"], chain["reference"]) == (
        "alliances",
        "RUS|SYR",
        row.stance,
        "2018-01-03",
    )
    first, second, third = chain["facts"]
    assert {first["article_id"], second["article_id"]} == {"a1", "a2"}
    assert first["incident"] == second["incident"] != third["incident"]
    assert (first["sources"], first["reports"]) == (2, 2) and first["contribution"] == second["contribution"]
    assert first["direction"] == "RUS→SYR" and third["direction"] == "RUS↔SYR"
    assert third["sentence"] == "Moscow and Ankara reached a deal." and third["date"] == "2018-01-03"
    assert {"event_id", "type", "modality", "decay", "incident_weight", "zone"} <= first.keys()


def test_an_alliance_chain_counts_the_outlets_of_an_incident_apart_from_its_articles() -> None:
    carried = [
        event(type="SUPPORT", source="RUS", target="SYR", date=DAY, article_id=f"a{n}", outlet="reuters")
        for n in range(3)
    ]
    row = reduce.fold(carried)["alliances"]["RUS|SYR"]
    facts = reduce.why(row)["facts"]
    assert {(fact["sources"], fact["reports"]) for fact in facts} == {(1, 3)}
    assert (row.sources, row.reports) == (1, 3)


def test_a_zone_chain_gives_each_fact_its_role_and_step() -> None:
    agree = event(zone="IDLIB", date=DAY)
    deploy = event(type="MOBILIZE", target=None, zone="IDLIB", date=DAY, article_id="a2")
    plan = event(type="ASSAULT", source="SYR", target="SYR_OPP", zone="IDLIB", modality="planned", date=DAY)
    chain = reduce.why(reduce.fold([agree, deploy, plan])["zones"]["IDLIB"])
    assert (chain["table"], chain["key"], chain["status"], chain["since"]) == (
        "zones",
        "IDLIB",
        "agreed",
        "2018-01-01",
    )
    roles = {fact["type"]: fact["role"] for fact in chain["facts"]}
    assert roles == {
        "AGREE": {"kind": "party", "step": "agreed"},
        "MOBILIZE": {"kind": "deployment", "step": None},
        "ASSAULT": {"kind": "hostility", "step": None},
    }
    assert [step["status"] for step in chain["timeline"]] == ["agreed"]
    assert (chain["parties"], chain["deployed"], chain["controlled_by"]) == (["RUS", "TUR"], ["RUS"], [])
    assert orjson.loads(orjson.dumps(chain)) == chain
