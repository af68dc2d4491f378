"""Feeds through the command line: a local site's feeds polled, processed, and a wire copy kept apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.e2e.cli import run_cli
from tests.support.http_site import RSS, FeedItem, Site, article_page, publish_seeds, rss, seeds

DAY = dt.datetime(2019, 2, 11, 8, 30, tzinfo=dt.UTC)


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as served:
        yield served


def poll(home: Path, *feeds: str) -> dict[str, object]:
    args = [arg for feed in feeds for arg in ("--feed", feed)]
    return orjson.loads(run_cli(home, "ingest", *args, "--allow-private", "--json").stdout)


def test_feeds_are_polled_once_each_and_a_wire_copy_adds_no_corroboration(site: Site, tmp_path: Path) -> None:
    stories = seeds()
    ledger = publish_seeds(site, "ledger", [(seed, DAY) for seed in stories])
    site.add("/ledger/rss.xml", rss("The Ledger", site.url("/ledger/"), ledger), RSS)
    first = stories[0]
    paragraphs = [*first.paragraphs, "(Reporting by the regional desk.)"]
    copy = site.add(
        "/wire/copy", article_page(f"UPDATE: {first.title}", paragraphs, published=DAY, site="Wire")
    )
    site.add("/wire/rss.xml", rss("Wire", site.url("/wire/"), [FeedItem("A story", copy, DAY)]), RSS)

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
