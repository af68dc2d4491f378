"""Polling RSS and Atom feeds from a local site: clean text, page dates, each story once, copies linked."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from schemas import Article, DeadLetter
from streams.ingest.fetch import FetchPolicy
from streams.ingest.files import Item
from streams.ingest.live import LiveIngest, Progress, follow, follow_feeds
from streams.ingest.safety import ANY_ADDRESS
from streams.log import LOG_FILE
from tests.support.http_site import (
    ATOM,
    CHROME,
    RSS,
    FeedItem,
    Seed,
    Site,
    article_page,
    atom,
    iter_paragraphs,
    publish_seeds,
    rss,
    seeds,
)

LOOPBACK = FetchPolicy(timeout=2.0, retries=1, backoff=0.01, allowed=("127.0.0.1/32",))
DAY = dt.datetime(2019, 2, 11, 8, 30, tzinfo=dt.UTC)


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as site:
        yield site


@pytest.fixture
def news(site: Site) -> list[str]:
    """An RSS feed (with an ETag) of three seeds and an Atom feed (with Last-Modified) of two."""
    stories = seeds()
    ledger = publish_seeds(
        site, "ledger", [(seed, DAY + dt.timedelta(days=i)) for i, seed in enumerate(stories[:3])]
    )
    courier = publish_seeds(site, "courier", [(seed, DAY) for seed in stories[3:]])
    site.add("/ledger/rss.xml", rss("The Ledger", site.url("/ledger/"), ledger), RSS, etag='"v1"')
    site.add(
        "/courier/atom.xml",
        atom("The Courier", site.url("/courier/"), courier),
        ATOM,
        last_modified="Mon, 11 Feb 2019 08:30:00 GMT",
    )
    return [site.url("/ledger/rss.xml"), site.url("/courier/atom.xml")]


def articles(items: list[Item]) -> list[Article]:
    return [item for _, item in items if isinstance(item, Article)]


async def poll(
    data_dir: Path, feeds: list[str], on_progress: Callable[[Progress], None] | None = None
) -> tuple[list[Item], Progress]:
    """One committed round with a fresh poller (as after a restart)."""
    published: list[Item] = []
    async with LiveIngest(data_dir, LOOPBACK, on_progress=on_progress) as live:
        progress = await follow(live, feeds, published.extend)
    return published, progress


async def test_feeds_yield_clean_articles_dated_from_their_pages(
    tmp_path: Path, site: Site, news: list[str]
) -> None:
    lines: list[str] = []
    items, progress = await poll(tmp_path, news, on_progress=lambda p: lines.append(p.line()))
    got = articles(items)
    assert len(got) == 5 and progress.new == 5 and progress.feeds_polled == 2
    assert lines[-1] == "2 feeds polled (0 failed), 5 new, 0 copies, 0 duplicates, 0 failures"
    summary = progress.as_dict()
    assert (summary["rounds"], summary["new"], summary["errors"]) == (1, 5, [])
    by_title = {article.title: article for article in got}
    stories = seeds()
    for index, seed in enumerate(stories):
        article = by_title[seed.title]
        text = " ".join(article.text.split())
        for paragraph in iter_paragraphs(seed):
            assert " ".join(paragraph.split()) in text
        for phrase in CHROME:
            assert phrase not in article.text
        expected = (DAY + dt.timedelta(days=index if index < 3 else 0)).date()
        assert article.published == expected  # the page's date, not the feed's (a day later)
        assert article.author == "Dana Reyes"
        provenance = article.provenance
        assert provenance is not None
        assert provenance.date_method == "metadata"
        assert provenance.http_status == 200
        assert provenance.outlet == "127.0.0.1"
        assert provenance.feed in news
        assert provenance.fetched_at is not None and provenance.fetched_at.tzinfo is not None
        assert provenance.content_hash and len(provenance.content_hash) == 64
        assert article.copy_of is None
    assert {article.source for article in got} == {"Ledger", "Courier"}


async def test_a_second_poll_ingests_nothing_and_asks_conditionally(
    tmp_path: Path, site: Site, news: list[str]
) -> None:
    await poll(tmp_path, news)
    items, progress = await poll(tmp_path, news)
    assert items == [] and progress.new == 0 and progress.feeds_unchanged == 2
    assert site.hits("/ledger/rss.xml")[-1].headers["if-none-match"] == '"v1"'
    assert site.hits("/courier/atom.xml")[-1].headers["if-modified-since"] == "Mon, 11 Feb 2019 08:30:00 GMT"
    assert all(request.headers["user-agent"].startswith("Entente/") for request in site.requests)


async def test_seen_entries_are_skipped_when_the_feed_has_no_validators(
    tmp_path: Path, site: Site, news: list[str]
) -> None:
    for path in ("/ledger/rss.xml", "/courier/atom.xml"):
        site.routes[path].etag = site.routes[path].last_modified = None
    await poll(tmp_path, news)
    pages_fetched = len(site.requests)
    items, progress = await poll(tmp_path, news)
    assert items == [] and progress.feeds_unchanged == 0
    assert len(site.requests) == pages_fetched + 2  # the two feeds, no page again


async def test_entries_that_leave_a_feed_are_forgotten_but_not_ingested_again(
    tmp_path: Path, site: Site, news: list[str]
) -> None:
    await poll(tmp_path, news)
    route = site.routes["/ledger/rss.xml"]
    full = route.body
    stories = seeds()[:3]
    items = publish_seeds(site, "ledger", [(seed, DAY) for seed in stories[1:]])
    route.body, route.etag = rss("The Ledger", site.url("/ledger/"), items), '"v2"'
    await poll(tmp_path, news)
    db = sqlite3.connect(tmp_path / LOG_FILE)
    assert db.execute("SELECT count(*) FROM feed_entries WHERE feed = ?", (news[0],)).fetchone() == (2,)
    db.close()
    route.body, route.etag = full, '"v3"'
    again, progress = await poll(tmp_path, news)
    assert again == [] and progress.duplicates == 1


def republish(site: Site, seed: Seed, outlet: str, url_suffix: str = "") -> str:
    """A second outlet's copy of a wire story: new headline, one paragraph rewritten, a credit added."""
    paragraphs = list(seed.paragraphs)
    paragraphs[1] = "Officials in the region welcomed the announcement on Tuesday, a local desk added."
    paragraphs.append("(Reporting by the regional desk; editing by the night staff.)")
    return site.add(
        f"/{outlet}/copy-{seed.id}{url_suffix}",
        article_page(f"UPDATE: {seed.title}", paragraphs, published=DAY, site=outlet.title()),
    )


