"""Hostile inputs through the ``entente`` command: each is one named rejection; the rest goes on."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import orjson

from streams.export.gdelt import COLUMNS as GDELT_COLUMNS
from tests.e2e.cli import SEEDS, Cli, seed_lines

GOOD = b"Talks in Ankara\nRussia and Turkey signed an agreement on the Idlib de-escalation zone.\n"


def dead_letters(cli: Cli) -> int:
    return int(orjson.loads(cli("status", "--json").stdout)["topics"].get("articles.dlq", 0))


def stance(cli: Cli, a: str, b: str) -> str:
    rows: list[dict[str, Any]] = orjson.loads(cli("state", "alliances", "--json").stdout)
    [row] = [row for row in rows if (row["a"], row["b"]) == (a, b)]
    return str(row["stance"])


def test_a_published_date_after_the_time_of_ingest_or_before_1900_is_rejected(
    cli: Cli, tmp_path: Path
) -> None:
    cli("run", str(SEEDS))
    before = stance(cli, "RUS", "TUR")
    text = "Russia accused Turkey of attacks near Idlib."
    odd = tmp_path / "odd.jsonl"
    odd.write_bytes(
        orjson.dumps({"id": "future", "text": text, "published": "9999-12-31"})
        + b"\n"
        + orjson.dumps({"id": "ancient", "text": text, "published": "1066-10-14"})
        + b"\n"
    )
    done = cli("run", str(odd), check=False)
    assert done.returncode == 1
    errors = done.stderr.decode()
    assert f"rejected input={odd}:1 reason=published date 9999-12-31 is after the time of ingest" in errors
    assert f"rejected input={odd}:2 reason=published date 1066-10-14 is before 1900-01-01" in errors
    assert dead_letters(cli) == 2
    assert stance(cli, "RUS", "TUR") == before


def test_unreadable_and_invalid_inputs_are_dead_letters_and_the_good_ones_published(
    cli: Cli, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_bytes(GOOD)
    blank = tmp_path / "blank.txt"
    blank.write_text("\u3000\u00a0\u2028\n", encoding="utf-8")
    long_stem = tmp_path / ("a" * 210 + ".txt")
    long_stem.write_bytes(GOOD)
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "gone.txt")
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    missing = tmp_path / "missing.txt"
    bad = [blank, long_stem, folder, dangling, fifo, missing]
    done = cli("ingest", str(good), *map(str, bad), "--json", check=False)
    assert done.returncode == 1
    summary = orjson.loads(done.stdout)
    assert (summary["published"], summary["rejected"]) == (1, len(bad))
    lines = done.stderr.decode().splitlines()
    assert len(lines) == len(bad) and all(" reason=" in line for line in lines), lines
    for path in bad:
        assert any(line.startswith(f"rejected input={path} reason=") for line in lines), path
    assert "text is blank" in lines[0] and "at most 200 characters" in lines[1]
    assert dead_letters(cli) == len(bad)


def test_a_leading_bom_is_dropped_from_stdin_and_files(cli: Cli, tmp_path: Path) -> None:
    bom = "\ufeff".encode()
    piped = orjson.loads(cli("ingest", "-", "--json", stdin=bom + seed_lines()[0] + b"\n").stdout)
    assert (piped["published"], piped["rejected"]) == (1, 0)
    lines, text = tmp_path / "bom.jsonl", tmp_path / "bom.txt"
    lines.write_bytes(bom + seed_lines()[1] + b"\n")
    text.write_bytes(bom + GOOD)
    summary = orjson.loads(cli("ingest", str(lines), str(text), "--json").stdout)
    assert (summary["published"], summary["rejected"]) == (2, 0)
    # the article read through the BOM is the one without it
    assert orjson.loads(cli("ingest", "-", "--json", stdin=seed_lines()[0]).stdout)["duplicates"] == 1


HOSTILE_ID = '=HYPERLINK("http://x")'
HOSTILE = {
    "id": HOSTILE_ID,
    "title": "\x1b]0;pwned\x07Talks\r",
    "text": "Russia accused Turkey of attacks near Idlib.\x1b[2J\r\x9b31m",
    "published": "2020-01-05",
}
CONTROLS = ("\x1b", "\x07", "\r", "\x9b")


def hostile_home(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "hostile.jsonl"
    source.write_bytes(orjson.dumps(HOSTILE) + b"\n")
    cli("run", str(source))


def test_text_output_escapes_control_characters_of_articles(cli: Cli, tmp_path: Path) -> None:
    hostile_home(cli, tmp_path)
    named = tmp_path / "bad\x1b[2Jname.txt"
    named.write_bytes(b"\x00binary")
    outputs = {
        "why": cli("why", "RUS", "TUR").stdout.decode(),
        "state": cli("state").stdout.decode(),
        "subscribe": cli("subscribe", "--from-beginning", "--until-idle").stdout.decode(),
        "ingest": cli("ingest", str(named), check=False).stderr.decode(),
    }
    assert "\\x1b]0;pwne" in outputs["why"] and "\\x1b[2J" in outputs["why"], outputs["why"]
    assert "bad\\x1b[2Jname.txt" in outputs["ingest"]
    for command, text in outputs.items():
        assert not any(control in text for control in CONTROLS), (command, text)
    assert (
        orjson.loads(cli("why", "RUS", "TUR", "--json").stdout)["facts"][0]["article"]["title"]
        == HOSTILE["title"]
    )


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(cli: Cli, tmp_path: Path) -> None:
    hostile_home(cli, tmp_path)
    rows = list(csv.DictReader(io.StringIO(cli("export", "events", "--format", "csv").stdout.decode())))
    assert rows and {row["article_id"] for row in rows} == {"'" + HOSTILE_ID}
    lines = cli("export", "events", "--format", "gdelt").stdout.decode().splitlines()
    gdelt = [dict(zip(GDELT_COLUMNS, line.split("\t"), strict=True)) for line in lines]
    assert any(float(row["GoldsteinScale"]) < 0 for row in gdelt)  # a negative number stays a number
