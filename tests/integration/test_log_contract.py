"""The log store contract, run on every store: SQLite's :class:`Log` and the in-memory :class:`MemoryLog`."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import orjson
import pytest

from streams.log import LOG_FILE, LOG_FORMAT, Log
from streams.log.interface import FeedRow, LogStore
from streams.log.memory import MemoryLog

FORMAT_2 = """
CREATE TABLE records (topic TEXT NOT NULL, "offset" INTEGER NOT NULL, key TEXT, value BLOB NOT NULL,
    ts INTEGER NOT NULL, headers BLOB, crc INTEGER NOT NULL, PRIMARY KEY (topic, "offset"));
CREATE TABLE groups ("group" TEXT NOT NULL, topic TEXT NOT NULL, "offset" INTEGER NOT NULL,
    PRIMARY KEY ("group", topic)) WITHOUT ROWID;
CREATE TABLE state (tbl TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (tbl, key));
CREATE TABLE articles (id TEXT PRIMARY KEY, "offset" INTEGER NOT NULL) WITHOUT ROWID;
PRAGMA user_version = 2;
"""
"""The layout of a format-2 log, whose state rows had no version column."""


@pytest.fixture(params=["sqlite", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LogStore]:
    opened: LogStore = Log.open(tmp_path) if request.param == "sqlite" else MemoryLog(tmp_path)
    yield opened
    opened.close()


def test_offsets_count_up_from_zero_per_topic(store: LogStore) -> None:
    assert store.append("events", [("a", b"1"), ("b", b"2")]) == range(0, 2)
    assert store.append("state.changes", [(None, b"x")]) == range(0, 1)
    assert store.append("events", [("c", b"3")]) == range(2, 3)
    records = store.read("events")
    assert [(r.offset, r.key, r.value) for r in records] == [(0, "a", b"1"), (1, "b", b"2"), (2, "c", b"3")]
    assert [r.offset for r in store.read("events", 1, limit=1)] == [1]
    assert [r.offset for r in store.read("events", 5)] == []
    assert store.end("events") == 3
    assert store.end("articles.raw") == 0


def test_records_keep_headers_and_an_aware_timestamp(store: LogStore) -> None:
    store.append("articles.raw", [("a1", b"{}")], headers={"origin": "seeds.jsonl:1"})
    (record,) = store.read("articles.raw")
    assert record.headers == {"origin": "seeds.jsonl:1"}
    assert record.timestamp.tzinfo is not None
    assert abs(record.timestamp.timestamp() - time.time()) < 60
    assert record.origin == "articles.raw@0"


def test_a_copy_keeps_the_time_it_is_given(store: LogStore) -> None:
    with store.transaction() as writer:
        assert writer.append("events", "k", b"v", ts=1_500_000_000_000) == 0
        writer.append("events", "k", b"w")
        now = writer.ts
    assert [record.ts for record in store.read("events")] == [1_500_000_000_000, now]


def test_a_failed_transaction_writes_nothing(store: LogStore) -> None:
    with store.transaction() as writer:
        writer.put_state("alliances", "A|B", b"kept")
        writer.commit_offset("reduce", "events", 0)
    version = store.state_version("alliances", "A|B")
    with pytest.raises(RuntimeError), store.transaction() as writer:
        writer.extend("events", [("a", b"1")])
        writer.commit_offset("reduce", "events", 1)
        writer.put_state("alliances", "A|B", b"row")
        writer.put_state("zones", "Z", b"row")
        writer.delete_state("alliances", "A|B")
        writer.index_article("a1", 0)
        raise RuntimeError("stage failed")
    assert store.read("events") == []
    assert store.end("events") == 0
    assert store.committed("reduce", "events") == 0
    assert store.get_state("alliances", "A|B") == b"kept"
    assert store.state_version("alliances", "A|B") == version
    assert store.get_state("zones", "Z") is None
    assert store.article_offset("a1") is None


def test_writes_of_a_transaction_are_visible_inside_it(store: LogStore) -> None:
    with store.transaction() as writer:
        writer.append("articles.raw", "a1", b"{}")
        writer.index_article("a1", 0)
        writer.put_state("zones", "Z", b"v1")
        writer.put_state("zones", "Z", b"v2")
        writer.commit_offset("extract", "articles.raw", 1)
        assert writer.article_offset("a1") == 0
        assert writer.get_state("zones", "Z") == b"v2"
        assert writer.committed("extract", "articles.raw") == 1
        assert writer.end("articles.raw") == 1
    assert store.state_rows("zones") == [("Z", b"v2")]
    assert store.positions() == {("extract", "articles.raw"): 1}
    assert store.article_offset("a1") == 0


def test_state_rows_are_sorted_by_key_and_deleted_rows_are_gone(store: LogStore) -> None:
    with store.transaction() as writer:
        for key in ("B|C", "A|B", "A|C"):
            writer.put_state("alliances", key, key.encode())
        writer.put_state("zones", "IDLIB", b"z")
        writer.delete_state("alliances", "A|C")
        writer.delete_state("alliances", "X|Y")
    assert store.state_rows("alliances") == [("A|B", b"A|B"), ("B|C", b"B|C")]
    assert store.state_rows("zones") == [("IDLIB", b"z")]
    assert store.get_state("alliances", "A|C") is None
    assert store.state_version("alliances", "A|C") is None


def test_a_state_version_is_never_given_twice(store: LogStore) -> None:
    seen = set()
    for value in (b"one", b"two", b"two"):
        with store.transaction() as writer:
            writer.put_state("alliances", "A|B", value)
        version = store.state_version("alliances", "A|B")
        assert version is not None and version[1] == len(value)
        seen.add(version)
    with store.transaction() as writer:
        writer.delete_state("alliances", "A|B")
    with store.transaction() as writer:
        writer.put_state("alliances", "A|B", b"two")
    assert store.state_version("alliances", "A|B") not in seen
    assert len(seen) == 3


def test_another_handle_sees_commits_and_the_version_token_moves(store: LogStore) -> None:
    other = store.reopen()
    try:
        before = other.version()
        store.append("events", [("k", b"v")])
        assert other.version() != before
        assert other.end("events") == 1
        with other.transaction() as writer:
            writer.commit_offset("g", "events", 1)
        assert store.committed("g", "events") == 1
    finally:
        other.close()


def test_a_format_2_log_takes_its_versions_from_the_rowids_and_splits_its_rows(tmp_path: Path) -> None:
    zone, pair = {"zone": "Z", "facts": []}, {"a": "A", "b": "B", "facts": [{"event_id": "e1"}]}
    with sqlite3.connect(tmp_path / LOG_FILE) as db:
        db.executescript(FORMAT_2)
        rows = [("zones", "Z", orjson.dumps(zone)), ("alliances", "A|B", orjson.dumps(pair))]
        db.executemany("INSERT INTO state VALUES (?, ?, ?)", rows)
    with Log.open(tmp_path) as log:
        versions = [log.state_version("zones", "Z"), log.state_version("alliances", "A|B")]
        assert [version[0] for version in versions if version] == [3, 4]  # rewritten as summaries
        assert orjson.loads(log.get_state("alliances", "A|B") or b"") == {"a": "A", "b": "B", "facts": []}
        assert [orjson.loads(value) for value in log.get_facts("alliances", "A|B")] == [[{"event_id": "e1"}]]
        assert log.get_facts("zones", "Z") == []
        with log.transaction() as writer:
            writer.put_state("zones", "Z", b"{}")
        assert log.state_version("zones", "Z") == (5, 2)
    with sqlite3.connect(tmp_path / LOG_FILE) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (LOG_FORMAT,)


def test_records_of_facts_are_appended_per_row_and_go_with_the_row(store: LogStore) -> None:
    with store.transaction() as writer:
        writer.put_state("alliances", "A|B", b"summary")
        writer.append_facts("alliances", "A|B", b"[1]")
        writer.append_facts("alliances", "A|B", b"[2]")
        writer.append_facts("alliances", "A|C", b"[3]")
    assert store.get_facts("alliances", "A|B") == [b"[1]", b"[2]"]
    assert store.facts_rows("alliances") == {"A|B": [b"[1]", b"[2]"], "A|C": [b"[3]"]}
    newest = store.facts_version("alliances", "A|B")
    assert newest is not None
    with pytest.raises(RuntimeError), store.transaction() as writer:
        writer.append_facts("alliances", "A|B", b"[4]")
        writer.delete_facts("alliances", "A|C")
        raise RuntimeError("stage failed")
    assert store.get_facts("alliances", "A|B") == [b"[1]", b"[2]"]
    assert store.get_facts("alliances", "A|C") == [b"[3]"]
    assert store.facts_version("alliances", "A|B") == newest
    with store.transaction() as writer:
        writer.append_facts("alliances", "A|B", b"[5]")
    assert (store.facts_version("alliances", "A|B") or 0) > newest
    with store.transaction() as writer:
        writer.delete_state("alliances", "A|B")
    assert store.get_facts("alliances", "A|B") == []
    assert store.facts_version("alliances", "A|B") is None
    assert store.facts_rows("alliances") == {"A|C": [b"[3]"]}


def test_audit_pages_are_replaced_whole_and_cleared(store: LogStore) -> None:
    with store.transaction() as writer:
        writer.put_audit("alliances", "A|B", (1, 10, b"head"), [(0.5, b"f1"), (0.75, b"f2"), (1.0, b"f3")])
        writer.put_audit("zones", "Z", (2, 3, b"zone"), [])
    assert store.audit_head("alliances", "A|B") == (1, 10, b"head")
    assert store.audit_facts("alliances", "A|B", 2) == [(0.5, b"f1"), (0.75, b"f2")]
    assert store.audit_facts("alliances", "A|B") == [(0.5, b"f1"), (0.75, b"f2"), (1.0, b"f3")]
    with store.transaction() as writer:
        writer.put_audit("alliances", "A|B", (4, 5, b"again"), [(0.25, b"g1")])
    assert store.audit_head("alliances", "A|B") == (4, 5, b"again")
    assert store.audit_facts("alliances", "A|B") == [(0.25, b"g1")]
    with store.transaction() as writer:
        writer.clear_audit()
    assert store.audit_head("zones", "Z") is None
    assert store.audit_facts("alliances", "A|B") == []


def test_the_near_duplicate_index_keeps_the_first_article_of_each_url_text_and_signature(
    store: LogStore,
) -> None:
    with store.transaction() as writer:
        assert writer.dedupe_format() is None
        writer.set_dedupe_format("v1")
        writer.set_dedupe_format("v2")
        writer.remember_urls(["https://a.example/1", "https://a.example/2"], "a1")
        writer.remember_urls(["https://a.example/2"], "a2")
        writer.remember_text("h1", "a1")
        writer.remember_text("h1", "a2")
        writer.add_sketch("a1", "a1", b"sig1", [10, 11])
        writer.add_sketch("a2", "a1", b"sig2", [11, 12])
        writer.add_sketch("a2", "a2", b"other", [13])
        assert writer.url_article("https://a.example/2") == "a1"
    assert store.dedupe_format() == "v1"
    assert store.url_article("https://a.example/2") == "a1"
    assert store.url_article("https://b.example/") is None
    assert store.text_article("h1") == "a1"
    assert store.text_article("h2") is None
    assert store.sketches_in([11]) == [("a1", b"sig1"), ("a1", b"sig2")]
    assert store.sketches_in([12, 10]) == [("a1", b"sig1"), ("a1", b"sig2")]
    assert store.sketches_in([13, 99]) == []
    assert store.admitted("a2") and not store.admitted("a3")


def test_the_feed_state_keeps_each_feed_and_the_entries_still_in_it(store: LogStore) -> None:
    polled = FeedRow(title="News", etag='"1"', polled_at="2026-01-01T00:00:00+00:00")
    with store.transaction() as writer:
        writer.put_feed("https://f.example/rss", polled)
        for key in ("e1", "e2", "e3"):
            writer.mark_seen("https://f.example/rss", key)
        writer.mark_seen("https://g.example/rss", "e1")
        writer.keep_entries("https://f.example/rss", {"e2", "e4"})
    assert store.feed("https://f.example/rss") == polled
    assert store.feed("https://g.example/rss") is None
    seen = [store.entry_seen("https://f.example/rss", key) for key in ("e1", "e2", "e3", "e4")]
    assert seen == [False, True, False, False]
    assert store.entry_seen("https://g.example/rss", "e1")


def test_a_failed_transaction_leaves_the_indexes_as_they_were(store: LogStore) -> None:
    with store.transaction() as writer:
        writer.put_audit("zones", "Z", (1, 1, b"kept"), [(1.0, b"f")])
        writer.put_feed("https://f.example/rss", FeedRow(title="kept"))
        writer.mark_seen("https://f.example/rss", "e1")
    with pytest.raises(RuntimeError), store.transaction() as writer:
        writer.clear_audit()
        writer.set_dedupe_format("v1")
        writer.remember_urls(["https://a.example/1"], "a1")
        writer.remember_text("h1", "a1")
        writer.add_sketch("a1", "a1", b"sig", [1])
        writer.put_feed("https://f.example/rss", FeedRow(failures=1))
        writer.mark_seen("https://f.example/rss", "e2")
        writer.keep_entries("https://f.example/rss", ())
        raise RuntimeError("ingest failed")
    assert store.audit_head("zones", "Z") == (1, 1, b"kept")
    assert store.audit_facts("zones", "Z") == [(1.0, b"f")]
    assert store.dedupe_format() is None
    assert store.url_article("https://a.example/1") is None
    assert store.text_article("h1") is None
    assert store.sketches_in([1]) == [] and not store.admitted("a1")
    assert store.feed("https://f.example/rss") == FeedRow(title="kept")
    assert store.entry_seen("https://f.example/rss", "e1")
    assert not store.entry_seen("https://f.example/rss", "e2")


LEGACY_FILES = {
    "audit.db": """
