"""Alliance rows: Goldstein-style weights, modality, decay, corroboration, stance, relations."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from agents import reduce
from agents.reduce.config import SCORING_FILE, Scoring, default, load
from agents.reduce.score import PLACES, rounded
from schemas import Evidence, PloverType
from schemas.state import AllianceState
from tests.support.factories import DAY, event

COOPERATION = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID"]
CONFLICT = ["ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "COERCE", "ASSAULT"]


def pair(*items: object, as_of: dt.date | None = None) -> AllianceState:
    (row,) = reduce.fold(items, as_of)["alliances"].values()  # type: ignore[arg-type]
    assert isinstance(row, AllianceState)
    return row


def report(article: str, day: dt.date, **fields: object) -> object:
    """One article's report of an event on ``day`` (its own sentence, so its own event id)."""
    text = f"{article} reports it."
    return event(article_id=article, date=day, evidence=Evidence(text=text, start=0, end=len(text)), **fields)


def test_every_type_is_weighted_with_cooperation_positive_and_conflict_negative() -> None:
    weights = default().weights
    assert set(weights) == set(PloverType)
    assert all(weights[PloverType(kind)] > 0 for kind in COOPERATION)
    assert all(weights[PloverType(kind)] < 0 for kind in CONFLICT)
    assert weights[PloverType.ASSAULT] == min(weights.values())


@pytest.mark.parametrize("kind", COOPERATION + CONFLICT)
def test_one_asserted_event_scores_its_type_weight(kind: str) -> None:
    row = pair(event(type=kind, date=DAY))
    assert row.score == default().weights[PloverType(kind)]
    assert row.counts == {kind: 1} and row.events == row.incidents == row.sources == 1


def test_planned_counts_less_than_asserted_and_historical_less_still() -> None:
    scores = [pair(event(modality=modality)).score for modality in ("asserted", "planned", "historical")]
    assert scores[0] > scores[1] > scores[2] > 0


def test_weight_halves_over_one_half_life_before_the_as_of_date() -> None:
    half_life = default().half_life_days
    later = DAY + dt.timedelta(days=half_life)
    assert pair(event(type="AID", date=DAY), as_of=later).score == pytest.approx(6.0 / 2, abs=1e-4)
    assert pair(event(type="AID", date=DAY), as_of=DAY).score == 6.0


def test_live_rows_decay_relative_to_their_own_newest_fact() -> None:
    old = event(type="ASSAULT", date=DAY)
    new = report("a2", DAY + dt.timedelta(days=default().half_life_days), type="AGREE")
    row = pair(old, new)
    assert row.as_of is None and row.last == new.date
    assert row.score == pytest.approx(-10 / 2 + 4, abs=1e-4)


def test_reports_of_one_event_in_several_articles_count_once_with_more_weight() -> None:
    items = [report(f"a{number}", DAY + dt.timedelta(days=number % 2), type="AID") for number in range(4)]
    row = pair(*items)
    assert row.events == 4 and row.incidents == 1 and row.sources == 4
    assert row.counts == {"AID": 1}
    (relation,) = row.relations
    assert (relation.count, relation.sources, relation.first, relation.last) == (
        1,
        4,
        DAY,
        DAY + dt.timedelta(1),
    )
    one_day = 0.5 ** (1 / default().half_life_days)  # the incident is a day older than the newest report
    assert row.score == pytest.approx(6.0 * math.sqrt(4) * one_day, abs=1e-3)


def test_reports_originating_from_one_outlet_are_one_source_however_many_articles() -> None:
    """A wire story carried by three papers and one report of the wire's own: two sources, four reports."""
    wire = [report(f"paper{n}", DAY, type="AID", outlet="reuters") for n in range(3)]
    own = report("a9", DAY, type="AID", outlet="bbc.co.uk")
    row = pair(*wire, own)
    assert (row.events, row.incidents, row.sources, row.reports) == (4, 1, 2, 4)
    (relation,) = row.relations
    assert (relation.sources, relation.reports) == (2, 4)
    (strongest,) = row.strongest
    assert (strongest.sources, strongest.reports) == (2, 4)
    assert row.score == pytest.approx(6.0 * math.sqrt(2), abs=1e-3)
    assert pair(*wire).score == pytest.approx(6.0, abs=1e-3)


def test_a_report_of_no_outlet_is_a_source_of_its_own() -> None:
    row = pair(report("a1", DAY, type="AID", outlet="reuters"), report("a2", DAY, type="AID"))
    assert (row.sources, row.reports) == (2, 2)


def test_one_article_repeating_an_event_is_one_source() -> None:
    items = [
        event(type="AID", date=DAY, evidence=Evidence(text=f"Aid, said {n}.", start=n, end=n + 5))
        for n in range(3)
    ]
    row = pair(*items)
    assert (row.events, row.incidents, row.sources) == (3, 1, 1)
    assert row.score == pytest.approx(6.0, abs=1e-3)


def test_the_corroboration_window_is_anchored_at_the_first_report() -> None:
    items = [report(f"a{n}", DAY + dt.timedelta(days=n), type="AID") for n in range(3)]
    assert pair(*items).incidents == 2
    assert pair(items[0], items[2]).incidents == 2


