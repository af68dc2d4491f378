"""What the runtimes ask of a log store, whatever keeps it: :class:`LogStore`.

Two stores implement it and one contract suite runs on both: :class:`~streams.log.store.Log`
(SQLite, durable, shared by the processes of a data directory) and
:class:`~streams.log.memory.MemoryLog` (in this process only, for tests and throwaway runs).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from streams.log.record import Headers, Record


class StoreReader(Protocol):
    """Queries; inside a transaction they see its own writes."""

    def read(self, topic: str, start: int = 0, limit: int | None = None) -> list[Record]:
        """Records of ``topic`` from offset ``start`` on, in offset order (at most ``limit``)."""
        ...

    def end(self, topic: str) -> int:
        """The offset the next record of ``topic`` will get."""
        ...

    def committed(self, group: str, topic: str) -> int | None:
        """The committed position of ``group`` on ``topic`` (next offset to read), if any."""
        ...

    def positions(self) -> dict[tuple[str, str], int]:
        """Every committed position, keyed by ``(group, topic)``."""
        ...

    def get_state(self, tbl: str, key: str) -> bytes | None:
        """One state row's value, or ``None``."""
        ...

    def state_rows(self, tbl: str) -> list[tuple[str, bytes]]:
        """Every ``(key, value)`` row of a state table, sorted by key."""
        ...

    def state_version(self, tbl: str, key: str) -> tuple[int, int] | None:
        """A token that changes whenever a state row is written: its version and size, or ``None``."""
        ...

    def get_facts(self, tbl: str, key: str) -> list[bytes]:
        """The records of facts of one state row, in the order they were appended."""
        ...

    def facts_rows(self, tbl: str) -> dict[str, list[bytes]]:
        """The records of facts of every row of a state table, by key, each row's in appended order."""
        ...

    def facts_version(self, tbl: str, key: str) -> int | None:
        """The id of the newest record of facts of a state row (``None``: it has none); ids are never
        given twice."""
        ...

    def article_offset(self, article_id: str) -> int | None:
        """The ``articles.raw`` offset of an article id, if it was published."""
        ...


class StoreWriter(StoreReader, Protocol):
    """Writes inside one transaction: they commit together or not at all."""

    ts: int
    """The timestamp (ms since the epoch) of every record the transaction appends."""

    def extend(
        self,
        topic: str,
        items: Iterable[tuple[str | None, bytes]],
        headers: Headers | None = None,
        ts: int | None = None,
    ) -> range:
        """Append ``(key, value)`` records sharing ``headers``; return their offsets."""
        ...

    def append(
        self, topic: str, key: str | None, value: bytes, headers: Headers | None = None, ts: int | None = None
    ) -> int:
        """Append one record; return its offset."""
        ...

    def commit_offset(self, group: str, topic: str, offset: int) -> None:
        """Set the position of ``group`` on ``topic`` to ``offset`` (the next record it will read)."""
        ...

    def put_state(self, tbl: str, key: str, value: bytes) -> None:
        """Insert or replace one state row, moving its version past every other row's."""
        ...

    def append_facts(self, tbl: str, key: str, value: bytes) -> None:
        """Append one record of facts to a state row."""
        ...

    def delete_facts(self, tbl: str, key: str) -> None:
        """Remove every record of facts of one state row (before it is written whole again)."""
        ...

    def delete_state(self, tbl: str, key: str) -> None:
        """Remove one state row, its summary and its facts (no-op when absent)."""
        ...

    def index_article(self, article_id: str, offset: int) -> None:
        """Record that ``articles.raw@offset`` holds the article ``article_id``."""
        ...


class LogStore(StoreReader, Protocol):
    """A handle on the log of one data directory; reads outside a transaction see the latest commit."""

    path: Path
    """The log file; its directory is the data directory, which holds the stores kept beside the log."""

    def transaction(self) -> AbstractContextManager[StoreWriter]:
        """One write transaction; offsets are assigned under its lock, so offset order is commit order."""
        ...

    def append(
        self, topic: str, items: Iterable[tuple[str | None, bytes]], headers: Headers | None = None
    ) -> range:
        """Append ``(key, value)`` records to ``topic`` in one transaction; return their offsets."""
        ...

    def version(self) -> tuple[int, int]:
        """A token that changes whenever the store changed, through this handle or another."""
        ...

    def reopen(self) -> LogStore:
        """Another handle on the same log (a connection of its own), to close when done."""
        ...

    def close(self) -> None:
        """Release the handle."""
        ...
