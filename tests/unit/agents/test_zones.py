"""Zone rows: guarantors, deployments, control, the status timeline and the kind of zone."""

from __future__ import annotations

import datetime as dt

from agents import reduce
from schemas import Event, Evidence
from schemas.state import ZoneState
from tests.support.factories import DAY, event


def on(day: int, kind: str, source: str, target: str | None = None, **fields: object) -> Event:
    """A report in IDLIB ``day`` days after DAY, with a sentence of its own."""
    text = str(fields.pop("text", f"{source} {kind} on day {day}."))
    return event(
        article_id=f"a{day}",
        type=kind,
        source=source,
        target=target,
        zone="IDLIB",
        date=DAY + dt.timedelta(days=day),
        evidence=Evidence(text=text, start=0, end=len(text)),
        **fields,
    )


def zone(*items: Event, as_of: dt.date | None = None) -> ZoneState:
    row = reduce.fold(items, as_of)["zones"]["IDLIB"]
    assert isinstance(row, ZoneState)
    return row


def test_parties_are_both_sides_of_every_agreement_about_the_zone() -> None:
    row = zone(on(0, "AGREE", "RUS", "TUR"), on(1, "AGREE", "IRN", "TUR"), on(2, "ASSAULT", "SYR", "SYR_OPP"))
    assert row.parties == ("IRN", "RUS", "TUR")


def test_forces_stay_deployed_until_a_later_withdrawal() -> None:
    assert zone(on(0, "MOBILIZE", "TUR"), on(5, "RETREAT", "TUR")).deployed == ()
    assert zone(on(0, "RETREAT", "TUR"), on(5, "MOBILIZE", "TUR")).deployed == ("TUR",)
    assert zone(on(0, "MOBILIZE", "TUR"), on(1, "MOBILIZE", "RUS"), on(5, "RETREAT", "RUS")).deployed == (
        "TUR",
    )


def test_planned_reports_neither_deploy_nor_seize_nor_move_the_status() -> None:
    row = zone(
        on(0, "MOBILIZE", "TUR", modality="planned"), on(1, "COERCE", "SYR", "SYR_OPP", modality="planned")
    )
    assert (row.deployed, row.controlled_by, row.timeline, row.status) == ((), (), (), "reported")


def test_the_newest_seizure_decides_who_holds_the_zone() -> None:
    first = [on(0, "COERCE", "TUR", "YPG"), on(1, "COERCE", "SYR_OPP", "YPG")]
    assert zone(*first).controlled_by == ("SYR_OPP", "TUR")
    assert zone(*first, on(30, "COERCE", "SYR", "SYR_OPP")).controlled_by == ("SYR",)
    assert zone(*first, on(40, "RETREAT", "TUR")).controlled_by == ("SYR_OPP",)


def test_the_timeline_merges_runs_of_one_status() -> None:
    row = zone(
        on(0, "ASSAULT", "TUR", "YPG"),
        on(3, "ASSAULT", "SYR_OPP", "YPG"),
        on(9, "COERCE", "TUR", "YPG"),
        on(9, "COERCE", "SYR_OPP", "YPG"),
    )
    steps = [(step.status, step.date, step.until, step.actors, step.events) for step in row.timeline]
    assert steps == [
        ("under offensive", DAY, DAY + dt.timedelta(days=3), ("SYR_OPP", "TUR"), 2),
        ("seized", DAY + dt.timedelta(days=9), DAY + dt.timedelta(days=9), ("SYR_OPP", "TUR"), 2),
    ]
    assert (row.status, row.since) == ("seized", DAY + dt.timedelta(days=9))
    assert [(rel.source, rel.count) for rel in row.hostilities] == [("SYR_OPP", 1), ("TUR", 1)]


def test_a_seizure_on_the_day_of_fighting_comes_after_it() -> None:
    row = zone(on(4, "COERCE", "TUR", "YPG"), on(4, "ASSAULT", "TUR", "YPG"))
    assert [step.status for step in row.timeline] == ["under offensive", "seized"]


def test_an_agreement_shows_as_the_kind_of_zone_the_evidence_names() -> None:
    row = zone(on(0, "AGREE", "RUS", "TUR", text="They set up a de-escalation zone in Idlib."))
    assert (row.kind, row.status, row.since) == ("de-escalation", "de-escalation", DAY)
    renamed = zone(
        on(0, "AGREE", "RUS", "TUR", text="They set up a de-escalation zone in Idlib."),
        on(9, "AGREE", "RUS", "TUR", text="They agreed on a demilitarized zone around Idlib."),
    )
    assert renamed.kind == renamed.status == "demilitarised"
    assert zone(on(0, "AGREE", "RUS", "TUR")).status == "agreed"


def test_background_without_a_date_names_parties_but_places_no_step() -> None:
    row = zone(event(type="AGREE", zone="IDLIB", modality="historical", reported=DAY))
    assert row.parties == ("RUS", "TUR") and row.timeline == () and row.status == "reported"


def test_as_of_shows_the_zone_as_it_was() -> None:
    items = [on(0, "ASSAULT", "TUR", "YPG"), on(9, "COERCE", "TUR", "YPG")]
    earlier = zone(*items, as_of=DAY + dt.timedelta(days=5))
    assert (earlier.status, earlier.controlled_by, earlier.as_of) == (
        "under offensive",
        (),
        DAY + dt.timedelta(5),
    )


def test_fighting_reported_just_after_a_seizure_belongs_to_it() -> None:
    seizure = on(3, "COERCE", "SYR_OPP", "YPG")
    row = zone(seizure, on(4, "ASSAULT", "SYR_OPP", "YPG"))
    assert [(step.status, step.events, step.until) for step in row.timeline] == [
        ("seized", 2, DAY + dt.timedelta(days=4))
    ]
    assert reduce.why(row)["facts"][1]["role"] == {"kind": "hostility", "step": "seized"}
    later = zone(seizure, on(6, "ASSAULT", "YPG", "SYR_OPP"))
    assert [step.status for step in later.timeline] == ["seized", "under offensive"]


def test_a_zone_counts_the_outlets_of_its_reports_apart_from_its_articles() -> None:
    def clash(article: str, outlet: str) -> Event:
        text = f"Clash told by {article}."
        return event(
            article_id=article, type="ASSAULT", source="SYR", target="SYR_OPP", zone="IDLIB", date=DAY,
            evidence=Evidence(text=text, start=0, end=len(text)), outlet=outlet,
        )  # fmt: skip

    row = zone(*(clash(f"paper{n}", "reuters") for n in range(3)), clash("own", "bbc.co.uk"))
    assert (row.events, row.incidents, row.sources, row.reports) == (4, 1, 2, 4)
    (hostility,) = row.hostilities
    assert (hostility.sources, hostility.reports) == (2, 4)
