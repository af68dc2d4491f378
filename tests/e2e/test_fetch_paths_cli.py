"""``entente ingest`` aimed at the traps: no connection to them or outside loopback, one line per refusal.

The command runs in a child process with the audit hook of
:mod:`tests.support.egress`, which records into a file every connection it
refuses outside loopback; the test expects that file to stay empty.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.cli import ROOT, environment
from tests.support import egress
from tests.support.http_site import Site
from tests.support.traps import ALLOWED, SEED, Traps, assert_untouched, targets, trap_feeds, trap_page


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as running:
        yield running


def ingest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``entente ingest --allow-network 127.0.0.1/32 ARGS`` with the audit hook; no attempt may leave."""
    attempts = tmp_path / "egress.log"
    env = {
        **environment(tmp_path / "home"),
        egress.VARIABLE: str(attempts),
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    network = [arg for net in ALLOWED for arg in ("--allow-network", net)]
    done = subprocess.run(
        [sys.executable, "-c", egress.BOOTSTRAP, "ingest", *network, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert not attempts.exists(), attempts.read_text()
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_polled_feeds_reach_no_trap(tmp_path: Path, site: Site, traps: Traps) -> None:
    feeds = [arg for feed in trap_feeds(site, traps) for arg in ("--feed", feed)]
    done = ingest(tmp_path, *feeds)
    assert_untouched(traps)
    assert done.returncode == 1
    rejected = [line for line in done.stderr.splitlines() if line.startswith("rejected input=")]
    for url in targets(traps, "/link"):
        assert any(line.startswith(f"rejected input={url} reason=") for line in rejected), url


def test_each_page_that_cannot_be_fetched_is_one_line_and_exit_status_1(
    tmp_path: Path, site: Site, traps: Traps
) -> None:
    page = site.add("/story", trap_page(traps, SEED.title))
    redirect = site.redirect("/moved", traps.urls("/r")[0])
    saved = tmp_path / "saved.html"
    saved.write_bytes(trap_page(traps, "Saved"))
    pages = [*targets(traps, "/p"), "http://[::1/", "http://a b/", redirect]
    done = ingest(tmp_path, page, str(saved), *pages)
    assert_untouched(traps)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == len(pages)
    for url, line in zip(pages, lines, strict=True):
        assert line.startswith(f"rejected input={url} reason="), line
    # the saved page tells the story of the page fetched before it: a copy, counted as files' copies are
    assert done.stdout.strip().endswith(f"published 2, copies 1, duplicates 0, rejected {len(pages)}")


def test_a_page_that_fails_for_a_passing_reason_is_reported_too(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/story"
    done = ingest(tmp_path, url)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith(f"rejected input={url} reason=connection failed")
