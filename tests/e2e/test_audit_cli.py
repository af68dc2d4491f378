"""Auditing the state through the ``entente`` command: why, --as-of, --known-at, reextract, export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import pyarrow.parquet as pq
import pytest

from agents.extract import load_extractor
from streams.config import Settings
from streams.export.acled import COLUMNS as ACLED_COLUMNS
from streams.export.cameo import goldstein_scale
from streams.export.gdelt import COLUMNS as GDELT_COLUMNS
from streams.export.parquet import MISSING
from streams.runtime.embedded import EmbeddedRuntime
from tests.e2e.cli import environment, run_cli, seed_lines
from tests.support.embedded import Revising, seed_revisions

LATE = "002_bc2cc754a9f77412"
"""The 2019 seed article, ingested last."""


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The seeds processed in two runs: all but :data:`LATE`, then (a moment later) :data:`LATE`.

    Returns the data dir and a time between the two runs.
    """
    root = tmp_path_factory.mktemp("audit")
    early, late = root / "early.jsonl", root / "late.jsonl"
    lines = seed_lines()
    early.write_bytes(b"\n".join(line for line in lines if LATE not in line.decode()) + b"\n")
    late.write_bytes(b"\n".join(line for line in lines if LATE in line.decode()) + b"\n")
    data = root / "home"
    run_cli(data, "run", str(early))
    time.sleep(0.05)
    between = dt.datetime.now(dt.UTC).isoformat()
    time.sleep(0.05)
    run_cli(data, "run", str(late))
    return data, between


def cli_json(home: tuple[Path, str], *args: str) -> Any:
    return orjson.loads(run_cli(home[0], *args, "--json").stdout)


def test_why_lists_events_whose_contributions_add_up_to_the_score(home: tuple[Path, str]) -> None:
    audit = cli_json(home, "why", "RUS", "TUR", "--limit", "0")
    [row] = [row for row in cli_json(home, "state", "alliances") if (row["a"], row["b"]) == ("RUS", "TUR")]

    assert audit["score"] == row["score"] and audit["stance"] == row["stance"]
    assert audit["listed"] == audit["facts_total"] == row["events"]
    assert sum(item["contribution"] for item in audit["facts"]) == pytest.approx(audit["score"], abs=1e-3)
    seeds = {orjson.loads(line)["id"]: orjson.loads(line) for line in seed_lines()}
    for item in audit["facts"]:
        assert item["article_id"] in seeds and item["article"]["title"] == seeds[item["article_id"]]["title"]
        assert item["sentence"] in seeds[item["article_id"]]["text"]
        assert dt.date.fromisoformat(item["date"])


@pytest.mark.parametrize(("a", "b", "day"), [("RUS", "SYR", "2017-11-20"), ("IRN", "RUS", "2017-11-21")])
def test_the_sochi_meetings_are_one_incident_each_with_two_sources(
    home: tuple[Path, str], a: str, b: str, day: str
) -> None:
    audit = cli_json(home, "why", a, b, "--limit", "0")
    meetings = [
        item
        for item in audit["facts"]
        if item["type"] == "CONSULT"
        and item["modality"] == "asserted"
        and item["date"] in (day, "2017-11-21")
    ]
    assert len({item["incident"] for item in meetings}) == 1
    assert {item["sources"] for item in meetings} == {2}
    assert {item["article_id"][:3] for item in meetings} == {"000", "001"}


def test_why_pages_keep_the_total(home: tuple[Path, str]) -> None:
    audit = cli_json(home, "why", "TUR", "RUS", "--limit", "3")

    contributions = [abs(item["contribution"]) for item in audit["facts"]]
    assert audit["listed"] == 3 and contributions == sorted(contributions, reverse=True)
    assert audit["listed_contribution"] + audit["rest"]["contribution"] == pytest.approx(
        audit["score"], abs=1e-3
    )


def test_why_explains_a_zone_and_rejects_unknown_rows(home: tuple[Path, str]) -> None:
    audit = cli_json(home, "why", "--zone", "IDLIB")
    assert audit["key"] == "IDLIB" and audit["facts"] and all("role" in item for item in audit["facts"])

    done = run_cli(home[0], "why", "RUS", "NOPE", check=False)
    assert done.returncode == 1 and done.stderr.decode() == "no pair NOPE|RUS in the alliances table\n"
    human = run_cli(home[0], "why", "RUS", "TUR").stdout.decode()
    assert "RUS|TUR" in human and "total" in human


def test_state_as_of_holds_nothing_later(home: tuple[Path, str]) -> None:
    tables = cli_json(home, "state", "--as-of", "2017-12-31")
    rows = tables["alliances"] + tables["zones"]
    assert rows
    assert all(row["last"] <= "2017-12-31" and row["as_of"] == "2017-12-31" for row in rows)


def test_state_known_at_shows_what_was_ingested_by_then(home: tuple[Path, str]) -> None:
    audit = cli_json(home, "why", "RUS", "TUR", "--limit", "0")
    assert LATE in {item["article_id"] for item in audit["facts"]}

    then = cli_json(home, "state", "alliances", "--known-at", home[1])
    [row] = [row for row in then if (row["a"], row["b"]) == ("RUS", "TUR")]
    assert row["last"] < "2019-01-01"


