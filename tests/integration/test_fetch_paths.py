"""Every way ingestion could send a request, aimed at addresses the guard refuses: none is sent.

Feed items link to the traps (in every form of their addresses), redirect to
them, carry them as text, enclosures, external entities or ``xml:base``, and
link to pages whose refresh, canonical link, images and scripts point at them;
a saved page does the same. The traps accept no connection, and nothing
connects outside loopback (the audit hook of :mod:`tests.support.egress`).
"""

from __future__ import annotations

import datetime as dt
import html
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
from tests.support.http_site import ATOM, RSS, Site, article_page, seeds
from tests.support.traps import ALLOWED, OUTSIDE, Traps

POLICY = FetchPolicy(timeout=20.0, retries=0, allowed=ALLOWED)
SEED = seeds()[0]


@pytest.fixture
def traps() -> Iterator[Traps]:
    with Traps() as running:
        yield running


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as running:
        yield running


@pytest.fixture
def no_egress() -> Iterator[None]:
    """Refuse (and record) every connection outside loopback; fail the test if one was attempted."""
    egress.install()
    before = len(egress.ATTEMPTS)
    yield
    assert egress.ATTEMPTS[before:] == []


def targets(traps: Traps, path: str) -> list[str]:
    return [*traps.urls(path), *OUTSIDE]


def trap_page(traps: Traps, title: str) -> bytes:
    """An article page (without a date) whose refresh, canonical link, images and scripts lead to traps."""
    page = article_page(title, SEED.paragraphs).decode()
    for url in targets(traps, "/page"):
        link = html.escape(url)
        page = page.replace(
            "</head>",
            f'<meta http-equiv="refresh" content="0; url={link}"><link rel="canonical" href="{link}">'
            f'<meta property="og:url" content="{link}"><link rel="stylesheet" href="{link}">'
            f'<script src="{link}"></script><base href="{link}"></head>',
        )
        page = page.replace(
            "</article>",
            f'<img src="{link}"><iframe src="{link}"></iframe><a href="{link}">more</a></article>',
        )
    return page.encode()


def rss_of(items: list[str], head: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{head}<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Traps</title>'
        f"<link>http://127.0.0.1/</link>{''.join(items)}</channel></rss>"
    ).encode()


def entry(key: str, body: str) -> str:
    """An RSS item identified by ``key`` (a guid that is no link)."""
    return f'<item><title>{key}</title>{body}<guid isPermaLink="false">{key}</guid></item>'


def trap_feeds(site: Site, traps: Traps) -> list[str]:
    """Feeds whose every item, one way or another, points at the traps."""
    items = []
    for n, url in enumerate(targets(traps, "/link")):
        link = html.escape(url)
        text = html.escape(url.replace("/link", "/text.html"))
        redirect = site.redirect(f"/redirect/{n}", url)
        items += [
            entry(f"link {n}", f"<link>{link}</link>"),
            f'<item><title>guid {n}</title><guid isPermaLink="true">{link}</guid></item>',
            entry(f"text {n}", f"<description>{text}</description>"),
            entry(f"content {n}", f"<content:encoded>{text}</content:encoded>"),
            entry(f"moved {n}", f"<link>{redirect}</link>"),
        ]
    page = site.add("/page", trap_page(traps, SEED.title))
    enclosures = "".join(
        f'<enclosure url="{html.escape(url)}" length="1" type="audio/mpeg"/>' for url in targets(traps, "/e")
    )
    items.append(f"<item><title>{html.escape(SEED.title)}</title><link>{page}</link>{enclosures}</item>")
    inline = html.escape(trap_page(traps, "Inline").decode())
    items.append(entry("inline", f"<description>{inline}</description>"))
    site.add("/traps.xml", rss_of(items), RSS)
    entity = traps.urls("/entity")[0]
    site.add(
        "/entities.xml",
        rss_of(
            ["<item><title>&ext;</title><description>&ext;</description></item>"],
            f'<!DOCTYPE rss [<!ENTITY % dtd SYSTEM "{entity}">%dtd;<!ENTITY ext SYSTEM "{entity}">]>',
        ),
        RSS,
    )
    site.add(
        "/based.xml",
        (
            f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            f'xml:base="{traps.urls("/")[0]}"><title>Based</title><id>based</id>'
            '<entry><title>Relative</title><id>rel</id><link href="story"/></entry></feed>'
        ).encode(),
        ATOM,
    )
    moved = [site.redirect(f"/moved/{n}.xml", url) for n, url in enumerate(targets(traps, "/feed.xml"))]
    return [site.url("/traps.xml"), site.url("/entities.xml"), site.url("/based.xml"), *moved]


def assert_untouched(traps: Traps) -> None:
    assert (traps.connections, traps.requests) == (0, [])


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
    pages = [*targets(traps, "/p"), *redirects, page, str(saved), str(only_url)]
    progress = ingest_pages(tmp_path / "data", pages, published.extend, max_bytes=1_000_000, allowed=ALLOWED)
    assert_untouched(traps)
    by_input = dict(published)
    assert isinstance(by_input[page], Article) and isinstance(by_input[str(saved)], Article)
    dead = [item for item in by_input.values() if isinstance(item, DeadLetter)]
    assert len(dead) == progress.rejected == len(pages) - 3
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
            assert page_date(page, tree, None)[1] in ("text", None)
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
