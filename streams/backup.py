"""A data directory's database copied out (backup), back in (restore), or its intact part anew (salvage).

A data directory holds one database, the log (with the indexes beside its topics:
:mod:`streams.log.sides`). A backup uses SQLite's online backup API, so it is
consistent while workers and ingests write: the log is copied as of one moment.
A directory not yet opened by this version may still hold its index files apart;
they are copied first, the log last, so they never name records the copied log lacks.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing, suppress
from pathlib import Path
from typing import TypedDict

import orjson

from agents import reduce
from agents.reduce.corrections import Corrections
from schemas import Correction, Event
from streams import topics
from streams.check import check, databases, ends, sqlite_findings
from streams.log.record import Record
from streams.log.sides import AUDIT_FILE, INGEST_TABLES
from streams.log.store import LOG_FILE, LOG_FORMAT, DamagedStore, Log, connect, decode_record, remove_database
from streams.runtime.embedded import LIVE_EVENTS
from streams.stored import write_row
from streams.topology import CORRECT, EXTRACT, REDUCE, log_topic

MANIFEST = "manifest.json"
PAGE = 500


class Manifest(TypedDict):
    """What ``manifest.json`` of a backup records."""

    created: str
    log_format: int
    databases: list[str]
    ends: dict[str, int]


class BackupError(RuntimeError):
    """A backup or restore that was refused, with the reason."""


def _empty(path: Path) -> bool:
    return not path.exists() or not any(path.iterdir())


def copy_database(source: Path, target: Path) -> None:
    """Copy one database with SQLite's online backup API (consistent while others write to it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(connect(source)) as src, closing(connect(target)) as dst:
        src.backup(dst)


def backup(data_dir: Path, target: Path) -> Manifest:
    """Copy every database of ``data_dir`` into the new directory ``target``; return its manifest."""
    if not _empty(target):
        raise BackupError(f"{target} is not empty")
    found = databases(data_dir)
    if data_dir / LOG_FILE not in found:
        raise BackupError(f"{data_dir} holds no log")
    for path in sorted(found, key=lambda path: path == data_dir / LOG_FILE):
        copy_database(path, target / path.relative_to(data_dir))
    with closing(connect(target / LOG_FILE)) as db:
        manifest = Manifest(
            created=dt.datetime.now(dt.UTC).isoformat(),
            log_format=LOG_FORMAT,
            databases=[str(path.relative_to(data_dir)) for path in found],
            ends=ends(db),
        )
    (target / MANIFEST).write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    return manifest


def remove_databases(data_dir: Path) -> None:
    """Delete every database of ``data_dir`` with its write-ahead log and journal, and nothing else."""
    for path in databases(data_dir):
        remove_database(path)
    (data_dir / MANIFEST).unlink(missing_ok=True)


def restore(source: Path, data_dir: Path, *, force: bool = False) -> list[str]:
    """Copy the backup ``source`` into ``data_dir`` once :func:`check` finds it clean; return its databases.

    A non-empty ``data_dir`` is refused unless ``force``, which first deletes the
    databases it holds (and their write-ahead logs, which would otherwise be
    replayed over the restored files).
    """
    if not (source / LOG_FILE).exists():
        raise BackupError(f"{source} holds no {LOG_FILE}")
    findings = check(source)
    if findings:
        raise BackupError(f"{source} is damaged: {findings[0]}")
    if not _empty(data_dir):
        if not force:
            raise BackupError(f"{data_dir} is not empty; pass --force to replace its databases")
        remove_databases(data_dir)
    restored = []
    for path in databases(source):
        copy_database(path, data_dir / path.relative_to(source))
        restored.append(str(path.relative_to(source)))
    return restored


def intact(db: sqlite3.Connection, topic: str) -> list[Record]:
    """The records of ``topic`` from offset 0 up to the first one that is unreadable or fails its checksum."""
    records: list[Record] = []
    while True:
        try:
            rows = db.execute(
                'SELECT topic, "offset", key, value, ts, headers, crc FROM records'
                ' WHERE topic = ? AND "offset" >= ? ORDER BY "offset" LIMIT ?',
                (topic, len(records), PAGE),
            ).fetchall()
            for row in rows:
                if row[1] != len(records):
                    return records
                records.append(decode_record(row))
        except (sqlite3.DatabaseError, DamagedStore):
            return records
        if len(rows) < PAGE:
            return records


def salvage(data_dir: Path, target: Path) -> dict[str, int]:
    """Build a new data directory ``target`` from the intact part of ``data_dir``'s log; return its ends.

    Each topic keeps its records up to the first damaged one; the article index
    and the state are rebuilt from them; the extract stage resumes at the first
    article whose events may be missing, the reduce stage at the end of the
    events; every other position is kept, within its topic. What ingestion
    remembers (:data:`~streams.log.sides.INGEST_TABLES`) is copied table by table, each
    that can be read whole; so are an older directory's index files that pass
    ``integrity_check``. The audit pages are left to be rebuilt as rows are asked about.
    """
    if not _empty(target):
        raise BackupError(f"{target} is not empty")
    with closing(connect(data_dir / LOG_FILE)) as db:
        kept = {topic: intact(db, topic) for topic in topics.ALL}
        try:
            groups = dict(
                ((group, topic), offset)
                for group, topic, offset in db.execute('SELECT "group", topic, "offset" FROM groups')
            )
            events_end = ends(db).get(topics.EVENTS, 0)
        except sqlite3.DatabaseError:
            groups, events_end = {}, None
    size = {topic: len(records) for topic, records in kept.items()}
    articles = {record.key: record.offset for record in kept[topics.ARTICLES]}
    extracted = min(groups.get((EXTRACT.name, EXTRACT.source), 0), size[topics.ARTICLES])
    if events_end != size[topics.EVENTS]:
        last = kept[topics.EVENTS][-1:]
        extracted = min(extracted, articles.get(Event.loads(last[0].value).article_id, 0) if last else 0)
    live = min(groups.get((LIVE_EVENTS, topics.EVENTS), 0), size[topics.EVENTS])
    positions = {key: min(offset, size.get(key[1], 0)) for key, offset in groups.items()}
    positions |= {
        (EXTRACT.name, EXTRACT.source): extracted,
        (REDUCE.name, log_topic(REDUCE.source)): size[topics.EVENTS],
        (CORRECT.name, CORRECT.source): size[topics.CORRECTIONS],
    }
    corrections = Corrections(Correction.loads(record.value) for record in kept[topics.CORRECTIONS])
    tables = reduce.fold(
        corrections.events(Event.loads(record.value) for record in kept[topics.EVENTS][live:])
    )
    with Log.open(target) as log:
        with log.transaction() as writer:
            for records in kept.values():
                for record in records:
                    writer.append(record.topic, record.key, record.value, record.headers, record.ts)
            for article_id, offset in articles.items():
                writer.index_article(article_id, offset)
            for (group, topic), offset in positions.items():
                writer.commit_offset(group, topic, offset)
            for table, rows in tables.items():
                for key, row in rows.items():
                    write_row(writer, table, key, row)
        for table in INGEST_TABLES:
            with suppress(sqlite3.DatabaseError):
                log.copy_tables(data_dir / LOG_FILE, [table])
    for path in databases(data_dir):
        name = path.relative_to(data_dir)
        if str(name) not in (LOG_FILE, AUDIT_FILE) and not any(
            sqlite_findings(data_dir, path, "integrity_check")
        ):
            copy_database(path, target / name)
    return size
