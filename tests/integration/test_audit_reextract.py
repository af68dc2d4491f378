"""Re-extraction into a side projection: the diff it reports, the live state it leaves alone, promotion."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agents import reduce
from agents.extract import load_extractor
from schemas import PloverType
from streams import topics
from streams.config import Settings
from streams.reextract import PromoteError, diff, project, promote
from streams.runtime.embedded import EmbeddedRuntime
from tests.e2e.cli import seed_lines
from tests.support.embedded import Revising, WithoutAssaults, article, seed_revisions


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[EmbeddedRuntime]:
    """The seeds through the real extractor."""
    with EmbeddedRuntime(tmp_path, Settings(home=tmp_path), extractor=load_extractor()) as opened:
        opened.publish_articles((f"seeds:{n}", line) for n, line in enumerate(seed_lines()))
        opened.run_until_idle()
        yield opened


def live(runtime: EmbeddedRuntime) -> str:
    return reduce.digest(
        {table: {reduce.rows.key_of(r): r for r in runtime.state(table)} for table in reduce.tables.names()}
    )


def test_the_same_extractor_reports_no_change_and_promotes_nothing(runtime: EmbeddedRuntime) -> None:
    ends = {topic: runtime.log.end(topic) for topic in topics.ALL}

    projection = project(runtime, "same")
    report = diff(projection)

    assert report["rows"] == [] and report["differs"] is False
    assert report["events"]["added"] == report["events"]["removed"] == 0
    assert promote(runtime, projection) == 0
    assert {topic: runtime.log.end(topic) for topic in topics.ALL} == ends


def test_a_new_extractor_reports_rows_and_causes_then_promotes(
    runtime: EmbeddedRuntime, tmp_path: Path
) -> None:
    before = live(runtime)
    assaults = {event.id for event in runtime.events() if event.type is PloverType.ASSAULT}
    changes_end = runtime.log.end(topics.CHANGES)

    projection = project(runtime, "v-next", WithoutAssaults(load_extractor()))
    report = diff(projection)

    assert projection.path == tmp_path / "projections" / "v-next" and (projection.path / "log.db").exists()
    assert report["extractor"] == "no-assaults/1" and report["events"]["removed"] == len(assaults) > 0
    by_key = {(row["table"], row["key"]): row for row in report["rows"]}
    pair = by_key[("alliances", "RUS|TUR")]
    assert pair["change"] == "changed" and pair["events_added"] == []
    assert [event["type"] for event in pair["events_removed"]] == ["ASSAULT"]
    assert pair["before"]["score"] < pair["after"]["score"]
    gone = [row for row in report["rows"] if row["change"] == "removed"]
    assert gone and all({e["type"] for e in row["events_removed"]} == {"ASSAULT"} for row in gone)
    assert {e["id"] for row in report["rows"] for e in row["events_removed"]} == assaults
    assert live(runtime) == before  # nothing touched yet

    published = promote(runtime, projection)

    assert published == len(report["rows"])
    assert live(runtime) == reduce.digest(projection.tables) != before
    assert not any(event.type is PloverType.ASSAULT for event in runtime.events())
    assert reduce.digest(reduce.fold(runtime.events())) == live(runtime)  # replay agrees
    changes = [change for _, change in runtime.changes(changes_end - 1)]
    assert {(change.table, change.key) for change in changes} == set(by_key)
    assert all(change.ingested_at is not None for change in changes)
    assert runtime.run_until_idle().changes == 0  # the promoted block is not reduced again
    assert promote(runtime, project(runtime, "v-next", WithoutAssaults(load_extractor()))) == 0


def test_a_revised_extraction_names_each_field_that_changed_and_each_row_before_and_after(
    runtime: EmbeddedRuntime,
) -> None:
    live_events = runtime.events()
    [mobilised] = [e for e in live_events if e.type is PloverType.MOBILIZE and e.source == "USA"]

    report = diff(project(runtime, "revised", Revising(load_extractor(), seed_revisions)))

    assert report["extractor"] == "revising/1"
    counts = report["events"]
    assert (counts["added"], counts["removed"], counts["revised"]) == (0, 0, 4)
    assert counts["restamped"] == len(live_events) - 4  # every other event: only the version differs
    by_change = {
        tuple((item["field"], item["before"], item["after"]) for item in revision["differences"]): revision
        for revision in report["revisions"]
    }
    assert set(by_change) == {
        (("target", "SYR", "IRN"),),
        (("type", "CONSULT", "COOPERATE"),),
        (("date", "2018-02-09", "2018-02-10"),),
        (("confidence", mobilised.confidence, 0.25),),
    }
    retargeted = by_change[(("target", "SYR", "IRN"),)]
    assert retargeted["direction"] == "ISR→IRN" and retargeted["was"] != retargeted["id"]
    assert retargeted["was"] in {event.id for event in live_events}
    doubted = by_change[(("confidence", mobilised.confidence, 0.25),)]
    assert doubted["was"] == doubted["id"] == mobilised.id  # the same event, read with another confidence

    rows = {(row["table"], row["key"]): row for row in report["rows"]}
    gone, new = rows[("alliances", "ISR|SYR")], rows[("alliances", "IRN|ISR")]
    assert (gone["change"], gone["before"]["stance"], gone["before"]["events"], gone["after"]) == (
        "removed",
        "tense",
        1,
        None,
    )
    assert (new["change"], new["before"], new["after"]["stance"]) == ("added", None, "tense")
    assert gone["events_revised"] == new["events_revised"] == [retargeted]
    assert gone["events_removed"] == new["events_added"] == []
    talks = rows[("alliances", "IRN|TUR")]
    assert talks["change"] == "changed" and talks["events_revised"] == [
        by_change[(("type", "CONSULT", "COOPERATE"),)]
    ]
    score = next(item for item in talks["differences"] if item["field"] == "score")
    assert score == {"field": "score", "before": talks["before"]["score"], "after": talks["after"]["score"]}
    assert score["before"] < score["after"]
    assert all(item["before"] != item["after"] for row in rows.values() for item in row["differences"])


def test_promotion_is_refused_while_input_is_waiting(runtime: EmbeddedRuntime) -> None:
    projection = project(runtime, "v-next", WithoutAssaults(load_extractor()))
    runtime.publish_articles([("late:1", article("late-1", "Nothing of note happened."))])
    before = live(runtime)

    with pytest.raises(PromoteError, match="changed since"):
        promote(runtime, projection)

    assert live(runtime) == before
    with pytest.raises(ValueError, match="bad projection label"):
        project(runtime, "../escape")