CREATE TABLE heads (tbl TEXT NOT NULL, key TEXT NOT NULL, row_id INTEGER NOT NULL, size INTEGER NOT NULL,
    head BLOB NOT NULL, PRIMARY KEY (tbl, key)) WITHOUT ROWID;
CREATE TABLE facts (tbl TEXT NOT NULL, key TEXT NOT NULL, rank INTEGER NOT NULL, cumulative REAL NOT NULL,
    fact BLOB NOT NULL, PRIMARY KEY (tbl, key, rank)) WITHOUT ROWID;
INSERT INTO heads VALUES ('zones', 'Z', 7, 2, x'6865');
INSERT INTO facts VALUES ('zones', 'Z', 0, 1.0, x'66');
""",
    "dedupe.db": """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE urls (url TEXT PRIMARY KEY, article_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE texts (hash TEXT PRIMARY KEY, article_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sketches (n INTEGER PRIMARY KEY, article_id TEXT NOT NULL UNIQUE, root TEXT NOT NULL,
    signature BLOB NOT NULL);
CREATE TABLE buckets (bucket INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (bucket, n)) WITHOUT ROWID;
PRAGMA journal_mode = WAL;
INSERT INTO meta VALUES ('sketch', 'v1');
INSERT INTO urls VALUES ('https://a.example/1', 'a1');
INSERT INTO texts VALUES ('h1', 'a1');
INSERT INTO sketches VALUES (1, 'a1', 'a1', x'01');
INSERT INTO buckets VALUES (5, 1);
""",
    "feeds.db": """
CREATE TABLE feeds (url TEXT PRIMARY KEY, title TEXT, etag TEXT, last_modified TEXT, polled_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0, retry_at TEXT, error TEXT) WITHOUT ROWID;
CREATE TABLE entries (feed TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (feed, key)) WITHOUT ROWID;
INSERT INTO feeds VALUES ('https://f.example/rss', 'News', '"1"', NULL, '2026-01-01', 2, NULL, 'timeout');
INSERT INTO entries VALUES ('https://f.example/rss', 'e1');
""",
}
"""The index files a format-3 data directory kept beside its log, with one row or so each."""


def test_the_index_files_of_an_older_data_directory_move_into_the_log(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / LOG_FILE) as db:
        db.executescript(FORMAT_2)
    for name, script in LEGACY_FILES.items():
        with closing(sqlite3.connect(tmp_path / name)) as db:
            db.executescript(script)
    with Log.open(tmp_path) as log:
        assert log.audit_head("zones", "Z") == (7, 2, b"he")
        assert log.audit_facts("zones", "Z") == [(1.0, b"f")]
        assert log.dedupe_format() == "v1"
        assert log.url_article("https://a.example/1") == "a1"
        assert log.text_article("h1") == "a1"
        assert log.sketches_in([5]) == [("a1", b"\x01")]
        kept = FeedRow("News", '"1"', None, "2026-01-01", 2, None, "timeout")
        assert log.feed("https://f.example/rss") == kept
        assert log.entry_seen("https://f.example/rss", "e1")
    assert sorted(path.name for path in tmp_path.iterdir()) == [LOG_FILE]
    with Log.open(tmp_path) as log:  # opened again: nothing left to move, nothing lost
        assert log.url_article("https://a.example/1") == "a1"
