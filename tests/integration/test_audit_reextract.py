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
from tests.support.embedded import WithoutAssaults, article


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


def test_promotion_is_refused_while_input_is_waiting(runtime: EmbeddedRuntime) -> None:
    projection = project(runtime, "v-next", WithoutAssaults(load_extractor()))
    runtime.publish_articles([("late:1", article("late-1", "Nothing of note happened."))])
    before = live(runtime)

    with pytest.raises(PromoteError, match="changed since"):
        promote(runtime, projection)

    assert live(runtime) == before
    with pytest.raises(ValueError, match="bad projection label"):
        project(runtime, "../escape")
