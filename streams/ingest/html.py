"""Articles from web pages: main text, title, author and date, without the page's chrome.

Extraction is trafilatura's (boilerplate removal) and htmldate's (dates).
The date is taken, in order, from the page's own date markup (``metadata``),
from the feed entry that linked to it (``feed``), then from dates in the page
text (``text``); :class:`Provenance` records which.

Both libraries are given only parsed trees, never text: given a string that
looks like a URL, htmldate would download it, past the fetcher's address guard.
trafilatura may clean the tree it is given, so the search for dates in the page
text, the only step that needs the page whole once more, parses it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import htmldate
import trafilatura
from lxml.html import HtmlElement

from agents.outlets import domain
from schemas import Article, DeadLetter
from schemas.article import DateMethod, Provenance
from schemas.ids import digest, text_id
from streams.ingest.dedupe import canonical_url, content_hash
from streams.ingest.files import Item, open_regular, read_bounded

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
METADATA_ONLY = {"extensive_search": False, "original_date": True}
"""htmldate options that read only the date markup of a page, not dates in its text."""


@dataclass(frozen=True)
class Page:
    """What a page says about itself."""

    text: str
    title: str | None
    author: str | None
    sitename: str | None
    url: str | None
    published: dt.date | None


@dataclass(frozen=True)
class Origin:
    """Where a page came from: enough to fill in :class:`Provenance`."""

    url: str | None = None
    feed: str | None = None
    feed_title: str | None = None
    feed_date: dt.date | None = None
    entry_title: str | None = None
    fetched_at: dt.datetime | None = None
    http_status: int | None = None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def parse_html(html: bytes | str) -> HtmlElement | None:
    """The document tree of ``html`` (``None`` when it is not HTML), parsed without fetching anything."""
    return trafilatura.load_html(html)


def extract_page(tree: HtmlElement, url: str | None = None) -> Page | None:
    """The main text and metadata of a page; ``None`` when it holds no article text. ``tree`` may be
    left cleaned."""
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params=METADATA_ONLY,
    )
    if doc is None or not (doc.text or "").strip():
        return None
    return Page(
        text=doc.text,
        title=doc.title or None,
        author=doc.author or None,
        sitename=doc.sitename or None,
        url=doc.url or url,
        published=_date(doc.date),
    )


def page_date(
    page: Page, html: bytes | str, feed_date: dt.date | None
) -> tuple[dt.date | None, DateMethod | None]:
    """The publication date and how it was found: page metadata, then the feed, then the text of the
    page ``html``, which only then is parsed anew."""
    if page.published is not None:
        return page.published, "metadata"
    if feed_date is not None:
        return feed_date, "feed"
    tree = parse_html(html)
    if tree is None:
        return None, None
    found = _date(htmldate.find_date(tree, extensive_search=True, original_date=True))
    return (found, "text") if found is not None else (None, None)


def article_from_html(html: bytes | str, input: str, origin: Origin | None = None) -> Article | DeadLetter:
    """One article from a page; a page with no article text becomes a dead letter naming ``input``."""
    origin = origin or Origin()
    tree = parse_html(html)
    page = extract_page(tree, origin.url) if tree is not None else None
    if tree is None or page is None:
        return DeadLetter.of(input, "no article text found in the page", html)
    published, method = page_date(page, html, origin.feed_date)
    url = canonical_url(origin.url or page.url) if (origin.url or page.url) else None
    provenance = Provenance(
        feed=origin.feed,
        url=origin.url,
        outlet=domain(url) if url else None,
        fetched_at=origin.fetched_at,
        http_status=origin.http_status,
        content_hash=content_hash(page.text),
        date_method=method,
    )
    return Article(
        id=digest("url", url) if url else text_id(page.text),
        title=page.title or origin.entry_title,
        text=page.text,
        published=published,
        source=page.sitename or origin.feed_title or provenance.outlet,
        url=url,
        author=page.author,
        provenance=provenance,
    )


def read_html_file(path: Path, max_bytes: int) -> Iterator[Item]:
    """The article of a saved page (``PAGE.html``)."""
    origin = str(path)
    try:
        with open_regular(path) as stream:
            raw = read_bounded(stream, origin, max_bytes)
    except OSError as exc:
        yield origin, DeadLetter.of(origin, f"cannot read: {exc.strerror or exc}")
        return
    yield origin, raw if isinstance(raw, DeadLetter) else article_from_html(raw, origin)