def test_a_report_leaving_the_zone_unknown_joins_one_that_names_it() -> None:
    items = [
        report("a1", DAY, type="CONSULT", zone="IDLIB"),
        report("a2", DAY, type="CONSULT", zone=None),
        report("a3", DAY, type="CONSULT", zone="AFRIN"),
    ]
    row = pair(*items)
    assert (row.incidents, row.sources) == (2, 3)
    assert pair(*items[:2]).incidents == 1


def test_a_planned_report_is_another_incident_than_an_asserted_one() -> None:
    items = [report("a1", DAY, type="CONSULT"), report("a2", DAY, type="CONSULT", modality="planned")]
    assert pair(*items).incidents == 2


def test_undated_reports_are_incidents_of_their_own() -> None:
    items = [report(f"a{n}", None, type="AID", reported=None) for n in range(2)]
    row = pair(*items)
    assert (row.incidents, row.first, row.last) == (2, None, None)
    assert row.score == pytest.approx(2 * 6.0 * default().undated, abs=1e-3)


def test_reports_without_a_date_group_by_their_articles_dates() -> None:
    items = [report(f"a{n}", None, type="AID", reported=DAY + dt.timedelta(days=n)) for n in range(2)]
    assert pair(*items).incidents == 1


@pytest.mark.parametrize(
    ("kinds", "stance"),
    [
        (["CONSULT"], "neutral"),
        (["AGREE"], "cooperative"),
        (["AID", "AID", "COOPERATE"], "allied"),
        (["ACCUSE", "REJECT"], "tense"),
        (["ASSAULT", "ASSAULT"], "hostile"),
    ],
)
def test_stance_follows_the_thresholds(kinds: list[str], stance: str) -> None:
    row = pair(*(report(f"a{n}", DAY + dt.timedelta(days=3 * n), type=kind) for n, kind in enumerate(kinds)))
    assert row.stance == stance


def test_relations_keep_direction_dates_and_counts() -> None:
    row = pair(
        report("a1", DAY, type="SUPPORT", source="RUS", target="SYR"),
        report("a2", DAY + dt.timedelta(days=10), type="SUPPORT", source="RUS", target="SYR"),
        report("a3", DAY + dt.timedelta(days=5), type="ASSAULT", source="SYR", target="RUS"),
    )
    summary = {(rel.source, rel.target, rel.type): (rel.count, rel.first, rel.last) for rel in row.relations}
    assert summary == {
        ("RUS", "SYR", "SUPPORT"): (2, DAY, DAY + dt.timedelta(days=10)),
        ("SYR", "RUS", "ASSAULT"): (1, DAY + dt.timedelta(days=5), DAY + dt.timedelta(days=5)),
    }
    assert (row.a, row.b, row.first, row.last) == ("RUS", "SYR", DAY, DAY + dt.timedelta(days=10))


def test_strongest_evidence_is_the_heaviest_incident() -> None:
    row = pair(
        report("a1", DAY, type="CONSULT"), report("a2", DAY, type="ASSAULT"), report("a3", DAY, type="AGREE")
    )
    assert [item.type for item in row.strongest] == ["ASSAULT", "AGREE", "CONSULT"]
    assert row.strongest[0].evidence == "a2 reports it." and row.strongest[0].weight == -10.0


def test_scoring_comes_from_the_yaml_file(tmp_path: Path) -> None:
    data = yaml.safe_load(SCORING_FILE.read_text(encoding="utf-8"))
    data["weights"]["AID"] = 9.5
    data["decay"]["half_life_days"] = 30
    path = tmp_path / "scoring.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    scoring = load(path)
    assert scoring.weights[PloverType.AID] == 9.5 and scoring.half_life_days == 30
    del data["weights"]["AID"]
    with pytest.raises(ValueError, match="AID"):
        Scoring.from_dict(data)


def test_stance_follows_tone_as_well_as_score() -> None:
    clash = report("a1", DAY, type="ASSAULT", source="TUR", target="YPG")
    assert pair(clash).stance == "hostile"
    accusation = report("a1", DAY, type="ACCUSE", source="TUR", target="YPG")
    assert pair(accusation).stance == "tense"
    talks = report("a2", DAY, type="CONSULT", source="TUR", target="YPG")
    assert pair(talks).stance == "neutral"
    aid = report("a3", DAY, type="AID", source="TUR", target="YPG")
    assert pair(aid).stance == "cooperative"
    assert pair(clash, aid, report("a4", DAY, type="AGREE", source="TUR", target="YPG")).stance == "neutral"


@given(
    st.one_of(
        st.floats(allow_nan=False),
        st.integers(-(10**9), 10**9).map(lambda whole: (whole + 0.5) / 10**PLACES),  # halves
        st.floats(-100, 100).map(lambda value: round(value, PLACES)),  # already rounded
    )
)
def test_shares_are_rounded_exactly_as_round_does(value: float) -> None:
    assert math.copysign(1, rounded(value)) == math.copysign(1, round(value, PLACES))
    assert rounded(value) == round(value, PLACES)
