"""What the runtimes ask of a log store, whatever keeps it: :class:`LogStore`.

Two stores implement it and one contract suite runs on both: :class:`~streams.log.store.Log`
(SQLite, durable, shared by the processes of a data directory) and
:class:`~streams.log.memory.MemoryLog` (in this process only, for tests and throwaway runs).

Beside the topics and the state, a store keeps the indexes of its data directory, each behind a
small interface of its own: the audit pages (:class:`AuditReader`), the near-duplicate index
(:class:`DedupeReader`) and the state of the feeds followed (:class:`FeedReader`); their writes
(:class:`AuditWriter`, :class:`DedupeWriter`, :class:`FeedWriter`) go in the store's transactions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import NamedTuple, Protocol

from streams.log.record import Headers, Items, Record

AuditHead = tuple[int, int, bytes]
"""An audit page's head: the row's storage version (two numbers) and the page without its facts."""
RankedFact = tuple[float, bytes]
"""One fact of an audit page: the sum of the contributions up to it, and the fact."""


class FeedRow(NamedTuple):
    """What is kept of one feed; times are ISO 8601 text."""

    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    polled_at: str | None = None
    failures: int = 0
    retry_at: str | None = None
    error: str | None = None


class AuditReader(Protocol):
    """The audit pages of the state rows (:mod:`streams.audit_index`)."""

    def audit_head(self, tbl: str, key: str) -> AuditHead | None:
        """The head of the page of ``tbl[key]``, if there is one."""
        ...

    def audit_facts(self, tbl: str, key: str, limit: int | None = None) -> list[RankedFact]:
        """The first ``limit`` facts (all when ``None``) of the page of ``tbl[key]``, in rank order."""
        ...


class AuditWriter(AuditReader, Protocol):
    def put_audit(self, tbl: str, key: str, head: AuditHead, facts: list[RankedFact]) -> None:
        """Replace the page of ``tbl[key]``."""
        ...

    def clear_audit(self) -> None:
        """Forget every page."""
        ...


class DedupeReader(Protocol):
    """URLs, text hashes and MinHash signatures of the articles admitted (:mod:`streams.ingest.dedupe`)."""

    def dedupe_format(self) -> str | None:
        """How the stored signatures were made, if any were."""
        ...

    def url_article(self, url: str) -> str | None:
        """The article admitted from ``url``, if any."""
        ...

    def text_article(self, digest: str) -> str | None:
        """The article admitted with the text hash ``digest``, if any."""
        ...

    def admitted(self, article_id: str) -> bool:
        """Whether an article of id ``article_id`` was admitted (as new, or as a copy)."""
        ...

    def sketches_in(self, buckets: list[int]) -> list[tuple[str, bytes]]:
        """The ``(root, signature)`` of every stored signature in one of ``buckets``."""
        ...


class DedupeWriter(DedupeReader, Protocol):
    def set_dedupe_format(self, made_as: str) -> None:
        """Record how signatures are made (unless recorded already)."""
        ...

    def remember_urls(self, urls: Iterable[str], article_id: str) -> None:
        """Remember ``urls`` as ``article_id``'s, each unless remembered already."""
        ...

    def remember_text(self, digest: str, article_id: str) -> None:
        """Remember the text hash ``digest`` as ``article_id``'s, unless remembered already."""
        ...

    def add_sketch(self, article_id: str, root: str, signature: bytes, buckets: list[int]) -> None:
        """Store ``article_id``'s signature in ``buckets``, a copy of ``root`` (no-op when stored)."""
        ...


class FeedReader(Protocol):
    """The state of the feeds followed (:mod:`streams.ingest.feeds`)."""

    def feed(self, url: str) -> FeedRow | None:
        """What is kept of the feed ``url``, if it was ever polled."""
        ...

    def entry_seen(self, feed: str, key: str) -> bool:
        """Whether entry ``key`` of ``feed`` was handled."""
        ...


class FeedWriter(FeedReader, Protocol):
    def put_feed(self, url: str, row: FeedRow) -> None:
        """Insert or replace what is kept of the feed ``url``."""
        ...

    def mark_seen(self, feed: str, key: str) -> None:
        """Remember that entry ``key`` of ``feed`` was handled."""
        ...

    def keep_entries(self, feed: str, keys: Collection[str]) -> None:
        """Forget the entries of ``feed`` not in ``keys``."""
        ...


class StoreReader(AuditReader, DedupeReader, FeedReader, Protocol):
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


class StoreWriter(StoreReader, AuditWriter, DedupeWriter, FeedWriter, Protocol):
    """Writes inside one transaction: they commit together or not at all."""

    ts: int
    """The timestamp (ms since the epoch) of every record the transaction appends."""

    def extend(
        self, topic: str, items: Items, headers: Headers | None = None, ts: int | None = None
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
        """Record that ``articles.raw@offset`` holds the article ``article_id`` (its latest version: a
        revision points the id at its new version)."""
        ...


class LogStore(StoreReader, Protocol):
    """A handle on the log of one data directory; reads outside a transaction see the latest commit."""

    path: Path
    """The log file; its directory is the data directory."""

    def transaction(self) -> AbstractContextManager[StoreWriter]:
        """One write transaction; offsets are assigned under its lock, so offset order is commit order."""
        ...

    def append(self, topic: str, items: Items, headers: Headers | None = None) -> range:
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


class AppendsOne:
    """A writer's one-record ``append``, through its ``extend``."""

    def append(
        self: StoreWriter,
        topic: str,
        key: str | None,
        value: bytes,
        headers: Headers | None = None,
        ts: int | None = None,
    ) -> int:
        """Append one record; return its offset (``ts`` as in ``extend``)."""
        return self.extend(topic, [(key, value)], headers, ts).start


class AppendsBatch:
    """A store's ``append``: records in a transaction of their own."""

    def append(self: LogStore, topic: str, items: Items, headers: Headers | None = None) -> range:
        """Append ``(key, value)`` records to ``topic`` in one transaction; return their offsets."""
        with self.transaction() as writer:
            return writer.extend(topic, items, headers)