async def test_a_republished_copy_is_kept_and_linked_to_the_first(
    tmp_path: Path, site: Site, news: list[str]
) -> None:
    first, _ = await poll(tmp_path, news)
    original = next(a for a in articles(first) if a.title == seeds()[0].title)
    link = republish(site, seeds()[0], "wire")
    site.add("/wire/rss.xml", rss("Wire", site.url("/wire/"), [_item(link)]), RSS)
    items, progress = await poll(tmp_path, [*news, site.url("/wire/rss.xml")])
    [copy] = articles(items)
    assert copy.copy_of == original.id and copy.id != original.id
    assert (progress.new, progress.copies) == (0, 1)
    assert copy.provenance is not None and copy.provenance.feed == site.url("/wire/rss.xml")


async def test_the_same_url_with_tracking_or_the_same_text_elsewhere_is_a_duplicate(
    tmp_path: Path, site: Site, news: list[str]
) -> None:
    await poll(tmp_path, news)
    seed = seeds()[1]
    mirror = site.add("/mirror/same", site.routes[f"/ledger/{seed.id}"].body)
    tracked = site.url(f"/ledger/{seed.id}?utm_source=feed&utm_medium=rss#top")
    site.add("/mirror/rss.xml", rss("Mirror", site.url("/mirror/"), [_item(mirror), _item(tracked)]), RSS)
    items, progress = await poll(tmp_path, [site.url("/mirror/rss.xml")])
    assert items == [] and progress.duplicates == 2
    assert site.hits(f"/ledger/{seed.id}?utm_source=feed&utm_medium=rss") == []  # never fetched again


