"""RSS and Atom feeds: their entries (parsed by feedparser) and their polling state.

:class:`FeedState` keeps, in ``<data_dir>/feeds.db``, each feed's validators
(ETag, Last-Modified), the entries already handled, and its failures with the
time it may be tried again, so a restarted poller neither repeats work nor
hammers a broken feed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import feedparser

from schemas.ids import digest
from streams.ingest.fetch import Validators

SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    title TEXT,
    etag TEXT,
    last_modified TEXT,
    polled_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    retry_at TEXT,
    error TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (
    feed TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (feed, key)
) WITHOUT ROWID;
"""


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


class FeedState:
    """The persistent state of every feed followed."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.executescript(SCHEMA)
        self._db.execute("PRAGMA journal_mode=WAL")

    def close(self) -> None:
        self._db.close()

    def commit(self) -> None:
        self._db.commit()

    def rollback(self) -> None:
        self._db.rollback()

    def get(self, url: str) -> FeedRecord:
        """The record of ``url`` (a blank one for a feed never polled)."""
        row = self._db.execute(
            "SELECT title, etag, last_modified, failures, retry_at, error FROM feeds WHERE url = ?", (url,)
        ).fetchone()
        if row is None:
            return FeedRecord(url)
        title, etag, modified, failures, retry_at, error = row
        return FeedRecord(url, title, Validators(etag, modified), failures, _time(retry_at), error)

    def succeeded(self, url: str, now: dt.datetime, validators: Validators, title: str | None) -> None:
        """Record a successful poll: new validators, failures cleared."""
        self._db.execute(
            "INSERT INTO feeds (url, title, etag, last_modified, polled_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET title = coalesce(excluded.title, title), etag = excluded.etag, "
            "last_modified = excluded.last_modified, polled_at = excluded.polled_at, "
            "failures = 0, retry_at = NULL, error = NULL",
            (url, title, validators.etag, validators.last_modified, now.isoformat()),
        )

    def failed(self, url: str, now: dt.datetime, reason: str, retry_at: dt.datetime) -> None:
        """Record a failed poll and when the feed may be tried again."""
        self._db.execute(
            "INSERT INTO feeds (url, polled_at, failures, retry_at, error) VALUES (?, ?, 1, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET polled_at = excluded.polled_at, failures = failures + 1, "
            "retry_at = excluded.retry_at, error = excluded.error",
            (url, now.isoformat(), retry_at.isoformat(), reason),
        )

    def seen(self, feed: str, key: str) -> bool:
        """Whether entry ``key`` of ``feed`` was already handled."""
        row = self._db.execute("SELECT 1 FROM entries WHERE feed = ? AND key = ?", (feed, key)).fetchone()
        return row is not None

    def mark_seen(self, feed: str, key: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO entries VALUES (?, ?)", (feed, key))

    def keep_only(self, feed: str, keys: list[str]) -> None:
        """Forget the entries of ``feed`` no longer in it, so its state stays the size of the feed."""
        current = set(keys)
        rows = self._db.execute("SELECT key FROM entries WHERE feed = ?", (feed,)).fetchall()
        gone = [(feed, key) for (key,) in rows if key not in current]
        self._db.executemany("DELETE FROM entries WHERE feed = ? AND key = ?", gone)
