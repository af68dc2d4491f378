"""Every way ingestion could send a request, aimed at addresses the guard refuses: none is sent.

Feed items link to the traps (in every form of their addresses), redirect to
them, carry them as text, enclosures, external entities or ``xml:base``, and
link to pages whose refresh, canonical link, images and scripts point at them;
a saved page does the same. The traps accept no connection, and nothing
connects outside loopback (the audit hook of :mod:`tests.support.egress`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import feedparser
import htmldate
import pytest
import trafilatura

from schemas import Article, DeadLetter
from streams.ingest.fetch import FetchPolicy
from streams.ingest.files import Item
from streams.ingest.html import article_from_html, extract_page, page_date, parse_html, read_html_file
from streams.ingest.live import LiveIngest, ingest_pages
from tests.support import egress
from tests.support.http_site import Site
from tests.support.traps import ALLOWED, SEED, Traps, assert_untouched, targets, trap_feeds, trap_page

POLICY = FetchPolicy(timeout=20.0, retries=0, allowed=ALLOWED)


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as running:
        yield running


@pytest.fixture
def no_egress() -> Iterator[None]:
    """Refuse (and record) every connection outside loopback; fail the test if one was attempted."""
    with egress.none_leaves():
        yield


async def test_polled_feeds_never_reach_the_traps(
    tmp_path: Path, site: Site, traps: Traps, no_egress: None
) -> None:
    feeds = trap_feeds(site, traps)
    async with LiveIngest(tmp_path, POLICY) as live:
        items = await live.poll(feeds)
    assert_untouched(traps)
    by_input = dict(items)
    article = by_input[site.url("/page")]
    assert isinstance(article, Article) and article.title == SEED.title
    for url in targets(traps, "/link"):
        dead = by_input[url]
        assert isinstance(dead, DeadLetter)
        assert dead.reason.startswith(("blocked non-public address", "malformed host", "malformed URL"))
    for n in range(len(targets(traps, "/link"))):
        dead = by_input[site.url(f"/redirect/{n}")]
        assert isinstance(dead, DeadLetter) and dead.reason.startswith(("blocked", "malformed"))
    assert len(live.progress.errors) == len(feeds) - 3  # the redirected feeds, each refused
    assert all("blocked" in line or "malformed" in line for line in live.progress.errors)


def test_pages_and_saved_files_never_reach_the_traps(
    tmp_path: Path, site: Site, traps: Traps, no_egress: None
) -> None:
    redirects = [site.redirect(f"/to/{n}", url) for n, url in enumerate(targets(traps, "/r"))]
    page = site.add("/page", trap_page(traps, SEED.title))
    saved = tmp_path / "saved.html"
    saved.write_bytes(trap_page(traps, "Saved"))
    only_url = tmp_path / "url.html"
    only_url.write_text(traps.urls("/text.html")[0])
    published: list[Item] = []
    urls = [*targets(traps, "/p"), *redirects, page]
    progress = ingest_pages(tmp_path / "data", urls, published.extend, max_bytes=1_000_000, allowed=ALLOWED)
    published.extend(item for path in (saved, only_url) for item in read_html_file(path, 1_000_000))
    assert_untouched(traps)
    by_input = dict(published)
    assert isinstance(by_input[page], Article) and isinstance(by_input[str(saved)], Article)
    dead = [item for item in by_input.values() if isinstance(item, DeadLetter)]
    assert len(dead) == progress.rejected == len(urls) - 1
    assert all(item.reason.startswith(("blocked", "malformed")) for item in dead)


def test_trafilatura_htmldate_and_feedparser_given_a_url_as_text_fetch_nothing(
    tmp_path: Path, traps: Traps, no_egress: None
) -> None:
    saved = tmp_path / "url.html"
    parsed = 0
    for url in traps.urls("/text.html"):
        # a text whose first 50 characters hold no "html" is not taken for a page at all
        if (tree := parse_html(url)) is not None:
            parsed += 1
            page = extract_page(tree)
            assert page is not None and page.text.strip() == url
            assert page_date(page, url, None)[1] in ("text", None)
            htmldate.find_date(tree, extensive_search=True, original_date=True)
            assert trafilatura.bare_extraction(tree, with_metadata=True) is not None
        kind = Article if tree is not None else DeadLetter
        assert isinstance(article_from_html(url, "text"), kind)
        assert isinstance(article_from_html(url.encode(), "bytes"), kind)
        saved.write_text(url)
        assert [type(item) for _, item in read_html_file(saved, 1000)] == [kind]
        assert not feedparser.parse(io.BytesIO(url.encode()), sanitize_html=False).entries
    assert parsed >= len(traps.urls("")) // 2
    assert_untouched(traps)


async def test_a_page_that_points_at_the_traps_is_still_read_from_its_own_url(
    tmp_path: Path, site: Site, traps: Traps, no_egress: None
) -> None:
    page = site.add("/story", trap_page(traps, SEED.title))
    async with LiveIngest(tmp_path, POLICY) as live:
        [(origin, article)] = await live.fetch_pages([page])
    assert_untouched(traps)
    assert isinstance(article, Article) and article.url == page and origin == page
    assert article.provenance and article.provenance.fetched_at is not None
    assert article.provenance.fetched_at.date() == dt.datetime.now(dt.UTC).date()
