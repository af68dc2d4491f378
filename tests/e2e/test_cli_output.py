"""What the commands print: JSON on demand, the inputs run takes, no progress noise off a terminal,
and where subscribe starts."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pty
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from tests.e2e.cli import ENTENTE, SEEDS, Cli, environment, run_cli
from tests.e2e.test_worker_cli import start
from tests.support.http_site import RSS, Site, article_page, publish_seeds, rss, seeds

DAY = dt.datetime(2019, 2, 11, 8, 30, tzinfo=dt.UTC)


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as served:
        yield served


def json_lines(done: subprocess.CompletedProcess[bytes]) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in done.stdout.splitlines()]


def test_demo_json_holds_the_events_and_every_table(cli: Cli, home: Path) -> None:
    demo = orjson.loads(cli("demo", "--json").stdout)
    assert demo["ingest"]["read"] == 5 and demo["data_dir"] == str(home)
    assert demo["events"] and demo["tables"]["alliances"] and demo["tables"]["zones"]
    assert demo["tables"] == orjson.loads(cli("state", "--json").stdout)


def test_extract_json_sums_up_what_it_wrote(cli: Cli, tmp_path: Path) -> None:
    output = tmp_path / "events.jsonl"
    summary = orjson.loads(cli("extract", "--input", str(SEEDS), "--output", str(output), "--json").stdout)
    events = output.read_bytes().splitlines()
    assert summary == {"articles": 5, "events": len(events), "output": str(output)}


def test_worker_json_ends_with_a_summary_line(home: Path) -> None:
    run_cli(home, "ingest", str(SEEDS))
    worker = start(home, "worker", "--json")
    assert worker.stderr is not None
    assert worker.stderr.readline().startswith(b"worker on embedded")
    worker.send_signal(signal.SIGINT)
    out, _err = worker.communicate(timeout=60)
    assert worker.returncode == 0
    assert orjson.loads(out.splitlines()[-1]) == {
        "stopped": True,
        "crashed": None,
        "broker": "embedded",
        "data_dir": str(home),
    }


def test_serve_json_says_where_it_listens(home: Path) -> None:
    server = start(home, "serve", "--port", "0", "--no-worker", "--json")
    try:
        assert server.stdout is not None
        started = orjson.loads(server.stdout.readline())
        assert started["host"] == "127.0.0.1" and started["port"] > 0 and started["worker"] is False
        assert started["url"] == f"http://127.0.0.1:{started['port']}/"
        assert httpx.get(f"{started['url']}health", timeout=30).status_code == 200
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=60)
    assert server.returncode == 0


def test_run_takes_pages_and_feeds_as_ingest_does(cli: Cli, site: Site, tmp_path: Path) -> None:
    stories = seeds()
    first, *rest = stories
    saved = tmp_path / "saved.html"
    saved.write_bytes(article_page(first.title, first.paragraphs, published=DAY))
    site.add(
        "/ledger/rss.xml",
        rss(
            "The Ledger", site.url("/ledger/"), publish_seeds(site, "ledger", [(seed, DAY) for seed in rest])
        ),
        RSS,
    )
    done = cli("run", str(saved), "--feed", site.url("/ledger/rss.xml"), "--allow-private", "--json")
    summary = orjson.loads(done.stdout)
    assert summary["published"] == len(stories) and summary["processed"]["articles"] == len(stories)
    assert orjson.loads(cli("state", "alliances", "--json").stdout)


def test_off_a_terminal_there_is_no_progress_noise(cli: Cli) -> None:
    ingest = cli("ingest", str(SEEDS))
    assert (
        ingest.stderr == b"" and ingest.stdout == b"read 5, published 5, copies 0, duplicates 0, rejected 0\n"
    )
    run = cli("run")
    assert run.stderr == b"" and run.stdout.splitlines()[-1].startswith(b"processed: 5 articles")
    replay = cli("replay", "--as-of", "2019-01-01")
    assert replay.stderr == b"" and b"\r" not in replay.stdout and b"\x1b" not in replay.stdout


def on_a_terminal(home: Path, *args: str) -> bytes:
    """What ``entente ARGS`` writes to stderr when that is a terminal."""
    main, side = pty.openpty()
    env = environment(home)
    command = subprocess.Popen([ENTENTE, *args], env=env, stdout=subprocess.DEVNULL, stderr=side)
    os.close(side)
    shown = b""
    with contextlib.suppress(OSError):  # the end of a terminal's output reads as an error
        while chunk := os.read(main, 65536):
            shown += chunk
    os.close(main)
    assert command.wait(timeout=300) == 0, shown
    return shown


def test_on_a_terminal_a_progress_bar_shows_counts_and_rates_but_not_with_q(home: Path) -> None:
    shown = on_a_terminal(home, "run", str(SEEDS))
    assert b"ingesting" in shown and b"processing" in shown and b"5/5" in shown and b"/s" in shown
    assert b"replaying" in on_a_terminal(home, "replay")
    assert b"re-extracting" in on_a_terminal(home, "reextract", "--version", "again")
    exported = on_a_terminal(home, "export", "alliances", "--output", str(home / "alliances.csv"))
    assert b"exporting alliances" in exported and b"/s" in exported
    assert on_a_terminal(home, "-q", "replay") == b""


def test_subscribe_starts_at_an_offset_or_a_time_and_exits_at_the_end(cli: Cli) -> None:
    cli("run", str(SEEDS))
    every = json_lines(cli("subscribe", "--from-beginning", "--exit-at-end", "--json"))
    middle = every[len(every) // 2]
    from_offset = json_lines(
        cli("subscribe", "--from-offset", str(middle["offset"]), "--exit-at-end", "--json")
    )
    assert from_offset == [change for change in every if change["offset"] >= middle["offset"]]
    at = str(middle["ingested_at"])
    first = next(n for n, change in enumerate(every) if str(change["ingested_at"]) >= at)
    assert json_lines(cli("subscribe", "--from-time", at, "--exit-at-end", "--json")) == every[first:]
    assert json_lines(cli("subscribe", "--from-time", "2999-01-01", "--exit-at-end", "--json")) == []
    both = cli("subscribe", "--from-offset", "0", "--from-beginning", check=False)
    assert both.returncode == 2
