"""The one database of a data directory: backup, restore, salvage and check cover its indexes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from schemas import Article
from schemas.ids import text_id
from streams.backup import backup, restore, salvage
from streams.check import check
from streams.ingest.dedupe import DedupeIndex
from streams.ingest.feeds import FeedState
from streams.ingest.fetch import Validators
from streams.log import LOG_FILE, Log
from streams.log.staged import commit

FEED = "https://news.example/rss"
TEXT = "Troops crossed the river at dawn, officials said, and the talks were put off."
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def ingested(home: Path) -> str:
    """A data directory that admitted one article from a feed; its article id."""
    article = Article(id=text_id(TEXT), text=TEXT, url="https://news.example/a")
    with Log.open(home) as log:
        index, state = DedupeIndex(log), FeedState(log)
        index.admit(article)
        state.succeeded(FEED, NOW, Validators('"v1"', None), "News")
        state.mark_seen(FEED, "entry-1")
        commit(log, index, state)
    return article.id


def assert_ingestion_kept(home: Path, article_id: str) -> None:
    with Log.open(home) as log:
        assert DedupeIndex(log).known_url("https://news.example/a") == article_id
        state = FeedState(log)
        assert state.seen(FEED, "entry-1")
        assert state.get(FEED).validators == Validators('"v1"', None)


def test_backup_and_restore_copy_the_one_database_with_its_indexes(tmp_path: Path) -> None:
    article_id = ingested(tmp_path / "home")
    manifest = backup(tmp_path / "home", tmp_path / "backup")
    assert manifest["databases"] == [LOG_FILE]
    assert restore(tmp_path / "backup", tmp_path / "restored") == [LOG_FILE]
    assert check(tmp_path / "restored") == []
    assert_ingestion_kept(tmp_path / "restored", article_id)


def test_salvage_keeps_what_ingestion_remembers_and_leaves_the_audit_pages_to_be_rebuilt(
    tmp_path: Path,
) -> None:
    article_id = ingested(tmp_path / "home")
    with Log.open(tmp_path / "home") as log, log.transaction() as writer:
        writer.put_audit("zones", "Z", (1, 2, b"{}"), [])
    salvage(tmp_path / "home", tmp_path / "rebuilt")
    assert sorted(path.name for path in (tmp_path / "rebuilt").glob("*.db")) == [LOG_FILE]
    assert_ingestion_kept(tmp_path / "rebuilt", article_id)
    with Log.open(tmp_path / "rebuilt") as log:
        assert log.audit_head("zones", "Z") is None


def test_check_finds_an_audit_page_of_no_state_row_in_the_log(tmp_path: Path) -> None:
    ingested(tmp_path)
    assert check(tmp_path) == []
    with Log.open(tmp_path) as log, log.transaction() as writer:
        writer.put_audit("zones", "Z", (1, 2, b"{}"), [])
    assert check(tmp_path) == [f"{LOG_FILE}: audit_heads zones/Z names no state row"]
