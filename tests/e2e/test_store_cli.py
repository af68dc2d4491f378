"""A damaged store is caught by every command and by ``entente check``; backup, restore, salvage."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from agents import reduce
from agents.reduce import tables
from streams import topics
from streams.cli.query import live_tables
from streams.runtime.embedded import EmbeddedRuntime
from tests.e2e.cli import ROOT, distinct_corpus, run_cli, tmpfs, varied_corpus
from tests.e2e.test_worker_cli import start, status, wait_until

SEEDS = ROOT / "examples" / "seeds.jsonl"
PAGE_SIZE = 4096
COPIES = 200
"""How many copies of the five seeds fill the 2 MB disk."""
COMMANDS = (
    ("status",),
    ("state", "--json"),
    ("replay", "--verify"),
    ("why", "TUR", "RUS"),
    ("subscribe", "--from-beginning", "--until-idle"),
    ("worker",),
    ("ingest", str(SEEDS)),
    ("run", str(SEEDS)),
    ("serve", "--no-worker", "--port", "0"),
    ("backup", "elsewhere"),
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the processed seeds."""
    home = tmp_path_factory.mktemp("seeded") / "home"
    run_cli(home, "run", str(SEEDS))
    assert not (home / "log.db-wal").exists(), "a command closes the log it opened"
    return home


def copy_of(seeded: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(seeded, home)
    return home


def truncate(log: Path) -> None:
    os.truncate(log, log.stat().st_size - PAGE_SIZE)


def flip_value(log: Path) -> None:
    """Flip one byte inside the value of ``events@7``, where SQLite never looks."""
    with sqlite3.connect(log) as db:
        (value,) = db.execute(
            """SELECT value FROM records WHERE topic = 'events' AND "offset" = 7"""
        ).fetchone()
    data = bytearray(log.read_bytes())
    at = data.index(bytes(value)) + 20
    data[at] ^= 0xFF
    log.write_bytes(data)


def flip_page(log: Path) -> None:
    """Invert every byte of the page in the middle of the file."""
    data = bytearray(log.read_bytes())
    start = len(data) // PAGE_SIZE // 2 * PAGE_SIZE
    data[start : start + PAGE_SIZE] = bytes(byte ^ 0xFF for byte in data[start : start + PAGE_SIZE])
    log.write_bytes(data)


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated": (truncate, "log.db: the file ends after page"),
    "flipped value": (flip_value, "log.db: records events@7 does not match its checksum"),
    "flipped page": (flip_page, "log.db: table records: database disk image is malformed"),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_every_command_says_in_one_line_that_the_store_is_damaged(
    seeded: Path, tmp_path: Path, kind: str
) -> None:
    home = copy_of(seeded, tmp_path)
    damage, finding = DAMAGE[kind]
    damage(home / "log.db")
    for command in COMMANDS:
        done = run_cli(home, *command, check=False)
        lines = done.stderr.decode().splitlines()
        assert done.returncode == 3, (command, done.stderr.decode())
        assert len(lines) == 1 and lines[0].startswith(
            f"entente: the store at {home} (ENTENTE_HOME/--data-dir) is damaged ("
        ), lines
        assert lines[0].endswith(f"run 'entente check --data-dir {home}'")
    checked = run_cli(home, "check", check=False)
    assert checked.returncode == 1
    assert any(line.startswith(finding) for line in checked.stdout.decode().splitlines()), checked.stdout
    report = orjson.loads(run_cli(home, "check", "--json", check=False).stdout)
    assert report["ok"] is False and report["findings"]


def test_a_clean_store_checks_ok(seeded: Path) -> None:
    assert run_cli(seeded, "check").stdout == b"ok\n"


def digest_at(home: Path, events_end: int) -> str:
    """The digest of the tables folded from the first ``events_end`` live events of ``home``."""
    with EmbeddedRuntime(home) as runtime:
        return reduce.digest(reduce.fold(runtime.events()[:events_end]))


@pytest.fixture
def running(seeded: Path, tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[bytes]]]:
    """A copy of the seeded store with a worker and an ingest of fresh articles running on it."""
    home = copy_of(seeded, tmp_path)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(distinct_corpus(40))
    worker = start(home, "worker")
    ingest = start(home, "ingest", str(corpus))
    try:
        yield home, ingest
    finally:
        ingest.wait(timeout=240)
        worker.terminate()
        assert worker.wait(timeout=60) == 0, worker.stderr.read().decode() if worker.stderr else ""


