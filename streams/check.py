"""Check the database of a data directory: SQLite's own checks, then the log's invariants.

:func:`check` reports every finding (``entente check``); :func:`guard` is the
cheap part every command runs before it opens a store: SQLite's
``quick_check`` on each database and the checksum of every record.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import orjson

from agents import reduce
from agents.reduce.corrections import Corrections
from schemas import Correction, Event
from streams import topics
from streams.audit_index import INDEXED
from streams.log.store import (
    LOG_FILE,
    LOG_FORMAT,
    CorruptRecord,
    DamagedStore,
    Reader,
    checksum,
    connect,
    decode_record,
)
from streams.log.tables import TABLES
from streams.runtime.embedded import LIVE_EVENTS
from streams.stored import read_row
from streams.topology import CORRECT, REDUCE, log_topic

MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
Finding = str
"""One line: the database, then where in it and what is wrong."""


def databases(data_dir: Path) -> list[Path]:
    """Every SQLite database of ``data_dir`` (the log; an older directory's index files too), sorted."""
    return sorted(path for path in data_dir.rglob("*.db") if path.is_file())


def file_findings(name: Path, path: Path) -> Iterator[Finding]:
    """A file whose header is not SQLite's, or shorter than the pages its header counts.

    While a write-ahead log holds pages not yet copied into the file, the file may
    legitimately be shorter, so its length is compared only without one. An empty file is an
    empty database: one another process has created and not yet written its first page to.
    """
    wal = path.with_name(path.name + "-wal")
    with path.open("rb") as file:
        header = file.read(HEADER_SIZE)
    if not header:
        return
    if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
        yield f"{name}: page 1 does not begin with SQLite's header"
        return
    page_size = int.from_bytes(header[16:18]) or 65536
    page_size = 65536 if page_size == 1 else page_size
    counted, held = int.from_bytes(header[28:32]), path.stat().st_size // page_size
    if held < counted and not (wal.exists() and wal.stat().st_size):
        yield f"{name}: the file ends after page {held} of the {counted} its header counts (truncated)"


def sqlite_findings(data_dir: Path, path: Path, pragma: str) -> Iterator[Finding]:
    """What ``PRAGMA integrity_check`` or ``quick_check`` says of one database, table by table if it fails."""
    name = path.relative_to(data_dir)
    yield from file_findings(name, path)
    with closing(connect(path)) as db:
        try:
            rows = db.execute(f"PRAGMA {pragma}").fetchall()
        except sqlite3.DatabaseError as exc:
            yield f"{name}: {exc}"
            yield from table_findings(name, db, pragma)
            return
    yield from (f"{name}: {message}" for (message,) in rows if message != "ok")


def table_findings(name: Path, db: sqlite3.Connection, pragma: str) -> Iterator[Finding]:
    """Each table that fails ``pragma`` on its own, and where each topic of the log stops being readable."""
    try:
        tables = [table for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    except sqlite3.DatabaseError:
        return
    for table in tables:
        try:
            db.execute(f'PRAGMA {pragma}("{table}")').fetchall()
        except sqlite3.DatabaseError as exc:
            yield f"{name}: table {table}: {exc}"
    if str(name) == LOG_FILE:
        for topic in topics.ALL:
            try:
                offset = 0
                for (offset,) in db.execute(
                    'SELECT "offset" FROM records WHERE topic = ? ORDER BY "offset"', (topic,)
                ):
                    db.execute(
                        'SELECT length(value) FROM records WHERE topic = ? AND "offset" = ?', (topic, offset)
                    ).fetchone()
            except sqlite3.DatabaseError as exc:
                yield f"{name}: records {topic} unreadable from offset {offset} on ({exc})"


def record_findings(db: sqlite3.Connection) -> Iterator[Finding]:
    """Records whose value does not match its checksum, and topics whose offsets are not 0, 1, 2, …"""
    if db.execute("PRAGMA user_version").fetchone()[0] < LOG_FORMAT:
        return  # an older log has no checksums yet; opening it adds them
    expected: dict[str, int] = {}
    rows = db.execute('SELECT topic, "offset", value, crc FROM records ORDER BY topic, "offset"')
    for topic, offset, value, crc in rows:
        wanted = expected.get(topic, 0)
        if offset != wanted:
            yield f"{LOG_FILE}: records {topic} has no offset {wanted} (next is {offset})"
        if checksum(bytes(value)) != crc:
            yield f"{LOG_FILE}: records {topic}@{offset} does not match its checksum"
        expected[topic] = offset + 1


def ends(db: sqlite3.Connection) -> dict[str, int]:
    """The end offset of every topic."""
    rows = db.execute('SELECT topic, MAX("offset") + 1 FROM records GROUP BY topic')
    return dict(rows.fetchall())


def group_findings(db: sqlite3.Connection, end: dict[str, int]) -> Iterator[Finding]:
    """Committed positions outside their topic (0..end)."""
    for group, topic, offset in db.execute('SELECT "group", topic, "offset" FROM groups'):
        if not 0 <= offset <= end.get(topic, 0):
            yield f"{LOG_FILE}: groups {group} on {topic} is at {offset}, outside 0..{end.get(topic, 0)}"


def article_findings(db: sqlite3.Connection) -> Iterator[Finding]:
    """Entries of the article index that do not point at their article's record."""
    rows = db.execute(
        'SELECT a.id, a."offset", r.key FROM articles AS a LEFT JOIN records AS r'
        ' ON r.topic = ? AND r."offset" = a."offset"',
        (topics.ARTICLES,),
    )
    for article_id, offset, key in rows:
        if key != article_id:
            found = "no record" if key is None else f"the record of {key!r}"
            target = f"{topics.ARTICLES}@{offset}"
            yield f"{LOG_FILE}: articles {article_id!r} points at {target}, which holds {found}"


def position(db: sqlite3.Connection, group: str, topic: str) -> int:
    """A committed position, 0 when there is none."""
    row = db.execute('SELECT "offset" FROM groups WHERE "group" = ? AND topic = ?', (group, topic)).fetchone()
    return 0 if row is None else int(row[0])


def state_findings(db: sqlite3.Connection) -> Iterator[Finding]:
    """State rows that differ from what folding the live events the reduce stage has applied gives, as
    the corrections the correct stage has applied leave them."""
    start = position(db, LIVE_EVENTS, topics.EVENTS)
    stop = position(db, REDUCE.name, log_topic(REDUCE.source))
    query = (
        'SELECT topic, "offset", key, value, ts, headers, crc FROM records'
        ' WHERE topic = ? AND "offset" >= ? AND "offset" < ? ORDER BY "offset"'
    )
    rows = db.execute(query, (topics.EVENTS, start, stop))
    applied = db.execute(query, (topics.CORRECTIONS, 0, position(db, CORRECT.name, CORRECT.source)))
    try:
        events = [Event.loads(decode_record(row).value) for row in rows]
        corrections = Corrections(Correction.loads(decode_record(row).value) for row in applied)
        replayed = reduce.fold(corrections.events(events))
    except CorruptRecord as exc:
        yield f"{LOG_FILE}: state not compared with its events: {exc}"
        return
    for table, model in TABLES.items():
        live = {
            key: model.loads(value)
            for key, value in db.execute("SELECT key, value FROM state WHERE tbl = ?", (table,))
        }
        rebuilt = replayed.get(table, {})
        for key in sorted(live.keys() | rebuilt.keys()):
            if key not in rebuilt:
                yield f"{LOG_FILE}: state {table}/{key} is not in the replayed events"
            elif key not in live:
                yield f"{LOG_FILE}: state {table}/{key} is missing; the replayed events make it"
            elif reduce.view(live[key]) != reduce.view(rebuilt[key]):
                yield f"{LOG_FILE}: state {table}/{key} differs from what its events give"


def audit_findings(db: sqlite3.Connection) -> Iterator[Finding]:
    """Audit pages that name no state row, or that differ from the row at the version they claim."""
    if db.execute("PRAGMA user_version").fetchone()[0] < LOG_FORMAT:
        return  # an older log kept its audit pages apart; opening it moves them in
    reader = Reader(db)
    heads = db.execute("SELECT tbl, key, row_id, size, head FROM audit_heads ORDER BY tbl, key").fetchall()
    for table, key, row_id, size, head in heads:
        version = reader.state_version(table, key)
        if version is None:
            yield f"{LOG_FILE}: audit_heads {table}/{key} names no state row"
            continue
        if version != (row_id, size):
            continue  # the row was rewritten since: the page is stale and never served
        facts = [orjson.loads(fact) for _, fact in reader.audit_facts(table, key)]
        whole = read_row(reader, table, key)
        assert whole is not None  # its summary was just read
        strongest = reduce.strongest(whole, INDEXED)
        stored = orjson.loads(head)
        if facts != strongest["facts"] or stored["facts_total"] != strongest["facts_total"]:
            yield f"{LOG_FILE}: audit_facts {table}/{key} differ from the state row's strongest facts"


def log_findings(data_dir: Path) -> Iterator[Finding]:
    """The log's own invariants, each stopped short by damage SQLite reports on the way."""
    path = data_dir / LOG_FILE
    if not path.exists():
        return
    with closing(connect(path)) as db:
        steps = (
            lambda: record_findings(db),
            lambda: group_findings(db, ends(db)),
            lambda: article_findings(db),
            lambda: state_findings(db),
            lambda: audit_findings(db),
        )
        for step in steps:
            try:
                yield from step()
            except (sqlite3.DatabaseError, ValueError, KeyError) as exc:
                yield f"{LOG_FILE}: {type(exc).__name__}: {exc}".splitlines()[0]


def check(data_dir: Path) -> list[Finding]:
    """Every finding in ``data_dir``: ``integrity_check`` of each database, then the log's invariants."""
    findings = [
        line for path in databases(data_dir) for line in sqlite_findings(data_dir, path, "integrity_check")
    ]
    return list(dict.fromkeys(findings + list(log_findings(data_dir))))


def guard(data_dir: Path) -> None:
    """Raise :class:`DamagedStore` with the first finding of ``quick_check`` or the records' checksums."""
    for path in databases(data_dir):
        for finding in sqlite_findings(data_dir, path, "quick_check"):
            raise DamagedStore(finding)
    path = data_dir / LOG_FILE
    if path.exists():
        try:
            with closing(connect(path)) as db:
                for finding in record_findings(db):
                    raise DamagedStore(finding)
        except sqlite3.DatabaseError as exc:
            raise DamagedStore(f"{LOG_FILE}: {exc}") from exc
