"""The indexes kept in the log's database beside its topics, on SQLite: the audit pages, the
near-duplicate index and the state of the feeds followed, each in tables of its own.

Tables:

- ``audit_heads(tbl, key, row_id, size, head)``, ``audit_facts(tbl, key, rank, cumulative, fact)``:
  the page of a state row (:mod:`streams.audit_index`) at the row's storage version ``(row_id, size)``.
- ``dedupe_meta(key, value)``: how the signatures were made; ``dedupe_urls(url, article_id)``,
  ``dedupe_texts(hash, article_id)``: canonical URLs and text hashes of the articles admitted;
  ``dedupe_sketches(n, article_id, root, signature)``, ``dedupe_buckets(bucket, n)``: their MinHash
  signatures and LSH band buckets (:mod:`streams.ingest.dedupe`).
- ``feeds(url, title, etag, last_modified, polled_at, failures, retry_at, error)``,
  ``feed_entries(feed, key)``: each feed's validators and failures, and the entries handled
  (:mod:`streams.ingest.feeds`).

Older data directories kept them in files of their own (:data:`LEGACY`); opening the log moves
their rows here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable

from streams.log.interface import AuditHead, FeedRow, RankedFact

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_heads (
    tbl TEXT NOT NULL, key TEXT NOT NULL, row_id INTEGER NOT NULL, size INTEGER NOT NULL,
    head BLOB NOT NULL, PRIMARY KEY (tbl, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_facts (
    tbl TEXT NOT NULL, key TEXT NOT NULL, rank INTEGER NOT NULL, cumulative REAL NOT NULL,
    fact BLOB NOT NULL, PRIMARY KEY (tbl, key, rank)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dedupe_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dedupe_urls (url TEXT PRIMARY KEY, article_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dedupe_texts (hash TEXT PRIMARY KEY, article_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dedupe_sketches (
    n INTEGER PRIMARY KEY, article_id TEXT NOT NULL UNIQUE, root TEXT NOT NULL, signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS dedupe_buckets (
    bucket INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (bucket, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY, title TEXT, etag TEXT, last_modified TEXT, polled_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0, retry_at TEXT, error TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS feed_entries (
    feed TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (feed, key)
) WITHOUT ROWID;
"""

AUDIT_TABLES = ("audit_heads", "audit_facts")
INGEST_TABLES = (
    "dedupe_meta",
    "dedupe_urls",
    "dedupe_texts",
    "dedupe_sketches",
    "dedupe_buckets",
    "feeds",
    "feed_entries",
)
"""The tables of what ingestion remembers; unlike the audit pages, nothing else rebuilds them."""
AUDIT_FILE = "audit.db"
"""The file an older data directory kept its audit pages in."""
LEGACY: dict[str, tuple[tuple[str, str], ...]] = {
    AUDIT_FILE: (("heads", "audit_heads"), ("facts", "audit_facts")),
    "dedupe.db": (
        ("meta", "dedupe_meta"),
        ("urls", "dedupe_urls"),
        ("texts", "dedupe_texts"),
        ("sketches", "dedupe_sketches"),
        ("buckets", "dedupe_buckets"),
    ),
    "feeds.db": (("feeds", "feeds"), ("entries", "feed_entries")),
}
"""The files older data directories kept beside the log, and which of their tables goes where."""


