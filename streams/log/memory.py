"""A log store held in this process's memory: the :class:`~streams.log.interface.LogStore` contract
without a file, for tests and throwaway runs.

Every handle made by :meth:`MemoryLog.reopen` shares one :class:`Data`. A transaction holds the
data's lock from begin to end, writes in place and undoes its writes if it fails, so readers (who
take the same lock) see only committed writes, as on SQLite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from streams.log.interface import AppendsBatch, AppendsOne
from streams.log.memory_sides import MemorySideRows, MemorySideWrites, Sides
from streams.log.record import Headers, Items, Record, now_ms
from streams.log.store import LOG_FILE


@dataclass
class Data:
    """What every handle on one in-memory log shares."""

    records: dict[str, list[Record]] = field(default_factory=dict)
    groups: dict[tuple[str, str], int] = field(default_factory=dict)
    state: dict[str, dict[str, tuple[bytes, int]]] = field(default_factory=dict)
    articles: dict[str, int] = field(default_factory=dict)
    facts: dict[str, dict[str, list[tuple[int, bytes]]]] = field(default_factory=dict)
    """Each row's records of facts with their ids, by table and key."""
    sequence: int = 0
    """The last state version given."""
    facts_sequence: int = 0
    """The last id of a record of facts given."""
    sides: Sides = field(default_factory=Sides)
    commits: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)


class MemoryReader(MemorySideRows):
    """Queries over :class:`Data`, each under its lock (held already inside a transaction)."""

    def __init__(self, data: Data) -> None:
        self._data = data
        self._sides = data.sides
        self._lock = data.lock

    def read(self, topic: str, start: int = 0, limit: int | None = None) -> list[Record]:
        """Records of ``topic`` from offset ``start`` on, in offset order (at most ``limit``)."""
        with self._data.lock:
            records = self._data.records.get(topic, [])
            return records[start : None if limit is None else start + limit]

    def end(self, topic: str) -> int:
        """The offset the next record of ``topic`` will get."""
        with self._data.lock:
            return len(self._data.records.get(topic, ()))

    def committed(self, group: str, topic: str) -> int | None:
        """The committed position of ``group`` on ``topic``, if any."""
        with self._data.lock:
            return self._data.groups.get((group, topic))

    def positions(self) -> dict[tuple[str, str], int]:
        """Every committed position, keyed by ``(group, topic)``."""
        with self._data.lock:
            return dict(sorted(self._data.groups.items()))

    def get_state(self, tbl: str, key: str) -> bytes | None:
        """One state row's value, or ``None``."""
        with self._data.lock:
            found = self._data.state.get(tbl, {}).get(key)
            return None if found is None else found[0]

    def state_rows(self, tbl: str) -> list[tuple[str, bytes]]:
        """Every ``(key, value)`` row of a state table, sorted by key."""
        with self._data.lock:
            return [(key, value) for key, (value, _) in sorted(self._data.state.get(tbl, {}).items())]

    def state_version(self, tbl: str, key: str) -> tuple[int, int] | None:
        """The version and size of a state row, or ``None``."""
        with self._data.lock:
            found = self._data.state.get(tbl, {}).get(key)
            return None if found is None else (found[1], len(found[0]))

    def get_facts(self, tbl: str, key: str) -> list[bytes]:
        """The records of facts of one state row, in the order they were appended."""
        with self._data.lock:
            return [value for _, value in self._data.facts.get(tbl, {}).get(key, ())]

    def facts_rows(self, tbl: str) -> dict[str, list[bytes]]:
        """The records of facts of every row of a state table, by key."""
        with self._data.lock:
            rows = self._data.facts.get(tbl, {})
            return {key: [value for _, value in records] for key, records in rows.items() if records}

    def facts_version(self, tbl: str, key: str) -> int | None:
        """The id of the newest record of facts of a state row, or ``None``."""
        with self._data.lock:
            records = self._data.facts.get(tbl, {}).get(key)
            return records[-1][0] if records else None

    def article_offset(self, article_id: str) -> int | None:
        """The ``articles.raw`` offset of an article id, if it was published."""
        with self._data.lock:
            return self._data.articles.get(article_id)


