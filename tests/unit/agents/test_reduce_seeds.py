"""The seed articles' gold events, reduced: the alliances and zones the seeds must show."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from agents import reduce
from schemas import Event, Evidence

SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"
AS_OF = dt.date(2019, 3, 1)


def gold_events() -> list[Event]:
    """Every gold event of the seeds as an :class:`Event`; ``actors`` lists expand to every pair."""
    articles = {row["id"]: row for row in map(json.loads, (SEEDS / "seeds.jsonl").read_text().splitlines())}
    out = []
    for line in (SEEDS / "seeds.gold.jsonl").read_text().splitlines():
        gold = json.loads(line)
        article = articles[gold["article"]]
        for item in gold["events"]:
            pairs = (
                itertools.combinations(item["actors"], 2)
                if "actors" in item
                else [(item["source"], item.get("target"))]
            )
            start = max(article["text"].find(item["evidence"]), 0)
            evidence = Evidence(text=item["evidence"], start=start, end=start + len(item["evidence"]))
            out.extend(
                Event(
                    article_id=gold["article"],
                    type=item["type"],
                    source=source,
                    target=target,
                    zone=item.get("zone"),
                    date=item.get("date"),
                    reported=article["published"],
                    modality=item.get("modality", "asserted"),
                    evidence=evidence,
                    extractor="gold",
                )
                for source, target in pairs
            )
    return out


@pytest.fixture(scope="module")
def live() -> reduce.Tables:
    return reduce.fold(gold_events())


@pytest.fixture(scope="module")
def as_of() -> reduce.Tables:
    return reduce.fold(gold_events(), AS_OF)


def relation_types(row: dict[str, Any], source: str, target: str) -> set[str]:
    return {rel["type"] for rel in row["relations"] if (rel["source"], rel["target"]) == (source, target)}


def test_russia_and_turkey_cooperate_despite_the_shoot_down(as_of: reduce.Tables) -> None:
    row = reduce.view(as_of["alliances"]["RUS|TUR"])
    assert row["stance"] in {"cooperative", "allied"}
    assert "ASSAULT" in relation_types(row, "TUR", "RUS")
    assert row["as_of"] == "2019-03-01" and row["last"] <= "2019-03-01"


def test_turkey_and_the_ypg_are_hostile(live: reduce.Tables, as_of: reduce.Tables) -> None:
    for tables in (live, as_of):
        row = reduce.view(tables["alliances"]["TUR|YPG"])
        assert row["stance"] == "hostile"
        assert {"ASSAULT", "THREATEN"} <= relation_types(row, "TUR", "YPG")


@pytest.mark.parametrize("patron", ["RUS", "IRN"])
def test_russia_and_iran_support_and_aid_syria(live: reduce.Tables, patron: str) -> None:
    row = reduce.view(live["alliances"][f"{patron}|SYR"])
    assert {"SUPPORT", "AID"} <= relation_types(row, patron, "SYR")
    assert row["stance"] in {"cooperative", "allied"}


def test_idlib_is_guaranteed_by_russia_turkey_and_iran_with_turkey_deployed(live: reduce.Tables) -> None:
    zone = reduce.view(live["zones"]["IDLIB"])
    assert zone["parties"] == ["IRN", "RUS", "TUR"]
    assert "TUR" in zone["deployed"]
    assert zone["kind"] == zone["status"] == "de-escalation"


def test_afrin_goes_from_a_turkish_offensive_to_its_seizure(live: reduce.Tables) -> None:
    zone = reduce.view(live["zones"]["AFRIN"])
    steps = [(step["status"], step["date"], step["actors"]) for step in zone["timeline"]]
    assert steps == [("under offensive", "2018-02-09", ["TUR"]), ("seized", "2018-04-04", ["SYR_OPP", "TUR"])]
    assert zone["status"] == "seized" and zone["since"] == "2018-04-04"
    assert zone["controlled_by"] == ["SYR_OPP", "TUR"]
    assert ("TUR", "YPG") in {(rel["source"], rel["target"]) for rel in zone["hostilities"]}


def test_afrin_before_its_seizure_is_under_offensive() -> None:
    zone = reduce.view(reduce.fold(gold_events(), dt.date(2018, 3, 1))["zones"]["AFRIN"])
    assert zone["status"] == "under offensive" and zone["controlled_by"] == []


def test_seed_tables_do_not_depend_on_the_order_of_the_log(live: reduce.Tables) -> None:
    assert reduce.digest(reduce.fold(reversed(gold_events()))) == reduce.digest(live)
