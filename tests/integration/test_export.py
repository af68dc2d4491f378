"""Exports of the live events and tables: they parse back and carry the documented columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from agents import reduce
from streams.config import Settings
from streams.export import GDELT_COLUMNS, QUAD_CLASS, export
from streams.runtime.embedded import EmbeddedRuntime
from tests.support.embedded import LineExtractor, article


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[EmbeddedRuntime]:
    """Two articles reporting one assault (one incident, two sources), one an aid, and a zone."""
    with EmbeddedRuntime(tmp_path, Settings(home=tmp_path), extractor=LineExtractor()) as opened:
        opened.publish_articles(
            [
                ("a:1", article("a1", "RUS ASSAULT UKR Z-EAST", "USA AID UKR")),
                ("a:2", article("a2", "RUS ASSAULT UKR Z-EAST")),
            ]
        )
        opened.run_until_idle()
        yield opened


def written(runtime: EmbeddedRuntime, kind: str, fmt: str) -> str:
    out = io.StringIO()
    export(runtime, kind, fmt, out)
    return out.getvalue()


def test_jsonl_exports_are_the_events_and_views(runtime: EmbeddedRuntime) -> None:
    events = [orjson.loads(line) for line in written(runtime, "events", "jsonl").splitlines()]
    zones = [orjson.loads(line) for line in written(runtime, "zones", "jsonl").splitlines()]

    assert events == [event.model_dump(mode="json") for event in runtime.events()]
    assert zones == [reduce.view(row) for row in runtime.state("zones")]


def test_csv_exports_flatten_lists(runtime: EmbeddedRuntime) -> None:
    events = list(csv.DictReader(io.StringIO(written(runtime, "events", "csv"))))
    alliances = list(csv.DictReader(io.StringIO(written(runtime, "alliances", "csv"))))

    assert [row["id"] for row in events] == [event.id for event in runtime.events()]
    assert events[0]["evidence"] == "RUS ASSAULT UKR Z-EAST" and events[0]["evidence_start"] == "0"
    pair = next(row for row in alliances if (row["a"], row["b"]) == ("RUS", "UKR"))
    assert pair["counts"] == "ASSAULT=1" and pair["events"] == "2"
    assert [orjson.loads(part)["type"] for part in pair["relations"].split(";")] == ["ASSAULT"]


def test_gdelt_layout_counts_the_sources_of_an_incident(runtime: EmbeddedRuntime) -> None:
    rows = list(csv.DictReader(io.StringIO(written(runtime, "events", "gdelt"))))

    assert tuple(rows[0]) == GDELT_COLUMNS
    assault = [row for row in rows if row["EventCode"] == "ASSAULT"]
    assert len(assault) == 2 and {row["NumSources"] for row in assault} == {"2"}
    assert {(r["Actor1Code"], r["Actor2Code"], r["Zone"], r["QuadClass"]) for r in assault} == {
        ("RUS", "UKR", "Z-EAST", "4")
    }
    [aid] = [row for row in rows if row["EventCode"] == "AID"]
    assert (aid["QuadClassName"], aid["GoldsteinScale"], aid["NumSources"]) == (
        "material cooperation",
        "6.0",
        "1",
    )
    assert aid["SQLDATE"] == "20260105"
    assert set(QUAD_CLASS.values()) == {1, 2, 3, 4}
    with pytest.raises(ValueError, match="cannot export"):
        written(runtime, "zones", "gdelt")