def test_a_backup_taken_while_a_worker_and_an_ingest_run_restores_to_a_consistent_store(
    running: tuple[Path, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    home, ingest = running
    wait_until(lambda: status(home)["topics"][topics.ARTICLES] > 5, "the ingest to begin")
    run_cli(home, "backup", str(tmp_path / "backup"))
    assert ingest.wait(timeout=240) == 0
    manifest = orjson.loads((tmp_path / "backup" / "manifest.json").read_bytes())
    restored = tmp_path / "restored"
    run_cli(restored, "restore", str(tmp_path / "backup"))
    assert run_cli(restored, "check").stdout == b"ok\n"
    run_cli(restored, "replay", "--verify")
    at = status(restored)
    assert at["topics"][topics.EVENTS] == manifest["ends"][topics.EVENTS]
    reduced = at["topics"][topics.EVENTS] - at["lag"]["reduce"]
    with EmbeddedRuntime(restored) as runtime:
        assert reduce.digest(live_tables(runtime)) == digest_at(home, reduced)


def test_restore_refuses_a_store_with_data_and_a_damaged_backup(seeded: Path, tmp_path: Path) -> None:
    run_cli(seeded, "backup", str(tmp_path / "backup"))
    refused = run_cli(seeded, "restore", str(tmp_path / "backup"), check=False)
    assert refused.returncode == 1 and b"is not empty; pass --force" in refused.stderr
    target = copy_of(seeded, tmp_path)
    run_cli(target, "restore", "--force", str(tmp_path / "backup"))
    assert run_cli(target, "check").stdout == b"ok\n"
    flip_value(tmp_path / "backup" / "log.db")
    damaged = run_cli(tmp_path / "other", "restore", str(tmp_path / "backup"), check=False)
    assert damaged.returncode == 1 and b"events@7 does not match its checksum" in damaged.stderr
    assert not (tmp_path / "other" / "log.db").exists()


def test_salvage_rebuilds_a_consistent_store_from_the_intact_part_of_the_log(
    seeded: Path, tmp_path: Path
) -> None:
    home = copy_of(seeded, tmp_path)
    flip_value(home / "log.db")
    rebuilt = tmp_path / "rebuilt"
    run_cli(home, "salvage", str(rebuilt))
    assert run_cli(rebuilt, "check").stdout == b"ok\n"
    assert status(rebuilt)["topics"][topics.EVENTS] == 7
    run_cli(rebuilt, "run")
    run_cli(rebuilt, "replay", "--verify")
    with EmbeddedRuntime(rebuilt) as again, EmbeddedRuntime(seeded) as original:
        assert {t: live_tables(again)[t].keys() for t in tables.names()} == {
            t: live_tables(original)[t].keys() for t in tables.names()
        }


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs, unmounted afterwards."""
    with tmpfs(tmp_path / "disk", "2m") as disk:
        yield disk


def test_a_full_disk_stops_an_ingest_in_one_line_keeping_what_it_committed(
    small_disk: Path, tmp_path: Path
) -> None:
    home = small_disk / "home"
    run_cli(home, "ingest", str(SEEDS))
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(varied_corpus(COPIES))
    full = run_cli(home, "ingest", str(corpus), check=False)
    assert full.returncode == 3, full.stderr.decode()
    assert (
        full.stderr.decode().splitlines()[-1]
        == f"entente: cannot write to {home} (ENTENTE_HOME/--data-dir): disk full"
    )
    assert status(home)["topics"][topics.ARTICLES] >= len(SEEDS.read_bytes().splitlines())
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    assert run_cli(home, "check").stdout == b"ok\n"
    run_cli(home, "ingest", str(corpus))
    assert status(home)["topics"][topics.ARTICLES] == (COPIES + 1) * 5
    run_cli(home, "ingest", str(SEEDS))
    assert status(home)["topics"][topics.ARTICLES] == (COPIES + 1) * 5
