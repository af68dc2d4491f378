"""A durable single-machine log on SQLite: topics of records, committed offsets, a state store and
the indexes of the data directory (:mod:`streams.log.sides`).

One file, ``<data_dir>/log.db``, the only database of the data directory, in WAL mode,
shared by every process that opens the same data directory (an ``ingest`` while a ``worker``
runs and a ``subscribe`` tails). Readers never block; writers take turns.

Tables:

- ``records(topic, offset, key, value, ts, headers, crc)``: per-topic offsets 0, 1, 2, …
  with no gaps; ``ts`` is milliseconds since the epoch (UTC); ``crc`` is the
  CRC-32 of ``value``, written on append and verified on every read.
- ``groups(group, topic, offset)``: the committed position of a consumer group,
  the offset of the next record it will read (as in Kafka).
- ``state(tbl, key, value, version)``: the summaries of the rows of the state tables (a row without
  its facts); ``version`` takes the next number of the ``state`` sequence on each write (never one
  given before, even to a row since deleted), so it tells whether a row was rewritten without reading it.
- ``sequences(name, value)``: the last number given by each sequence.
- ``facts(id, tbl, key, value)``: records of facts of the rows, appended, never rewritten: each
  update of a row appends the facts it added or changed (see ``agents/reduce/stored.py``); ``id``
  grows with every record and is never reused.
- ``articles(id, offset)``: which article ids ``articles.raw`` already holds,
  so publishing one again is a no-op.
- the tables of the audit pages, the near-duplicate index and the feed state: see :mod:`streams.log.sides`.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import orjson

from streams.log import sides
from streams.log.interface import AppendsBatch, AppendsOne
from streams.log.record import Headers, Items, Record, now_ms

LOG_FILE = "log.db"
LOG_FORMAT = 4
"""The layout of the tables below, kept in ``PRAGMA user_version``; format 1 lacked ``records.crc``,
format 2 kept each state row whole (facts included) in ``state`` and had no ``state.version``,
format 3 left the indexes in files of their own beside the log (:data:`streams.log.sides.LEGACY`)."""
BUSY_TIMEOUT_S = 60.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    topic TEXT NOT NULL,
    "offset" INTEGER NOT NULL,
    key TEXT,
    value BLOB NOT NULL,
    ts INTEGER NOT NULL,
    headers BLOB,
    crc INTEGER NOT NULL,
    PRIMARY KEY (topic, "offset")
);
CREATE TABLE IF NOT EXISTS groups (
    "group" TEXT NOT NULL,
    topic TEXT NOT NULL,
    "offset" INTEGER NOT NULL,
    PRIMARY KEY ("group", topic)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state (
    tbl TEXT NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tbl, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sequences (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO sequences VALUES ('state', (SELECT COALESCE(MAX(version), 0) FROM state));
CREATE TABLE IF NOT EXISTS facts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl TEXT NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_of_row ON facts (tbl, key);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    "offset" INTEGER NOT NULL
) WITHOUT ROWID;
"""
SIDE_FILES = ("", "-wal", "-shm", "-journal")
"""What SQLite keeps of one database: the file and its write-ahead log, shared memory and journal."""


class LogFormatError(RuntimeError):
    """The log file was written by a newer version with a different table layout."""


class DamagedStore(Exception):
    """A database of the data directory is damaged: unreadable, or holding what was never written."""


class CorruptRecord(DamagedStore):
    """A record whose value no longer matches the checksum written with it."""

    def __init__(self, topic: str, offset: int) -> None:
        super().__init__(f"record {topic}@{offset} does not match its checksum")
        self.topic = topic
        self.offset = offset


def connect(path: Path, *, busy_timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """A plain connection to one database, which neither creates tables nor migrates anything."""
    return sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)


def remove_database(path: Path) -> None:
    """Delete one database with its write-ahead log, shared memory and journal."""
    for suffix in SIDE_FILES:
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def checksum(value: bytes) -> int:
    """The checksum a record's value is stored with: its CRC-32."""
    return zlib.crc32(value)


def decode_record(row: tuple[str, int, str | None, bytes, int, bytes | None, int]) -> Record:
    """A ``records`` row (checksum last) as a :class:`Record`; :class:`CorruptRecord` if it fails it."""
    topic, offset, key, value, ts, headers, crc = row
    if checksum(value) != crc:
        raise CorruptRecord(topic, offset)
    return Record(topic, offset, key, bytes(value), ts, orjson.loads(headers) if headers else {})


