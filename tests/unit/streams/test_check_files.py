"""What the store guard makes of a database file another process is creating."""

from __future__ import annotations

from pathlib import Path

from streams.check import file_findings, guard


def test_an_empty_database_file_is_not_damaged(tmp_path: Path) -> None:
    """``sqlite3.connect`` in another process has created the file and not yet written page 1."""
    (tmp_path / "log.db").touch()
    assert list(file_findings(Path("log.db"), tmp_path / "log.db")) == []
    guard(tmp_path)


def test_a_file_that_is_not_sqlite_is_damaged(tmp_path: Path) -> None:
    (tmp_path / "log.db").write_bytes(b"not a database at all, but long enough to hold a header" * 2)
    assert list(file_findings(Path("log.db"), tmp_path / "log.db")) == [
        "log.db: page 1 does not begin with SQLite's header"
    ]
