"""RSS and Atom feeds: their entries (parsed by feedparser) and their polling state.

:class:`FeedState` keeps, in the log's database (:class:`~streams.log.interface.FeedReader`),
each feed's validators (ETag, Last-Modified), the entries already handled, and its
failures with the time it may be tried again, so a restarted poller neither repeats
work nor hammers a broken feed. A round's changes are staged (:mod:`streams.log.staged`)
until its articles are published.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import feedparser

from schemas.ids import digest
from streams.ingest.fetch import Validators
from streams.log.interface import FeedRow, LogStore, StoreWriter
from streams.log.staged import Staged


@dataclass(frozen=True)
class Entry:
    """One feed item: ``key`` identifies it within its feed (its id, else its link, else its text)."""

    key: str
    link: str | None
    title: str | None
    published: dt.date | None
    content: str | None


@dataclass(frozen=True)
class Feed:
    """A parsed feed."""

    title: str | None
    entries: tuple[Entry, ...]


def _entry_date(entry: feedparser.FeedParserDict) -> dt.date | None:
    parsed: time.struct_time | None = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed is None:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC).date()


def _link(base: str, href: str | None) -> str | None:
    """The absolute http(s) link of an entry; a malformed one is kept as given, for the fetcher to refuse."""
    if not href:
        return None
    try:
        link = urljoin(base, href)
    except ValueError:
        link = href
    # anything else is an id such as urn:... that feedparser offers as the link
    return link if link.startswith(("http://", "https://")) else None


def _entry(entry: feedparser.FeedParserDict, base: str) -> Entry:
    link = _link(base, entry.get("link"))
    contents = entry.get("content") or []
    content = contents[0].get("value") if contents else entry.get("summary")
    key = entry.get("id") or link or digest("entry", entry.get("title"), content)
    return Entry(key=key, link=link, title=entry.get("title"), published=_entry_date(entry), content=content)


def parse_feed(body: bytes, url: str) -> Feed | str:
    """The feed in ``body`` (fetched from ``url``), or why it is not one."""
    # A stream, never bytes: feedparser would try to open bytes that look like a path as a local file.
    parsed = feedparser.parse(io.BytesIO(body), sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        return f"not a feed: {problem}" if problem else "not a feed: no RSS or Atom content"
    title = parsed.feed.get("title") or None
    return Feed(title=title, entries=tuple(_entry(entry, url) for entry in parsed.entries))


@dataclass(frozen=True)
class FeedRecord:
    """What is remembered of one feed."""

    url: str
    title: str | None = None
    validators: Validators = field(default_factory=Validators)
    failures: int = 0
    retry_at: dt.datetime | None = None
    error: str | None = None


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


class FeedState(Staged):
    """The state of every feed followed, in ``store``; a round's changes are staged until it commits."""

    def __init__(self, store: LogStore) -> None:
        super().__init__(store)
        self._seen: set[tuple[str, str]] = set()

    def clear(self) -> None:
        """Forget the staged changes."""
        super().clear()
        self._seen.clear()

    def get(self, url: str) -> FeedRecord:
        """The record of ``url`` (a blank one for a feed never polled)."""
        row = self.store.feed(url)
        if row is None:
            return FeedRecord(url)
        validators = Validators(row.etag, row.last_modified)
        return FeedRecord(url, row.title, validators, row.failures, _time(row.retry_at), row.error)

    def succeeded(self, url: str, now: dt.datetime, validators: Validators, title: str | None) -> None:
        """Record a successful poll: new validators (and title, when it has one), failures cleared."""

        def write(writer: StoreWriter) -> None:
            kept = writer.feed(url) or FeedRow()
            polled = FeedRow(title or kept.title, validators.etag, validators.last_modified, now.isoformat())
            writer.put_feed(url, polled)

        self.stage(write)

    def failed(self, url: str, now: dt.datetime, reason: str, retry_at: dt.datetime) -> None:
        """Record a failed poll and when the feed may be tried again."""

        def write(writer: StoreWriter) -> None:
            kept = writer.feed(url) or FeedRow()
            failures, retry = kept.failures + 1, retry_at.isoformat()
            writer.put_feed(
                url, kept._replace(polled_at=now.isoformat(), failures=failures, retry_at=retry, error=reason)
            )

        self.stage(write)

    def seen(self, feed: str, key: str) -> bool:
        """Whether entry ``key`` of ``feed`` was already handled."""
        return (feed, key) in self._seen or self.store.entry_seen(feed, key)

    def mark_seen(self, feed: str, key: str) -> None:
        """Remember that entry ``key`` of ``feed`` was handled."""
        self._seen.add((feed, key))
        self.stage(lambda writer: writer.mark_seen(feed, key))

    def keep_only(self, feed: str, keys: list[str]) -> None:
        """Forget the entries of ``feed`` no longer in it, so its state stays the size of the feed."""
        current = set(keys)
        self.stage(lambda writer: writer.keep_entries(feed, current))
