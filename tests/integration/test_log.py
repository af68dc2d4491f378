"""The SQLite log: gap-free per-topic offsets, atomic transactions, several processes on one file."""

from __future__ import annotations

import asyncio
import itertools
import signal
import sqlite3
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from agents import reduce
from agents.reduce.rows import key_of
from streams.log import (
    LOG_FILE,
    LOG_FORMAT,
    CorruptRecord,
    Log,
    LogFormatError,
    has_record,
    tail,
    wait,
    wait_blocking,
)
from streams.runtime.embedded import EmbeddedRuntime
from tests.support.embedded import LineExtractor, corpus

EXIT = 60.0
Spawn = Callable[..., subprocess.Popen[bytes]]

WRITER = """
import sys, time
from pathlib import Path
import orjson
from streams.log import Log

data_dir, name, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[5])
batches, size = int(sys.argv[3]), int(sys.argv[4])
with Log.open(data_dir) as log:
    (go.parent / f"ready-{name}").touch()
    while not go.exists():
        time.sleep(0.001)
    for batch in range(batches):
        log.append("events", [(name, orjson.dumps([name, batch, i])) for i in range(size)])
        time.sleep(0.001)
"""

READER = """
import sys, time
from pathlib import Path
import orjson
from streams.log import Log

data_dir, total, out = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
seen = []
with Log.open(data_dir) as log:
    out.with_suffix(".ready").touch()
    deadline = time.monotonic() + 60
    while len(seen) < total and time.monotonic() < deadline:
        for record in log.read("events", len(seen)):
            assert record.offset == len(seen), "the reader met a gap"
            seen.append([record.offset, orjson.loads(record.value)])
out.write_bytes(orjson.dumps(seen))
"""

KILLED_IN_TRANSACTION = """
import os, signal, sys
from pathlib import Path
from streams.log import Log

log = Log.open(Path(sys.argv[1]))
log.append("events", [("k", b"committed")])
with log.transaction() as writer:
    writer.extend("events", [("k", b"lost")] * 100)
    writer.extend("state.changes", [("k", b"lost")])
    writer.commit_offset("reduce", "events", 101)
    writer.put_state("alliances", "A|B", b"lost")
    writer.index_article("a1", 0)
    os.kill(os.getpid(), signal.SIGKILL)
"""

ENDLESS_WRITER = """
import sys
from pathlib import Path
import orjson
from streams.log import Log

data_dir, run = Path(sys.argv[1]), sys.argv[2]
with Log.open(data_dir) as log:
    for batch in range(10**9):
        log.append("events", [(run, orjson.dumps([run, batch, i])) for i in range(50)])
"""


def test_concurrent_appenders_never_interleave_and_tailing_readers_see_no_gap(
    data_dir: Path, spawn: Spawn
) -> None:
    writers, batches, size = 4, 100, 10
    total = writers * batches * size
    go = data_dir.parent / "go"
    outs = [data_dir.parent / f"reader-{n}.json" for n in range(2)]
    readers = [spawn(READER, data_dir, total, out) for out in outs]
    procs = [spawn(WRITER, data_dir, f"w{n}", batches, size, go) for n in range(writers)]
    with Log.open(data_dir) as log:
        ready = [go.parent / f"ready-w{n}" for n in range(writers)] + [
            out.with_suffix(".ready") for out in outs
        ]
        while not all(path.exists() for path in ready):
            time.sleep(0.01)
        go.touch()
        seen: list[tuple[int, list[object]]] = []
        deadline = time.monotonic() + 60
        while len(seen) < total and time.monotonic() < deadline:
            for record in log.read("events", len(seen)):
                assert record.offset == len(seen), "the reader met a gap"
                seen.append((record.offset, orjson.loads(record.value)))
        assert [p.wait(EXIT) for p in procs + readers] == [0] * (writers + len(readers))
        assert log.end("events") == total
        assert seen == [(r.offset, orjson.loads(r.value)) for r in log.read("events")]
    for out in outs:
        assert [tuple(item) for item in orjson.loads(out.read_bytes())] == seen
    offsets_of: dict[tuple[object, object], list[int]] = defaultdict(list)
    for offset, (name, batch, _i) in seen:
        offsets_of[(name, batch)].append(offset)
    assert len(offsets_of) == writers * batches
    turns = sum(1 for (_o, a), (_p, b) in itertools.pairwise(seen) if a[0] != b[0])
    assert turns > writers, "the writers did not run concurrently"
    for offsets in offsets_of.values():
        assert offsets == list(range(offsets[0], offsets[0] + size)), "a batch was interleaved"
    assert {tuple(value) for _o, value in seen} == {
        (f"w{n}", b, i) for n in range(writers) for b in range(batches) for i in range(size)
    }


async def test_tail_yields_records_as_another_process_appends_them(data_dir: Path, spawn: Spawn) -> None:
    go = data_dir.parent / "go"
    total = 3 * 200
    with Log.open(data_dir) as log:
        writer = spawn(WRITER, data_dir, "w", 200, 3, go)
        stop = asyncio.Event()
        go.touch()

        async def follow() -> list[int]:
            offsets = []
            async for record in tail(log, "events", 0, stop, batch=7, interval=0.01):
                offsets.append(record.offset)
                if len(offsets) == total:
                    stop.set()
            return offsets

        offsets = await asyncio.wait_for(follow(), 60)
        assert writer.wait(EXIT) == 0
    assert offsets == list(range(total))