async def test_copies_in_one_round_link_to_the_first_in_feed_order(tmp_path: Path, site: Site) -> None:
    seed = seeds()[2]
    first = site.add("/a/story", article_page(seed.title, seed.paragraphs, published=DAY))
    copy = republish(site, seed, "b")
    site.add("/a/rss.xml", rss("A", site.url("/a/"), [_item(first)]), RSS)
    site.add("/b/rss.xml", rss("B", site.url("/b/"), [_item(copy)]), RSS)
    items, _ = await poll(tmp_path, [site.url("/a/rss.xml"), site.url("/b/rss.xml")])
    original, linked = articles(items)
    assert original.copy_of is None and linked.copy_of == original.id


async def test_failing_feeds_are_reported_and_retried_later_while_others_go_on(
    tmp_path: Path, site: Site, news: list[str]
) -> None:
    site.add("/slow.xml", rss("Slow", site.base, []), RSS, delay=5.0)
    site.add("/broken.xml", b"", RSS, status=500)
    site.add("/garbage.xml", b"\x00\x17<<not xml at all>> {]", RSS)
    site.redirect("/loop-a.xml", site.url("/loop-b.xml"))
    site.redirect("/loop-b.xml", site.url("/loop-a.xml"))
    broken = [site.url(path) for path in ("/slow.xml", "/broken.xml", "/garbage.xml", "/loop-a.xml")]
    now = [DAY]
    fast = FetchPolicy(timeout=0.3, retries=1, backoff=0.01, allowed=("127.0.0.1/32",))

    async def round_() -> tuple[list[Item], Progress]:
        published: list[Item] = []
        async with LiveIngest(tmp_path, fast, clock=lambda: now[0], retry_base=60.0) as live:
            progress = await follow(live, [*broken, *news], published.extend)
        return published, progress

    items, progress = await round_()
    assert len(articles(items)) == 5
    assert progress.feeds_failed == 4
    reasons = "\n".join(progress.errors)
    for expected in (
        "slow.xml: timed out",
        "broken.xml: HTTP 500",
        "garbage.xml: not a feed",
        "redirect loop",
    ):
        assert expected in reasons

    items, progress = await round_()  # too soon: the failed feeds wait, the good ones are polled
    assert progress.feeds_waiting == 4 and progress.feeds_polled == 2

    site.routes["/slow.xml"].delay = 0
    site.routes["/broken.xml"] = site.routes["/slow.xml"]
    site.routes["/garbage.xml"] = site.routes["/slow.xml"]
    site.routes["/loop-b.xml"] = site.routes["/slow.xml"]
    now[0] = DAY + dt.timedelta(seconds=61)
    items, progress = await round_()
    assert progress.feeds_failed == 0 and progress.feeds_polled == 6


async def test_a_page_that_is_not_html_becomes_a_dead_letter_and_is_not_retried(
    tmp_path: Path, site: Site
) -> None:
    pdf = site.add("/files/report.pdf", b"%PDF-1.7 binary", "application/pdf")
    site.add("/docs/rss.xml", rss("Docs", site.base, [_item(pdf)]), RSS)
    items, progress = await poll(tmp_path, [site.url("/docs/rss.xml")])
    [(origin, dead)] = items
    assert isinstance(dead, DeadLetter) and origin == pdf
    assert "not HTML (content type application/pdf)" in dead.reason
    assert progress.rejected == 1
    items, _ = await poll(tmp_path, [site.url("/docs/rss.xml")])
    assert items == [] and len(site.hits("/files/report.pdf")) == 1


async def test_a_page_that_fails_is_fetched_again_next_round(tmp_path: Path, site: Site) -> None:
    seed = seeds()[0]
    page = site.add("/flaky/story", article_page(seed.title, seed.paragraphs, published=DAY), failures=2)
    site.add("/flaky/rss.xml", rss("Flaky", site.base, [_item(page)]), RSS)
    items, progress = await poll(tmp_path, [site.url("/flaky/rss.xml")])  # 2 tries, both HTTP 500
    assert items == [] and progress.failures == 1
    items, progress = await poll(tmp_path, [site.url("/flaky/rss.xml")])
    assert [a.title for a in articles(items)] == [seed.title]


def _item(link: str) -> FeedItem:
    return FeedItem("A story", link, DAY)


def test_following_feeds_from_the_command_line_polls_once_without_an_interval(
    tmp_path: Path, site: Site, news: list[str]
) -> None:
    published: list[Item] = []
    progress = follow_feeds(tmp_path, news, published.extend, allowed=ANY_ADDRESS)
    assert (progress.rounds, progress.new, len(published)) == (1, 5, 5)
