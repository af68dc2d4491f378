"""The whole pipeline through the ``entente`` command, as a user runs it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import orjson

from tests.e2e.cli import SEEDS, Cli, run_cli, seed_lines

COOPERATIVE = {"allied", "cooperative"}


def state(cli: Cli, table: str, *extra: str) -> list[dict[str, Any]]:
    return orjson.loads(cli("state", table, "--json", *extra).stdout)


def pair(alliances: list[dict[str, Any]], a: str, b: str) -> dict[str, Any]:
    first, second = sorted((a, b))
    [row] = [row for row in alliances if (row["a"], row["b"]) == (first, second)]
    return row


def zone(zones: list[dict[str, Any]], zone_id: str) -> dict[str, Any]:
    [row] = [row for row in zones if row["zone"] == zone_id]
    return row


def directed(row: dict[str, Any], source: str, target: str) -> set[str]:
    return {r["type"] for r in row["relations"] if (r["source"], r["target"]) == (source, target)}


def test_demo_shows_the_seed_alliances_and_zones(cli: Cli) -> None:
    out = cli("demo").stdout.decode()
    assert "Alliances" in out and "Zones" in out and "Events" in out
    alliances, zones = state(cli, "alliances"), state(cli, "zones")
    for a, b in (("RUS", "TUR"), ("RUS", "IRN"), ("TUR", "IRN")):
        assert pair(alliances, a, b)["stance"] in COOPERATIVE, (a, b)
    for backer in ("RUS", "IRN"):
        assert directed(pair(alliances, backer, "SYR"), backer, "SYR") & {"SUPPORT", "AID"}, backer
    tur_ypg = pair(alliances, "TUR", "YPG")
    assert tur_ypg["stance"] == "hostile"
    assert directed(tur_ypg, "TUR", "YPG") & {"ASSAULT", "COERCE", "THREATEN"}
    idlib = zone(zones, "IDLIB")
    assert {"RUS", "TUR", "IRN"} <= set(idlib["parties"])
    assert "TUR" in idlib["deployed"]
    afrin = zone(zones, "AFRIN")
    assert any(h["source"] == "TUR" for h in afrin["hostilities"]), afrin


def test_demo_twice_changes_nothing(cli: Cli) -> None:
    cli("demo")
    before = cli("state", "--json").stdout
    cli("demo")
    assert cli("state", "--json").stdout == before


def test_reverse_order_gives_byte_identical_state(tmp_path: Path) -> None:
    """The seeds run at once, and run one article a run in reverse order (each run growing the rows
    the one before stored)."""
    run_cli(tmp_path / "forward", "run", str(SEEDS))
    for number, line in enumerate(seed_lines()[::-1]):
        path = tmp_path / f"reverse-{number}.jsonl"
        path.write_bytes(line + b"\n")
        run_cli(tmp_path / "reverse", "run", str(path))
    outputs = [run_cli(tmp_path / name, "state", "--json").stdout for name in ("forward", "reverse")]
    assert outputs[0] == outputs[1]
    assert orjson.loads(outputs[0])["alliances"]


def test_replay_verifies_and_as_of_hides_later_facts(cli: Cli) -> None:
    cli("run", str(SEEDS))
    verdict = orjson.loads(cli("replay", "--verify", "--json").stdout)
    assert verdict["equal"] is True and verdict["replayed"] == verdict["live"]
    assert b"replay equal" in cli("replay", "--verify").stdout
    cutoff = dt.date(2017, 12, 31)
    early = orjson.loads(cli("replay", "--as-of", str(cutoff), "--json").stdout)
    later = orjson.loads(cli("state", "--json").stdout)
    assert early["alliances"] and len(early["alliances"]) < len(later["alliances"])
    for row in early["alliances"] + early["zones"]:
        assert row["last"] is None or dt.date.fromisoformat(row["last"]) <= cutoff, row
    assert (
        orjson.loads(cli("state", "alliances", "--as-of", str(cutoff), "--json").stdout) == early["alliances"]
    )


def test_bad_inputs_are_named_rejected_and_the_rest_processed(cli: Cli, tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_bytes(seed_lines()[0] + b"\n{broken\n" + b'{"id": "x", "text": 7}\n')
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    done = cli("run", str(batch), str(binary), check=False)
    assert done.returncode == 1
    errors = done.stderr.decode().splitlines()
    assert f"rejected input={batch}:2 reason=malformed JSON" in "\n".join(errors)
    assert f"rejected input={batch}:3 reason=schema violation: text" in "\n".join(errors)
    assert f"rejected input={binary} reason=binary content" in "\n".join(errors)
    assert b"published 1" in done.stdout
    assert state(cli, "alliances")
    again = cli("ingest", str(batch), "--json", check=False)
    assert orjson.loads(again.stdout)["duplicates"] == 1


def test_stdin_ingest_and_status(cli: Cli) -> None:
    summary = orjson.loads(cli("ingest", "-", "--json", stdin=seed_lines()[1] + b"\n").stdout)
    assert summary["published"] == 1
    status = orjson.loads(cli("status", "--json").stdout)
    assert status["topics"]["articles.raw"] == 1 and status["lag"]["extract"] == 1


def test_extract_writes_event_json_lines(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    cli("extract", "--input", str(SEEDS), "--output", str(out))
    events = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert events
    for event in events:
        assert {
            "article_id",
            "type",
            "source",
            "target",
            "zone",
            "date",
            "modality",
            "evidence",
        } <= event.keys()


def test_extract_output_holds_exactly_the_events_of_this_run(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    out.write_bytes(b'{"stale": 1}\n' * 50)
    quiet = tmp_path / "quiet.jsonl"
    quiet.write_bytes(b'{"id": "quiet", "text": "Nothing of note happened today."}\n')
    cli("extract", "--input", str(quiet), "--output", str(out))
    assert out.read_bytes() == b""
    cli("extract", "--input", str(SEEDS), "--output", str(out))
    first = out.read_bytes()
    cli("extract", "--input", str(SEEDS), "--output", str(out))
    assert out.read_bytes() == first and b"stale" not in first
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_help_names_the_environment_variables(cli: Cli) -> None:
    for command in ("ingest", "state", "worker", "replay"):
        text = cli(command, "--help").stdout.decode()
        assert "ENTENTE_HOME" in text, command
    assert "ENTENTE_BROKER" in cli("ingest", "--help").stdout.decode()


def test_a_50_mb_file_is_rejected_without_stopping_the_batch(cli: Cli, tmp_path: Path) -> None:
    huge_text, huge_line = tmp_path / "huge.txt", tmp_path / "huge.jsonl"
    with huge_text.open("wb") as out:
        out.write(b"Headline\n" + b"Ankara and Moscow held talks. " * (50 * 1024 * 1024 // 30))
    huge_line.write_bytes(
        b'{"id": "big", "text": "' + b"x" * (50 * 1024 * 1024) + b'"}\n' + seed_lines()[2] + b"\n"
    )
    done = cli("ingest", str(huge_text), str(huge_line), "--json", check=False)
    assert done.returncode == 1
    summary = orjson.loads(done.stdout)
    assert (summary["published"], summary["rejected"]) == (1, 2)
    assert f"rejected input={huge_text} reason=too large" in done.stderr.decode()
    assert f"rejected input={huge_line}:1 reason=too large" in done.stderr.decode()
