"""The audit of state rows on the embedded log: why (indexed, paged, as of a day) and known-at replays."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from agents import reduce
from agents.extract import load_extractor
from streams.audit import why
from streams.audit_index import AuditIndex
from streams.config import Settings
from streams.log import LOG_FILE
from streams.runtime.embedded import EmbeddedRuntime
from tests.e2e.cli import seed_lines
from tests.support.embedded import LineExtractor, article

LATE = "002_bc2cc754a9f77412"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmbeddedRuntime, dt.datetime]]:
    """The seeds through the real extractor, :data:`LATE` a moment after the rest; and a time in between."""
    data_dir = tmp_path_factory.mktemp("seeded")
    lines = seed_lines()
    with EmbeddedRuntime(data_dir, Settings(home=data_dir), extractor=load_extractor()) as runtime:
        runtime.publish_articles(
            (f"seeds:{n}", line) for n, line in enumerate(lines) if LATE not in line.decode()
        )
        runtime.run_until_idle()
        time.sleep(0.02)
        between = dt.datetime.now(dt.UTC)
        time.sleep(0.02)
        runtime.publish_articles(
            (f"seeds:{n}", line) for n, line in enumerate(lines) if LATE in line.decode()
        )
        runtime.run_until_idle()
        yield runtime, between


def test_why_lists_every_fact_with_its_article_and_adds_up(
    seeded: tuple[EmbeddedRuntime, dt.datetime],
) -> None:
    runtime, _ = seeded
    row = runtime.row("alliances", "RUS|TUR")
    assert row is not None

    audit = why(runtime, "alliances", "RUS|TUR", limit=None)

    assert audit is not None and audit["score"] == row.score and audit["facts_total"] == len(row.facts)
    assert sum(item["contribution"] for item in audit["facts"]) == pytest.approx(row.score, abs=1e-3)
    assert audit["rest"] == {"facts": 0, "contribution": pytest.approx(0.0, abs=1e-3)}
    titles = {item.id: item.title for item in runtime.articles()}
    assert all(item["article"]["title"] == titles[item["article_id"]] for item in audit["facts"])


def test_why_pages_are_served_from_the_index_and_keep_the_total(
    seeded: tuple[EmbeddedRuntime, dt.datetime],
) -> None:
    runtime, _ = seeded
    first = why(runtime, "alliances", "IRN|TUR", limit=4)
    again = why(runtime, "alliances", "IRN|TUR", limit=4)
    full = why(runtime, "alliances", "IRN|TUR", limit=None)
    assert first is not None and full is not None

    version = runtime.log.state_version("alliances", "IRN|TUR")
    held = None if version is None else AuditIndex(runtime.log).lookup("alliances", "IRN|TUR", version, 4)
    assert held is not None and held["listed"] == 4
    assert sorted(path.name for path in runtime.log.path.parent.glob("*.db")) == [LOG_FILE]
    assert again == first
    assert first["facts"] == full["facts"][:4] and first["listed"] == 4
    assert first["listed_contribution"] + first["rest"]["contribution"] == pytest.approx(
        first["score"], abs=1e-4
    )
    contributions = [abs(item["contribution"]) for item in full["facts"]]
    assert contributions == sorted(contributions, reverse=True)
    assert why(runtime, "alliances", "IRN|NOPE") is None and why(runtime, "zones", "NOWHERE") is None


def test_the_first_question_indexes_the_row_it_answers(seeded: tuple[EmbeddedRuntime, dt.datetime]) -> None:
    runtime, _ = seeded
    index = AuditIndex(runtime.log)
    for row in runtime.state("alliances"):
        key = reduce.rows.key_of(row)
        version = runtime.log.state_version("alliances", key)
        assert version is not None
        why(runtime, "alliances", key, limit=3)
        held = index.lookup("alliances", key, version, 3)
        assert held is not None and held["facts_total"] == len(row.facts)
        assert held["facts"] == reduce.ranked(reduce.why(row)["facts"], "alliances")[:3]


def test_stored_rows_assemble_to_the_rows_their_events_fold_into(
    seeded: tuple[EmbeddedRuntime, dt.datetime],
) -> None:
    runtime, _ = seeded
    folded = reduce.fold(runtime.events())
    for table in ("alliances", "zones"):
        assert {reduce.rows.key_of(row): row for row in runtime.state(table)} == folded[table]
        for key, row in folded[table].items():
            assert runtime.row(table, key) == row
            summary = runtime.log.get_state(table, key)
            assert summary is not None and orjson.loads(summary)["facts"] == []


def test_why_as_of_a_day_equals_the_replay_as_of_it(seeded: tuple[EmbeddedRuntime, dt.datetime]) -> None:
    runtime, _ = seeded
    day = dt.date(2018, 3, 1)
    replayed = reduce.fold(runtime.events(), as_of=day)["alliances"]["RUS|TUR"]

    audit = why(runtime, "alliances", "RUS|TUR", as_of=day, limit=None)

    expected = reduce.why(replayed)
    assert audit is not None and (audit["score"], audit["stance"]) == (expected["score"], expected["stance"])
    assert {item["event_id"] for item in audit["facts"]} == {item["event_id"] for item in expected["facts"]}
    assert all(item["date"] <= day.isoformat() for item in audit["facts"])
    assert why(runtime, "alliances", "RUS|TUR", as_of=dt.date(2000, 1, 1)) is None


def test_known_at_leaves_out_what_was_ingested_later(seeded: tuple[EmbeddedRuntime, dt.datetime]) -> None:
    runtime, between = seeded

    then = runtime.events_known_at(between)

    assert then and LATE not in {event.article_id for event in then}
    assert len(runtime.events_known_at(dt.datetime.now(dt.UTC))) == len(runtime.events())
    assert runtime.events_known_at(between - dt.timedelta(days=1)) == []


def test_a_changed_row_is_explained_anew(tmp_path: Path) -> None:
    with EmbeddedRuntime(tmp_path, Settings(home=tmp_path), extractor=LineExtractor()) as runtime:
        runtime.publish_articles([("a:1", article("a1", "RUS AID SYR"))])
        runtime.run_until_idle()
        before = why(runtime, "alliances", "RUS|SYR")
        runtime.publish_articles([("a:2", article("a2", "RUS ASSAULT SYR"))])
        runtime.run_until_idle()

        after = why(runtime, "alliances", "RUS|SYR")

    assert before is not None and after is not None
    assert (before["facts_total"], after["facts_total"]) == (1, 2)
    assert after["score"] == pytest.approx(sum(item["contribution"] for item in after["facts"]), abs=1e-4)
