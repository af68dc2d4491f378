"""The cost of one pair's ``why`` on a log of 1,000,000 synthetic events.

``python -m bench.cases.audit [--events N]``: writes N synthetic events (those of
``bench/cases/reduce.py``: one in ten about the hot pair ``A00|A01``) to an
embedded log, stores the folded tables as the live state rows and indexes them
as the reduce stage does when it writes rows (timed), then times
:func:`streams.audit.why` on the hot pair and on an ordinary pair: the first
query of a row and later ones (the median of several), a row whose index entry
is gone (read and parsed from its stored state, then indexed again), and the
hot pair through the ``entente why`` command (including interpreter start-up).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from agents import reduce
from bench.cases.reduce import HOT, synthetic
from schemas import Event
from streams import topics
from streams.audit import why
from streams.audit_index import AuditIndex, index_rows
from streams.log import Log
from streams.runtime.embedded import EmbeddedRuntime

EVENTS = 1_000_000
CHUNK = 50_000
REPEATS = 7
TYPICAL = "A02|A03"


def logged(log: Log, count: int) -> Iterator[Event]:
    """The synthetic events, appended to ``events`` in chunks as they are yielded."""
    chunk: list[Event] = []
    for event in synthetic(count):
        chunk.append(event)
        yield event
        if len(chunk) == CHUNK:
            log.append(topics.EVENTS, [(item.id, item.dumps()) for item in chunk])
            chunk = []
    if chunk:
        log.append(topics.EVENTS, [(item.id, item.dumps()) for item in chunk])


def seconds(call: Callable[[], object]) -> float:
    """Wall time of one call."""
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def measure(count: int) -> dict[str, float]:
    """Build the log and the state of ``count`` events, then time ``why``."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        began = time.perf_counter()
        with Log.open(data_dir) as log:
            tables = reduce.fold(logged(log, count))
            with log.transaction() as writer:
                for table, rows in tables.items():
                    for key, row in rows.items():
                        writer.put_state(table, key, row.dumps())
            written = {(table, key): row for table, rows in tables.items() for key, row in rows.items()}
            indexing = seconds(lambda: index_rows(log, written))
        hot_key = "|".join(HOT)
        figures = {
            "events": float(count),
            "build_log_and_state_s": time.perf_counter() - began,
            "index_all_rows_s": indexing,
            "hot_pair_facts": float(len(tables["alliances"][hot_key].facts)),
            "typical_pair_facts": float(len(tables["alliances"][TYPICAL].facts)),
        }
        del tables
        with EmbeddedRuntime(data_dir) as runtime:
            for name, key in (("hot", hot_key), ("typical", TYPICAL)):
                figures[f"why_{name}_first_query_ms"] = 1000 * seconds(
                    lambda key=key: why(runtime, "alliances", key)
                )
                later = [seconds(lambda key=key: why(runtime, "alliances", key)) for _ in range(REPEATS)]
                figures[f"why_{name}_later_median_ms"] = 1000 * statistics.median(later)
            AuditIndex(runtime.log).clear()
            for name, key in (("hot", hot_key), ("typical", TYPICAL)):
                figures[f"why_{name}_unindexed_ms"] = 1000 * seconds(
                    lambda key=key: why(runtime, "alliances", key)
                )
        entente = str(Path(sys.executable).with_name("entente"))
        command = [entente, "why", *HOT, "--json", "--data-dir", str(data_dir)]
        figures["cli_why_hot_pair_s"] = seconds(
            lambda: subprocess.run(command, check=True, capture_output=True)
        )
    return figures


def run(count: int = EVENTS) -> dict[str, float]:
    """The figures for ``count`` synthetic events."""
    return measure(count)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cases.audit", description=__doc__)
    parser.add_argument("--events", type=int, default=EVENTS)
    args = parser.parse_args()
    for name, value in run(args.events).items():
        print(f"{name:<40} {value:,.3f}")


if __name__ == "__main__":
    main()