def test_reextract_with_the_same_extractor_changes_nothing(home: tuple[Path, str]) -> None:
    report = cli_json(home, "reextract", "--version", "same", "--promote")

    assert report["rows"] == [] and report["differs"] is False and report["promoted"] == 0
    assert report["events"]["live"] == report["events"]["projection"] > 0
    assert (home[0] / "projections" / "same").is_dir()


def test_reextract_names_what_changed_in_each_event_and_row(tmp_path: Path) -> None:
    data = tmp_path / "revised"
    revising = Revising(load_extractor(), seed_revisions)
    with EmbeddedRuntime(data, Settings(home=data), extractor=revising) as runtime:
        runtime.publish_articles((f"seeds:{n}", line) for n, line in enumerate(seed_lines()))
        runtime.run_until_idle()

    report = orjson.loads(run_cli(data, "reextract", "--version", "next", "--json").stdout)
    lines = run_cli(data, "reextract", "--version", "next").stdout.decode().splitlines()

    changes = {
        (item["field"], item["before"], item["after"])
        for revision in report["revisions"]
        for item in revision["differences"]
    }
    assert {("target", "IRN", "SYR"), ("type", "COOPERATE", "CONSULT")} <= changes
    assert ("date", "2018-02-10", "2018-02-09") in changes
    assert report["events"]["revised"] == 4 and report["events"]["restamped"] > 0
    assert lines[2] == f"projection: {data / 'projections' / 'next'}"
    assert max(len(line) for line in lines if line != lines[2]) <= 80
    counts = report["events"]
    assert lines[1] == f"events: {counts['live']} live, {counts['live']} in the projection: +0 -0 ~4, " + (
        f"{counts['restamped']} restamped"
    )
    assert {"        target: IRN → SYR", "        type: COOPERATE → CONSULT"} <= set(lines)
    assert "        date: 2018-02-10 → 2018-02-09" in lines
    talks = next(row for row in report["rows"] if row["key"] == "IRN|TUR")
    at = lines.index("  changed alliances[IRN|TUR]")
    before, after = talks["before"], talks["after"]
    assert lines[at + 1].startswith(
        f"    before: {before['stance']} {before['score']:+.4f}, {before['events']} events"
    )
    assert lines[at + 2].startswith(
        f"    after:  {after['stance']} {after['score']:+.4f}, {after['events']} events"
    )
    assert lines[at + 3].startswith("    ~ 2018-02-08 CONSULT IRN↔TUR [004_")
    assert lines[at + 4] == "        type: COOPERATE → CONSULT"
    assert "  removed alliances[IRN|ISR]" in lines and "  added alliances[ISR|SYR]" in lines


def test_exports_parse_back(home: tuple[Path, str]) -> None:
    events = [orjson.loads(line) for line in run_cli(home[0], "export", "events").stdout.splitlines()]
    alliances = list(
        csv.DictReader(
            io.StringIO(run_cli(home[0], "export", "alliances", "--format", "csv").stdout.decode())
        )
    )
    gdelt = pd.read_csv(
        io.BytesIO(run_cli(home[0], "export", "events", "--format", "gdelt").stdout),
        sep="\t",
        header=None,
        names=GDELT_COLUMNS,
        dtype=str,
        keep_default_na=False,
    )

    assert events and {"id", "article_id", "type", "evidence"} <= set(events[0])
    assert {row["a"] + "|" + row["b"] for row in alliances} >= {"RUS|TUR"}
    assert len(gdelt) == len(events)
    assert set(gdelt["EventCode"]) <= set(goldstein_scale())
    assert set(gdelt["QuadClass"]) <= {"1", "2", "3", "4"}
    assert sorted(gdelt["GLOBALEVENTID"].map(int)) == sorted(int(event["id"][:15], 16) for event in events)
    acled = home[0].parent / "events.acled.csv"
    run_cli(home[0], "export", "events", "--format", "acled", "--output", str(acled))
    assert tuple(pd.read_csv(acled).columns) == ACLED_COLUMNS
    parquet = home[0].parent / "events.parquet"
    run_cli(home[0], "export", "events", "--format", "parquet", "--output", str(parquet))
    assert pd.read_parquet(parquet)["id"].tolist() == [event["id"] for event in events]
    stdout = run_cli(home[0], "export", "alliances", "--format", "parquet").stdout
    assert pq.read_table(io.BytesIO(stdout)).num_rows == len(alliances)
    out = home[0].parent / "zones.csv"
    run_cli(home[0], "export", "zones", "--format", "csv", "--output", str(out))
    assert [row["zone"] for row in csv.DictReader(out.open(encoding="utf-8"))]


def test_parquet_without_pyarrow_is_one_line_naming_the_extra(home: tuple[Path, str]) -> None:
    script = "import sys; sys.modules['pyarrow'] = None; from streams.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", script, "export", "events", "--format", "parquet"],
        capture_output=True,
        env=environment(home[0]),
        timeout=300,
        check=False,
    )

    assert done.returncode == 1 and done.stdout == b""
    assert done.stderr.decode().splitlines() == [f"Error: {MISSING}"]
