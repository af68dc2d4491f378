"""Throughput of the embedded SQLite log: batched appends, reads, a stage's commit, tail latency.

``python -m bench.cases.log_append [--records 200000]``. Each figure runs on a
fresh log in a temporary directory; records carry a 300-byte JSON value, about
the size of one event. Two figures go through the embedded runtime: publishing
small articles (validation, duplicate index, DLQ) and the reduce stage with the
real reducers over synthetic events (decode, reduce, state rows, changes, one
transaction a batch).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from bench.cases.reduce import synthetic
from schemas import Article
from streams import topics
from streams.log import Log, tail
from streams.runtime.embedded import EmbeddedRuntime

RECORDS = 200_000
BATCHES = (1, 100, 1_000, 10_000)
SINGLE_APPENDS = 2_000
TAIL_SAMPLES = 100
ARTICLES = 20_000
EVENTS = 5_000


def values(count: int) -> list[tuple[str, bytes]]:
    """``count`` ``(key, value)`` pairs of about 300 bytes each."""
    pad = "x" * 200
    return [
        (f"k{n}", orjson.dumps({"n": n, "source": "A01", "target": "A02", "pad": pad})) for n in range(count)
    ]


def fresh(measure: Callable[[Log], dict[str, float]]) -> dict[str, float]:
    """Run ``measure`` on a log of its own."""
    with tempfile.TemporaryDirectory() as directory, Log.open(Path(directory)) as log:
        return measure(log)


def appends(batch: int, count: int) -> Callable[[Log], dict[str, float]]:
    """Append ``count`` records in transactions of ``batch`` records."""

    def measure(log: Log) -> dict[str, float]:
        items = values(count)
        began = time.perf_counter()
        for start in range(0, count, batch):
            log.append("events", items[start : start + batch])
        spent = time.perf_counter() - began
        assert log.end("events") == count
        return {f"append_batch_{batch}_records_per_s": count / spent}

    return measure


def reads(count: int) -> Callable[[Log], dict[str, float]]:
    """Read ``count`` records back in pages of 1,000."""

    def measure(log: Log) -> dict[str, float]:
        log.append("events", values(count))
        began = time.perf_counter()
        position = 0
        while page := log.read("events", position, 1_000):
            position = page[-1].offset + 1
        spent = time.perf_counter() - began
        return {"read_records_per_s": count / spent}

    return measure


def stage_commits(count: int, batch: int = 500) -> Callable[[Log], dict[str, float]]:
    """A stage's loop without its transform: read a batch, write as many records and the offset, commit."""

    def measure(log: Log) -> dict[str, float]:
        log.append("events", values(count))
        began = time.perf_counter()
        position = 0
        while page := log.read("events", position, batch):
            with log.transaction() as writer:
                writer.extend("state.changes", [(record.key, record.value) for record in page])
                writer.commit_offset("reduce", "events", page[-1].offset + 1)
            position = page[-1].offset + 1
        spent = time.perf_counter() - began
        return {f"stage_batch_{batch}_records_per_s": count / spent}

    return measure


def tail_latency(path: Path) -> dict[str, float]:
    """Milliseconds from a commit on one connection to a tailing reader on another seeing it."""
    latencies: list[float] = []

    def write() -> None:
        with Log(path) as log:
            for n in range(TAIL_SAMPLES):
                log.append("events", [(None, orjson.dumps(time.time_ns()))])
                time.sleep(0.005 + (n % 7) * 0.002)

    async def follow() -> None:
        with Log(path) as log:
            async for record in tail(log, "events", 0):
                latencies.append((time.time_ns() - orjson.loads(record.value)) / 1e6)
                if len(latencies) == TAIL_SAMPLES:
                    return

    writer = threading.Thread(target=write)
    writer.start()
    asyncio.run(follow())
    writer.join()
    return {"tail_latency_ms_median": statistics.median(latencies), "tail_latency_ms_max": max(latencies)}


def publishing(count: int) -> dict[str, float]:
    """Articles per second through :meth:`EmbeddedRuntime.publish_articles`, 500 a call."""
    items = [
        (f"bench.jsonl:{n}", Article(id=f"art-{n}", text=f"Article {n}: A01 met A02 in the capital.").dumps())
        for n in range(count)
    ]
    with tempfile.TemporaryDirectory() as directory, EmbeddedRuntime(Path(directory)) as runtime:
        began = time.perf_counter()
        for start in range(0, count, 500):
            runtime.publish_articles(items[start : start + 500])
        spent = time.perf_counter() - began
    return {"publish_articles_per_s": count / spent}


def reducing(count: int) -> dict[str, float]:
    """Events per second through the embedded runtime's reduce stage, with the real reducers."""
    with tempfile.TemporaryDirectory() as directory, EmbeddedRuntime(Path(directory)) as runtime:
        runtime.log.append(topics.EVENTS, [(event.id, event.dumps()) for event in synthetic(count)])
        began = time.perf_counter()
        stats = runtime.run_until_idle()
        spent = time.perf_counter() - began
    return {
        "reduce_stage_events_per_s": stats.reduced / spent,
        "reduce_stage_changes_per_s": stats.changes / spent,
    }


def run(records: int = RECORDS) -> dict[str, float]:
    """Every figure of this case."""
    figures: dict[str, float] = {"records": float(records)}
    for batch in BATCHES:
        figures |= fresh(appends(batch, SINGLE_APPENDS if batch == 1 else records))
    figures |= fresh(reads(records))
    figures |= fresh(stage_commits(records))
    with tempfile.TemporaryDirectory() as directory:
        Log(Path(directory) / "log.db").close()
        figures |= tail_latency(Path(directory) / "log.db")
    figures |= publishing(ARTICLES)
    figures |= reducing(EVENTS)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cases.log_append", description=__doc__)
    parser.add_argument("--records", type=int, default=RECORDS, help="records per throughput figure")
    args = parser.parse_args()
    for name, value in run(args.records).items():
        print(f"{name:<40} {value:>14,.1f}")


if __name__ == "__main__":
    main()
