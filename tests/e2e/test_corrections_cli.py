"""Correcting the record through the ``entente`` command: retract, override, and what they leave."""

from __future__ import annotations

import datetime as dt
import getpass
import time
from pathlib import Path

import orjson
import pytest

from streams import topics
from tests.e2e.cli import SEEDS, run_cli, seed_lines

RETRACTED = "001_06dda686d1ea2eb0"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the seeds processed (copy it before writing)."""
    home = tmp_path_factory.mktemp("seeded") / "home"
    run_cli(home, "run", str(SEEDS))
    return home


def copy(seeded: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    run_cli(seeded, "backup", str(home))
    return home


def test_a_retracted_seed_leaves_the_state_of_a_log_that_never_held_it(seeded: Path, tmp_path: Path) -> None:
    home = copy(seeded, tmp_path)
    before = run_cli(home, "state", "--json").stdout
    time.sleep(0.05)  # record times are in milliseconds: the cut falls before the retraction
    cut = dt.datetime.now(dt.UTC).isoformat()
    time.sleep(0.05)

    done = run_cli(home, "retract", RETRACTED, "--reason", "the story was a hoax")

    assert done.stdout.decode().startswith(f"retraction of {RETRACTED} logged")
    never = tmp_path / "never.jsonl"
    never.write_bytes(b"\n".join(line for line in seed_lines() if RETRACTED not in line.decode()) + b"\n")
    run_cli(tmp_path / "never", "run", str(never))
    assert run_cli(home, "state", "--json").stdout == run_cli(tmp_path / "never", "state", "--json").stdout
    assert run_cli(home, "replay", "--verify").returncode == 0
    assert run_cli(home, "check").stdout == b"ok\n"
    run_cli(home, "salvage", str(tmp_path / "salvaged"))
    assert run_cli(tmp_path / "salvaged", "state", "--json").stdout == run_cli(home, "state", "--json").stdout
    assert run_cli(home, "state", "--known-at", cut, "--json").stdout == before

    lines = run_cli(home, "subscribe", "--from-beginning", "--until-idle", "--json").stdout.splitlines()
    made = [change for change in map(orjson.loads, lines) if change["cause"] == "retraction"]
    assert made and all(change["reason"] == "the story was a hoax" for change in made)
    assert all(change["article_ids"] == [RETRACTED] for change in made)

    audit = orjson.loads(run_cli(home, "why", "IRN", "RUS", "--json").stdout)
    [correction] = audit["corrections"]
    assert (correction["kind"], correction["target"], correction["by"]) == (
        "retraction",
        RETRACTED,
        getpass.getuser(),
    )
    assert correction["reason"] == "the story was a hoax"
    assert RETRACTED not in {item["article_id"] for item in audit["facts"]}
    text = run_cli(home, "why", "IRN", "RUS").stdout.decode()
    assert f"correction: retracted article {RETRACTED} (by {getpass.getuser()} at" in text


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("retract", RETRACTED), "empty reason"),
        (("retract", RETRACTED, "--reason", "  "), "empty reason"),
        (("retract", RETRACTED, "--reason", "x", "--by", ""), "empty author"),
        (("retract", "no-such-article", "--reason", "x"), "unknown article no-such-article"),
        (("override", "no-such-event", "--drop", "--reason", "x"), "unknown event no-such-event"),
        (("override", "no-such-event", "--reason", "x"), "either drops its event"),
        (("override", "no-such-event", "--set", "evidence=x", "--reason", "x"), "bad --set 'evidence=x'"),
    ],
)
def test_a_bad_correction_is_one_line_and_changes_nothing(
    seeded: Path, tmp_path: Path, args: tuple[str, ...], reason: str
) -> None:
    home = copy(seeded, tmp_path)
    before = run_cli(home, "state", "--json").stdout

    done = run_cli(home, *args, check=False)

    assert done.returncode == 1
    [line] = done.stderr.decode().splitlines()
    assert line.startswith(f"refused input={args[1]} reason=") and reason in line
    assert run_cli(home, "state", "--json").stdout == before
    status = orjson.loads(run_cli(home, "status", "--json").stdout)
    assert status["topics"][topics.CORRECTIONS] == 0


def test_an_override_holds_through_replay_and_why_shows_it(seeded: Path, tmp_path: Path) -> None:
    home = copy(seeded, tmp_path)
    events = [orjson.loads(line) for line in run_cli(home, "export", "events").stdout.splitlines()]
    event = next(item for item in events if item["source"] == "RUS" and item["target"] == "TUR")

    run_cli(
        home, "override", event["id"], "--set", "type=ASSAULT", "--reason", "it was a strike", "--by", "ana"
    )

    assert run_cli(home, "replay", "--verify").returncode == 0
    exported = {
        item["id"]: item for item in map(orjson.loads, run_cli(home, "export", "events").stdout.splitlines())
    }
    assert exported[event["id"]]["type"] == "ASSAULT"
    text = run_cli(home, "why", "RUS", "TUR", "--limit", "1").stdout.decode()
    assert f"correction: overrode event {event['id']}: type=ASSAULT (by ana at" in text
    retracted = run_cli(home, "retract", event["article_id"], "--reason", "a hoax")
    assert retracted.returncode == 0
    again = run_cli(home, "override", event["id"], "--drop", "--reason", "x", check=False)
    assert again.returncode == 1
    assert again.stderr.decode().strip() == (
        f"refused input={event['id']} reason=event {event['id']} is of the retracted article"
        f" {event['article_id']} (by {getpass.getuser()})"
    )


def test_an_article_ingested_again_with_a_new_text_is_a_revision(seeded: Path, tmp_path: Path) -> None:
    home = copy(seeded, tmp_path)
    [line] = [line for line in seed_lines() if RETRACTED in line.decode()]
    article = orjson.loads(line)
    sentences = article["text"].split(". ")
    article["text"] = ". ".join(sentences[: len(sentences) // 2]) + "."
    revised = tmp_path / "revised.jsonl"
    revised.write_bytes(orjson.dumps(article) + b"\n")

    done = run_cli(home, "run", str(revised), "--json")

    assert orjson.loads(done.stdout)["published"] == 1
    never = tmp_path / "never.jsonl"
    never.write_bytes(
        b"\n".join(orjson.dumps(article) if RETRACTED in x.decode() else x for x in seed_lines()) + b"\n"
    )
    run_cli(tmp_path / "never", "run", str(never))
    assert run_cli(home, "state", "--json").stdout == run_cli(tmp_path / "never", "state", "--json").stdout
    assert run_cli(home, "replay", "--verify").returncode == 0
    lines = run_cli(home, "subscribe", "--from-beginning", "--until-idle", "--json").stdout.splitlines()
    assert any(orjson.loads(line)["cause"] == "revision" for line in lines)
    text = run_cli(home, "why", "IRN", "RUS").stdout.decode()
    assert f"correction: revised article {RETRACTED} (" in text

    story = {"id": "elsewhere", "url": "https://example.org/story", "published": "2020-01-05"}
    moved = tmp_path / "moved.jsonl"
    moved.write_bytes(
        orjson.dumps(story | {"text": "Russia and Turkey signed an agreement on Idlib."}) + b"\n"
    )
    assert orjson.loads(run_cli(home, "run", str(moved), "--json").stdout)["published"] == 1
    update = story | {"id": "elsewhere-2", "url": "https://example.org/story?utm_source=feed"}
    moved.write_bytes(orjson.dumps(update | {"text": "Iran accused Israel of attacks near Homs."}) + b"\n")
    assert orjson.loads(run_cli(home, "run", str(moved), "--json").stdout)["published"] == 1
    events = [orjson.loads(line) for line in run_cli(home, "export", "events").stdout.splitlines()]
    assert {(event["type"], event["source"]) for event in events if event["article_id"] == "elsewhere"} == {
        ("ACCUSE", "IRN")
    }
    assert "elsewhere-2" not in {event["article_id"] for event in events}
    assert run_cli(home, "replay", "--verify").returncode == 0