class SideRows:
    """Queries of the indexes over one connection."""

    _db: sqlite3.Connection

    def audit_head(self, tbl: str, key: str) -> AuditHead | None:
        """The head of the page of ``tbl[key]``, if there is one."""
        row = self._db.execute(
            "SELECT row_id, size, head FROM audit_heads WHERE tbl = ? AND key = ?", (tbl, key)
        ).fetchone()
        return None if row is None else (row[0], row[1], bytes(row[2]))

    def audit_facts(self, tbl: str, key: str, limit: int | None = None) -> list[RankedFact]:
        """The first ``limit`` facts (all when ``None``) of the page of ``tbl[key]``, in rank order."""
        rows = self._db.execute(
            "SELECT cumulative, fact FROM audit_facts WHERE tbl = ? AND key = ? ORDER BY rank LIMIT ?",
            (tbl, key, -1 if limit is None else limit),
        )
        return [(cumulative, bytes(fact)) for cumulative, fact in rows]

    def dedupe_format(self) -> str | None:
        """How the stored signatures were made, if any were."""
        row = self._db.execute("SELECT value FROM dedupe_meta WHERE key = 'sketch'").fetchone()
        return None if row is None else str(row[0])

    def url_article(self, url: str) -> str | None:
        """The article admitted from ``url``, if any."""
        row = self._db.execute("SELECT article_id FROM dedupe_urls WHERE url = ?", (url,)).fetchone()
        return None if row is None else str(row[0])

    def text_article(self, digest: str) -> str | None:
        """The article admitted with the text hash ``digest``, if any."""
        row = self._db.execute("SELECT article_id FROM dedupe_texts WHERE hash = ?", (digest,)).fetchone()
        return None if row is None else str(row[0])

    def admitted(self, article_id: str) -> bool:
        """Whether an article of id ``article_id`` was admitted (as new, or as a copy)."""
        row = self._db.execute("SELECT 1 FROM dedupe_sketches WHERE article_id = ?", (article_id,))
        return row.fetchone() is not None

    def sketches_in(self, buckets: list[int]) -> list[tuple[str, bytes]]:
        """The ``(root, signature)`` of every stored signature in one of ``buckets``."""
        rows = self._db.execute(
            "SELECT root, signature FROM dedupe_sketches WHERE n IN "
            f"(SELECT n FROM dedupe_buckets WHERE bucket IN ({', '.join('?' * len(buckets))})) ORDER BY n",
            buckets,
        )
        return [(root, bytes(signature)) for root, signature in rows]

    def feed(self, url: str) -> FeedRow | None:
        """What is kept of the feed ``url``, if it was ever polled."""
        row = self._db.execute(
            "SELECT title, etag, last_modified, polled_at, failures, retry_at, error"
            " FROM feeds WHERE url = ?",
            (url,),
        ).fetchone()
        return None if row is None else FeedRow(*row)

    def entry_seen(self, feed: str, key: str) -> bool:
        """Whether entry ``key`` of ``feed`` was handled."""
        row = self._db.execute("SELECT 1 FROM feed_entries WHERE feed = ? AND key = ?", (feed, key))
        return row.fetchone() is not None


class SideWrites(SideRows):
    """Writes of the indexes inside one transaction."""

    def put_audit(self, tbl: str, key: str, head: AuditHead, facts: list[RankedFact]) -> None:
        """Replace the page of ``tbl[key]``."""
        self._db.execute("DELETE FROM audit_facts WHERE tbl = ? AND key = ?", (tbl, key))
        self._db.executemany(
            "INSERT INTO audit_facts VALUES (?, ?, ?, ?, ?)",
            [(tbl, key, rank, cumulative, fact) for rank, (cumulative, fact) in enumerate(facts)],
        )
        self._db.execute("INSERT OR REPLACE INTO audit_heads VALUES (?, ?, ?, ?, ?)", (tbl, key, *head))

    def clear_audit(self) -> None:
        """Forget every page."""
        self._db.execute("DELETE FROM audit_facts")
        self._db.execute("DELETE FROM audit_heads")

    def set_dedupe_format(self, made_as: str) -> None:
        """Record how signatures are made (unless recorded already)."""
        self._db.execute("INSERT OR IGNORE INTO dedupe_meta VALUES ('sketch', ?)", (made_as,))

    def remember_urls(self, urls: Iterable[str], article_id: str) -> None:
        """Remember ``urls`` as ``article_id``'s, each unless remembered already."""
        rows = [(url, article_id) for url in urls]
        self._db.executemany("INSERT OR IGNORE INTO dedupe_urls VALUES (?, ?)", rows)

    def remember_text(self, digest: str, article_id: str) -> None:
        """Remember the text hash ``digest`` as ``article_id``'s, unless remembered already."""
        self._db.execute("INSERT OR IGNORE INTO dedupe_texts VALUES (?, ?)", (digest, article_id))

    def add_sketch(self, article_id: str, root: str, signature: bytes, buckets: list[int]) -> None:
        """Store ``article_id``'s signature in ``buckets``, a copy of ``root`` (no-op when stored)."""
        row = self._db.execute(
            "INSERT INTO dedupe_sketches (article_id, root, signature) VALUES (?, ?, ?) "
            "ON CONFLICT (article_id) DO NOTHING RETURNING n",
            (article_id, root, signature),
        ).fetchone()
        if row is not None:
            rows = [(bucket, row[0]) for bucket in buckets]
            self._db.executemany("INSERT OR IGNORE INTO dedupe_buckets VALUES (?, ?)", rows)

    def put_feed(self, url: str, row: FeedRow) -> None:
        """Insert or replace what is kept of the feed ``url``."""
        self._db.execute("INSERT OR REPLACE INTO feeds VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (url, *row))

    def mark_seen(self, feed: str, key: str) -> None:
        """Remember that entry ``key`` of ``feed`` was handled."""
        self._db.execute("INSERT OR IGNORE INTO feed_entries VALUES (?, ?)", (feed, key))

    def keep_entries(self, feed: str, keys: Collection[str]) -> None:
        """Forget the entries of ``feed`` not in ``keys``."""
        rows = self._db.execute("SELECT key FROM feed_entries WHERE feed = ?", (feed,)).fetchall()
        gone = [(feed, key) for (key,) in rows if key not in keys]
        self._db.executemany("DELETE FROM feed_entries WHERE feed = ? AND key = ?", gone)