async def test_wait_returns_false_when_stopped(log: Log) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(0.05, stop.set)
    assert await wait(log, has_record(log, "events", 0), stop, interval=0.01) is False
    log.append("events", [(None, b"x")])
    assert await wait(log, has_record(log, "events", 0), asyncio.Event()) is True


def test_wait_blocking_sees_a_commit_of_another_connection(data_dir: Path) -> None:
    with Log.open(data_dir) as reader, Log.open(data_dir) as writer:
        assert wait_blocking(reader, has_record(reader, "events", 0), timeout=0.05, interval=0.01) is False
        writer.append("events", [(None, b"x")])
        assert wait_blocking(reader, has_record(reader, "events", 0), timeout=5, interval=0.01) is True


def test_a_process_killed_inside_a_transaction_leaves_nothing_of_it(data_dir: Path, spawn: Spawn) -> None:
    assert spawn(KILLED_IN_TRANSACTION, data_dir).wait(EXIT) == -signal.SIGKILL
    with Log.open(data_dir) as log:
        assert [r.value for r in log.read("events")] == [b"committed"]
        assert log.read("state.changes") == []
        assert log.committed("reduce", "events") is None
        assert log.get_state("alliances", "A|B") is None
        assert log.article_offset("a1") is None
        assert log.append("events", [(None, b"next")]) == range(1, 2)


def test_writers_killed_at_random_moments_leave_only_whole_batches(data_dir: Path, spawn: Spawn) -> None:
    with Log.open(data_dir) as log:
        for run in range(3):
            writer = spawn(ENDLESS_WRITER, data_dir, f"run{run}")
            target = log.end("events") + 2000 + 300 * run
            assert wait_blocking(log, lambda t=target: log.end("events") >= t, timeout=30, interval=0.005)
            writer.send_signal(signal.SIGKILL)
            assert writer.wait(EXIT) == -signal.SIGKILL
        records = log.read("events")
    assert [r.offset for r in records] == list(range(len(records)))
    sizes: dict[tuple[str, int], int] = defaultdict(int)
    for record in records:
        run, batch, _i = orjson.loads(record.value)
        sizes[(run, batch)] += 1
    assert set(sizes.values()) == {50}
    assert {run for run, _batch in sizes} == {"run0", "run1", "run2"}


def test_a_log_of_a_newer_format_is_refused(data_dir: Path) -> None:
    with Log.open(data_dir) as log:
        log.append("events", [(None, b"x")])
    with sqlite3.connect(data_dir / LOG_FILE) as db:
        db.execute(f"PRAGMA user_version = {LOG_FORMAT + 1}")
    with pytest.raises(LogFormatError, match="log format"):
        Log.open(data_dir)


def test_a_record_whose_value_changed_on_disk_is_refused_naming_it(data_dir: Path) -> None:
    with Log.open(data_dir) as log:
        log.append("events", [(None, b"first"), (None, b"second")])
    with sqlite3.connect(data_dir / LOG_FILE) as db:
        db.execute("""UPDATE records SET value = CAST('sEcond' AS BLOB) WHERE "offset" = 1""")
    with Log.open(data_dir) as log:
        assert log.read("events", 0, 1)[0].value == b"first"
        with pytest.raises(CorruptRecord, match="events@1"):
            log.read("events")


def test_a_format_1_log_gets_its_checksums_in_place(data_dir: Path) -> None:
    with Log.open(data_dir) as log:
        log.append("events", [(None, b"first"), (None, b"second")])
    with sqlite3.connect(data_dir / LOG_FILE) as db:
        db.execute("ALTER TABLE records DROP COLUMN crc")
        db.execute("PRAGMA user_version = 1")
    with Log.open(data_dir) as log:
        assert [record.value for record in log.read("events")] == [b"first", b"second"]
        log.append("events", [(None, b"third")])
        assert log.end("events") == 3
    with sqlite3.connect(data_dir / LOG_FILE) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (LOG_FORMAT,)


def test_a_format_2_log_keeps_its_whole_rows_as_their_summary_and_their_facts(data_dir: Path) -> None:
    with EmbeddedRuntime(data_dir, extractor=LineExtractor()) as runtime:
        runtime.publish_articles(corpus(6))
        runtime.run_until_idle()
        rows = {table: runtime.state(table) for table in ("alliances", "zones")}
    with sqlite3.connect(data_dir / LOG_FILE) as db:  # the layout of format 2: whole rows, no facts table
        db.execute("DROP TABLE facts")
        for table, found in rows.items():
            for row in found:
                whole = (row.dumps(), table, key_of(row))
                db.execute("UPDATE state SET value = ? WHERE tbl = ? AND key = ?", whole)
        db.execute("PRAGMA user_version = 2")
    with EmbeddedRuntime(data_dir, extractor=LineExtractor()) as runtime:
        assert {table: runtime.state(table) for table in rows} == rows
        for table, found in rows.items():
            for row in found:
                summary = runtime.log.get_state(table, key_of(row))
                assert summary is not None and orjson.loads(summary)["facts"] == []
                assert len(runtime.log.get_facts(table, key_of(row))) == 1
        runtime.publish_articles(corpus(8)[6:])
        runtime.run_until_idle()
        folded = reduce.fold(runtime.events())
        for table in rows:
            assert {key_of(row): row for row in runtime.state(table)} == folded[table]
    with sqlite3.connect(data_dir / LOG_FILE) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (LOG_FORMAT,)
