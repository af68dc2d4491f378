"""Feeds through the command line: a local site's feeds polled, processed, and a wire copy kept apart."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from tests.api.support import TOKEN, free_port
from tests.e2e.cli import ENTENTE, environment, run_cli
from tests.e2e.test_worker_cli import start, status, wait_until
from tests.support.http_site import RSS, FeedItem, Site, article_page, publish_seeds, rss, seeds

DAY = dt.datetime(2019, 2, 11, 8, 30, tzinfo=dt.UTC)


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as served:
        yield served


def poll(home: Path, *feeds: str) -> dict[str, object]:
    args = [arg for feed in feeds for arg in ("--feed", feed)]
    return orjson.loads(run_cli(home, "ingest", *args, "--allow-private", "--json").stdout)


def wire_site(site: Site) -> list[str]:
    """The seeds on the Ledger's feed, and a copy of the first on the Wire's: the two feeds."""
    stories = seeds()
    ledger = publish_seeds(site, "ledger", [(seed, DAY) for seed in stories])
    site.add("/ledger/rss.xml", rss("The Ledger", site.url("/ledger/"), ledger), RSS)
    first = stories[0]
    paragraphs = [*first.paragraphs, "(Reporting by the regional desk.)"]
    copy = site.add(
        "/wire/copy", article_page(f"UPDATE: {first.title}", paragraphs, published=DAY, site="Wire")
    )
    site.add("/wire/rss.xml", rss("Wire", site.url("/wire/"), [FeedItem("A story", copy, DAY)]), RSS)
    return [site.url("/ledger/rss.xml"), site.url("/wire/rss.xml")]


def test_feeds_are_polled_once_each_and_a_wire_copy_adds_no_corroboration(site: Site, tmp_path: Path) -> None:
    stories = seeds()
    wire_site(site)

    alone, with_copy = tmp_path / "alone", tmp_path / "with-copy"
    assert poll(alone, site.url("/ledger/rss.xml"))["published"] == len(stories)
    assert poll(alone, site.url("/ledger/rss.xml"))["published"] == 0
    summary = poll(with_copy, site.url("/ledger/rss.xml"), site.url("/wire/rss.xml"))
    assert summary["published"] == len(stories) + 1
    for home in (alone, with_copy):
        run_cli(home, "run")
    state = orjson.loads(run_cli(alone, "state", "--json").stdout)
    assert state["alliances"], "the polled articles gave no alliances"
    assert run_cli(with_copy, "state", "--json").stdout == run_cli(alone, "state", "--json").stdout


def serving(port: int) -> bool:
    """Whether ``entente serve`` on ``port`` answers, its worker running."""
    try:
        return bool(httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).json()["worker"] == "running")
    except httpx.TransportError:
        return False


def test_feed_ingests_run_together_beside_a_worker_and_a_server(site: Site, tmp_path: Path) -> None:
    feeds = wire_site(site)
    home, alone = tmp_path / "home", tmp_path / "alone"
    poll(alone, *feeds)
    run_cli(alone, "run")
    port = free_port()
    env = environment(home) | {"ENTENTE_API_TOKEN": TOKEN, "ENTENTE_API_PORT": str(port)}
    server = subprocess.Popen([ENTENTE, "serve"], env=env, stderr=subprocess.PIPE)
    worker = start(home, "worker")
    try:
        wait_until(lambda: serving(port), "the server to answer")
        args = [arg for feed in feeds for arg in ("--feed", feed)]
        ingests = [start(home, "ingest", *args, "--allow-private", "--json") for _ in range(2)]
        summaries = []
        for ingest in ingests:
            out, err = ingest.communicate(timeout=240)
            assert ingest.returncode == 0, err.decode()
            summaries.append(orjson.loads(out))
        assert sum(summary["published"] for summary in summaries) == len(seeds()) + 1
        wait_until(lambda: not any(status(home)["lag"].values()), "the workers to process every article")
    finally:
        server.send_signal(signal.SIGINT)
        worker.send_signal(signal.SIGINT)
        codes = [server.wait(timeout=60), worker.wait(timeout=60)]
    assert codes == [0, 0]
    assert sorted(path.name for path in home.glob("*.db")) == ["log.db"]
    assert run_cli(home, "check").stdout == b"ok\n"
    assert run_cli(home, "state", "--json").stdout == run_cli(alone, "state", "--json").stdout