class MemoryWriter(AppendsOne, MemoryReader, MemorySideWrites):
    """Writes of one transaction, each with the step that undoes it."""

    def __init__(self, data: Data, ts: int) -> None:
        super().__init__(data)
        self.ts = ts
        self.undo: list[Callable[[], None]] = []

    def extend(
        self, topic: str, items: Items, headers: Headers | None = None, ts: int | None = None
    ) -> range:
        """Append ``(key, value)`` records sharing ``headers``; return their offsets."""
        records = self._data.records.setdefault(topic, [])
        start, stamp = len(records), self.ts if ts is None else ts
        for offset, (key, value) in enumerate(items, start):
            records.append(Record(topic, offset, key, bytes(value), stamp, dict(headers or {})))
        self.undo.append(lambda: records.__delitem__(slice(start, None)))
        return range(start, len(records))

    def commit_offset(self, group: str, topic: str, offset: int) -> None:
        """Set the position of ``group`` on ``topic``."""
        self._restore(self._data.groups, (group, topic))
        self._data.groups[(group, topic)] = offset

    def put_state(self, tbl: str, key: str, value: bytes) -> None:
        """Insert or replace one state row under the next state version."""
        rows = self._data.state.setdefault(tbl, {})
        self._restore(rows, key)
        sequence = self._data.sequence
        self.undo.append(lambda: setattr(self._data, "sequence", sequence))
        self._data.sequence += 1
        rows[key] = (bytes(value), self._data.sequence)

    def append_facts(self, tbl: str, key: str, value: bytes) -> None:
        """Append one record of facts to a state row, under the next id."""
        records = self._data.facts.setdefault(tbl, {}).setdefault(key, [])
        sequence = self._data.facts_sequence
        self.undo.append(lambda: setattr(self._data, "facts_sequence", sequence))
        self._data.facts_sequence += 1
        records.append((self._data.facts_sequence, bytes(value)))
        self.undo.append(records.pop)

    def delete_facts(self, tbl: str, key: str) -> None:
        """Remove every record of facts of one state row."""
        rows = self._data.facts.get(tbl, {})
        if key in rows:
            self._restore(rows, key)
            del rows[key]

    def delete_state(self, tbl: str, key: str) -> None:
        """Remove one state row, its summary and its facts (no-op when absent)."""
        rows = self._data.state.get(tbl, {})
        if key in rows:
            self._restore(rows, key)
            del rows[key]
        self.delete_facts(tbl, key)

    def index_article(self, article_id: str, offset: int) -> None:
        """Record that ``articles.raw@offset`` holds the article ``article_id`` (its latest version)."""
        self._restore(self._data.articles, article_id)
        self._data.articles[article_id] = offset


class MemoryLog(AppendsBatch, MemoryReader):
    """A handle on an in-memory log; ``path`` names the data directory it stands for."""

    def __init__(self, data_dir: Path, data: Data | None = None) -> None:
        super().__init__(data or Data())
        self.path = data_dir / LOG_FILE

    @contextmanager
    def transaction(self) -> Iterator[MemoryWriter]:
        """One write transaction, undone whole if it raises."""
        with self._data.lock:
            writer = MemoryWriter(self._data, now_ms())
            try:
                yield writer
            except BaseException:
                for step in reversed(writer.undo):
                    step()
                raise
            self._data.commits += 1

    def version(self) -> tuple[int, int]:
        """The number of commits so far (the second part is for the SQLite token's shape)."""
        return self._data.commits, 0

    def reopen(self) -> MemoryLog:
        """Another handle on the same data."""
        return MemoryLog(self.path.parent, self._data)

    def close(self) -> None:
        """Nothing to release."""

    def __enter__(self) -> MemoryLog:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