class Reader(sides.SideRows):
    """Queries over one connection; inside a transaction they see its own writes."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def read(self, topic: str, start: int = 0, limit: int | None = None) -> list[Record]:
        """Records of ``topic`` from offset ``start`` on, in offset order (at most ``limit``)."""
        rows = self._db.execute(
            'SELECT topic, "offset", key, value, ts, headers, crc FROM records'
            ' WHERE topic = ? AND "offset" >= ? ORDER BY "offset" LIMIT ?',
            (topic, start, -1 if limit is None else limit),
        ).fetchall()
        return [decode_record(row) for row in rows]

    def end(self, topic: str) -> int:
        """The offset the next record of ``topic`` will get."""
        (last,) = self._db.execute('SELECT MAX("offset") FROM records WHERE topic = ?', (topic,)).fetchone()
        return 0 if last is None else last + 1

    def committed(self, group: str, topic: str) -> int | None:
        """The committed position of ``group`` on ``topic`` (next offset to read), if any."""
        row = self._db.execute(
            'SELECT "offset" FROM groups WHERE "group" = ? AND topic = ?', (group, topic)
        ).fetchone()
        return None if row is None else row[0]

    def positions(self) -> dict[tuple[str, str], int]:
        """Every committed position, keyed by ``(group, topic)``."""
        rows = self._db.execute('SELECT "group", topic, "offset" FROM groups ORDER BY "group", topic')
        return {(group, topic): offset for group, topic, offset in rows}

    def get_state(self, tbl: str, key: str) -> bytes | None:
        """One state row's value, or ``None``."""
        row = self._db.execute("SELECT value FROM state WHERE tbl = ? AND key = ?", (tbl, key)).fetchone()
        return None if row is None else bytes(row[0])

    def state_rows(self, tbl: str) -> list[tuple[str, bytes]]:
        """Every ``(key, value)`` row of a state table, sorted by key."""
        rows = self._db.execute("SELECT key, value FROM state WHERE tbl = ? ORDER BY key", (tbl,))
        return [(key, bytes(value)) for key, value in rows]

    def get_facts(self, tbl: str, key: str) -> list[bytes]:
        """The records of facts of one state row, in the order they were appended."""
        rows = self._db.execute("SELECT value FROM facts WHERE tbl = ? AND key = ? ORDER BY id", (tbl, key))
        return [bytes(value) for (value,) in rows]

    def facts_rows(self, tbl: str) -> dict[str, list[bytes]]:
        """The records of facts of every row of a state table, by key, each row's in appended order."""
        out: dict[str, list[bytes]] = {}
        rows = self._db.execute("SELECT key, value FROM facts WHERE tbl = ? ORDER BY id", (tbl,))
        for key, value in rows:
            out.setdefault(key, []).append(bytes(value))
        return out

    def facts_version(self, tbl: str, key: str) -> int | None:
        """The id of the newest record of facts of a state row (``None``: it has none): it moves on
        every write of the row by the reduce stage, which appends the facts it changed, and on every
        rewrite of the row whole."""
        (newest,) = self._db.execute(
            "SELECT MAX(id) FROM facts WHERE tbl = ? AND key = ?", (tbl, key)
        ).fetchone()
        return newest

    def facts_end(self) -> int:
        """The id of the newest record of facts of any row (0: none)."""
        (newest,) = self._db.execute("SELECT COALESCE(MAX(id), 0) FROM facts").fetchone()
        return int(newest)

    def written_since(self, after: int) -> tuple[int, set[tuple[str, str]]]:
        """The state rows that took records of facts with ids above ``after``, and the newest id."""
        rows = self._db.execute(
            "SELECT id, tbl, key FROM facts WHERE id > ? ORDER BY id", (after,)
        ).fetchall()
        return (rows[-1][0] if rows else after), {(tbl, key) for _id, tbl, key in rows}

    def state_version(self, tbl: str, key: str) -> tuple[int, int] | None:
        """A token that changes whenever a state row is written: its version and size, or ``None``."""
        row = self._db.execute(
            "SELECT version, length(value) FROM state WHERE tbl = ? AND key = ?", (tbl, key)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def article_offset(self, article_id: str) -> int | None:
        """The ``articles.raw`` offset of an article id, if it was published."""
        row = self._db.execute('SELECT "offset" FROM articles WHERE id = ?', (article_id,)).fetchone()
        return None if row is None else row[0]


class Log(AppendsBatch, Reader):
    """A connection to the log of one data directory; reads outside a transaction see the latest commit."""

    def __init__(self, path: Path, *, busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # isolation_level=None: no implicit transactions; every write goes through
        # transaction(). check_same_thread=False lets a worker run a stage in a
        # thread; the owner of a Log must not use it from two threads at once.
        super().__init__(connect(path, busy_timeout=busy_timeout))
        self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        self._db.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode survives any process crash; a power cut may lose the
        # newest transactions, but never one half of a transaction.
        self._db.execute("PRAGMA synchronous = NORMAL")
        try:
            if self._format() != LOG_FORMAT or self._legacy():
                self._create()
        except BaseException:
            self._db.close()
            raise

    def _format(self) -> int:
        (found,) = self._db.execute("PRAGMA user_version").fetchone()
        if found > LOG_FORMAT:
            raise LogFormatError(f"{self.path} has log format {found}; this version reads up to {LOG_FORMAT}")
        return int(found)

    def _legacy(self) -> list[Path]:
        """The files an older data directory kept its indexes in, beside the log."""
        return [self.path.with_name(name) for name in sides.LEGACY if self.path.with_name(name).exists()]

    def _create(self) -> None:
        """Create the tables, or bring an older log and data directory up to date, under the write lock.

        Nothing happens when another process just did it. A format-1 log gets its
        ``crc`` column filled from the values it holds now; a log of format 1 or 2 gets its
        ``state.version`` column from the rowids that stood for it, and its whole rows split into
        their summary and one record of their facts. The rows of the index files beside it move
        into its tables, and the files are removed.
        """
        legacy = self._legacy()
        with ExitStack() as attached:
            schemas = [attached.enter_context(self._attached(p, f"legacy{n}")) for n, p in enumerate(legacy)]
            with self.transaction():
                self._migrate()
                for path, schema in zip(legacy, schemas, strict=True):
                    self._copy(schema, sides.LEGACY[path.name])
        for path in legacy:
            remove_database(path)

    def _migrate(self) -> None:
        """Bring the tables of an older log up to date (inside the transaction of :meth:`_create`)."""
        found = self._format()
        if found == LOG_FORMAT:
            return
        if found == 1:
            self._db.execute("ALTER TABLE records ADD COLUMN crc INTEGER NOT NULL DEFAULT 0")
            self._db.create_function("entente_crc", 1, checksum, deterministic=True)
            self._db.execute("UPDATE records SET crc = entente_crc(value)")
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(state)")}
        if columns and "version" not in columns:  # the rowid that stood for the version becomes it
            self._db.execute("ALTER TABLE state ADD COLUMN version INTEGER NOT NULL DEFAULT 0")
            self._db.execute("UPDATE state SET version = rowid")
        for statement in (SCHEMA + sides.SCHEMA).split(";"):
            if statement.strip():
                self._db.execute(statement)
        if found in (1, 2):
            self._split_rows()
        self._db.execute(f"PRAGMA user_version = {LOG_FORMAT}")

    @contextmanager
    def _attached(self, path: Path, schema: str) -> Iterator[str]:
        """Another database attached to this connection as ``schema`` (never inside a transaction)."""
        self._db.execute("ATTACH DATABASE ? AS " + schema, (str(path),))
        try:
            yield schema
        finally:
            self._db.execute("DETACH DATABASE " + schema)

    def _copy(self, schema: str, tables: Iterable[tuple[str, str]]) -> None:
        """Add the rows of each ``(source, target)`` table pair that ``schema`` holds to this log's target
        table, keeping the rows the target holds already."""
        held = {name for (name,) in self._db.execute(f"SELECT name FROM {schema}.sqlite_master")}
        for source, target in tables:
            if source in held:
                self._db.execute(f"INSERT OR IGNORE INTO main.{target} SELECT * FROM {schema}.{source}")

    def copy_tables(self, path: Path, tables: Iterable[str]) -> None:
        """Add the rows of ``tables`` of the database at ``path`` (a log, perhaps damaged) to this log's,
        in one transaction; raise :class:`sqlite3.DatabaseError` if one cannot be read."""
        with self._attached(path, "source") as schema, self.transaction():
            self._copy(schema, [(table, table) for table in tables])

    def _split_rows(self) -> None:
        """Keep each whole state row of a format-2 log as its summary and one record of its facts."""
        rows = self._db.execute("SELECT tbl, key, value FROM state").fetchall()
        writer = Writer(self._db, now_ms())
        for tbl, key, value in rows:
            row = orjson.loads(value)
            facts = row.pop("facts", None) or []
            writer.put_state(tbl, key, orjson.dumps({**row, "facts": []}))
            if facts:
                writer.append_facts(tbl, key, orjson.dumps(facts))

    @classmethod
    def open(cls, data_dir: Path) -> Log:
        """The log of ``data_dir`` (created on first use)."""
        return cls(data_dir / LOG_FILE)

    def reopen(self) -> Log:
        """Another connection to the same log file."""
        return Log(self.path)

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> Log:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Writer]:
        """One write transaction: everything written through the writer commits together or not at all.

        It begins with ``BEGIN IMMEDIATE``, which takes the database's single write
        lock up front (waiting up to the busy timeout for it). Offsets are assigned
        inside that lock, so offset order equals commit order: a record with a
        higher offset never becomes visible before one with a lower offset. Were
        offsets assigned outside it, two writers could take 7 and 8 and commit 8
        first; a reader tailing the topic would read 8, move its position past 7,
        and never see 7 when it committed. With it, a tailing reader can trust that
        everything below its position is there. Taking the lock at BEGIN also
        avoids the WAL-mode case where a reader that starts writing fails at once
        with SQLITE_BUSY instead of waiting.
        """
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield Writer(self._db, now_ms())
        except BaseException:
            if self._db.in_transaction:  # SQLite rolls back by itself on some errors (a full disk)
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def version(self) -> tuple[int, int]:
        """A token that changes whenever the database changed, by another connection or this one.

        ``PRAGMA data_version`` moves on commits of other connections only, so
        this connection's own change count is part of the token.
        """
        (data_version,) = self._db.execute("PRAGMA data_version").fetchone()
        return data_version, self._db.total_changes


class Writer(AppendsOne, Reader, sides.SideWrites):
    """Writes inside one :meth:`Log.transaction`; its reads see those writes."""

    def __init__(self, db: sqlite3.Connection, ts: int) -> None:
        super().__init__(db)
        self._ends: dict[str, int] = {}
        self.ts = ts
        """The timestamp of every record this transaction appends."""

    def extend(
        self, topic: str, items: Items, headers: Headers | None = None, ts: int | None = None
    ) -> range:
        """Append ``(key, value)`` records sharing ``headers``; return their offsets.

        They take the transaction's timestamp, or ``ts`` (ms since the epoch) when a
        copy keeps the time its originals were logged at.
        """
        start = self._ends[topic] if topic in self._ends else self.end(topic)
        packed = orjson.dumps(headers) if headers else None
        stamp = self.ts if ts is None else ts
        rows = [
            (topic, start + i, key, value, stamp, packed, checksum(value))
            for i, (key, value) in enumerate(items)
        ]
        self._db.executemany(
            'INSERT INTO records (topic, "offset", key, value, ts, headers, crc)'
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self._ends[topic] = start + len(rows)
        return range(start, start + len(rows))

    def commit_offset(self, group: str, topic: str, offset: int) -> None:
        """Set the position of ``group`` on ``topic`` to ``offset`` (the next record it will read)."""
        self._db.execute(
            'INSERT INTO groups ("group", topic, "offset") VALUES (?, ?, ?)'
            ' ON CONFLICT ("group", topic) DO UPDATE SET "offset" = excluded."offset"',
            (group, topic, offset),
        )

    def put_state(self, tbl: str, key: str, value: bytes) -> None:
        """Insert or replace one state row's summary under the next number of the ``state`` sequence."""
        (version,) = self._db.execute(
            "UPDATE sequences SET value = value + 1 WHERE name = 'state' RETURNING value"
        ).fetchone()
        self._db.execute(
            "INSERT INTO state (tbl, key, value, version) VALUES (?, ?, ?, ?) ON CONFLICT (tbl, key)"
            " DO UPDATE SET value = excluded.value, version = excluded.version",
            (tbl, key, value, version),
        )

    def append_facts(self, tbl: str, key: str, value: bytes) -> None:
        """Append one record of facts to a state row."""
        self._db.execute("INSERT INTO facts (tbl, key, value) VALUES (?, ?, ?)", (tbl, key, value))

    def delete_facts(self, tbl: str, key: str) -> None:
        """Remove every record of facts of one state row (before it is written whole again)."""
        self._db.execute("DELETE FROM facts WHERE tbl = ? AND key = ?", (tbl, key))

    def delete_state(self, tbl: str, key: str) -> None:
        """Remove one state row, its summary and its facts (no-op when absent)."""
        self._db.execute("DELETE FROM state WHERE tbl = ? AND key = ?", (tbl, key))
        self.delete_facts(tbl, key)

    def index_article(self, article_id: str, offset: int) -> None:
        """Record that ``articles.raw@offset`` holds the article ``article_id`` (its latest version)."""
        self._db.execute('INSERT OR REPLACE INTO articles (id, "offset") VALUES (?, ?)', (article_id, offset))
