"""Replay speed and memory of ``agents.reduce.fold``, and the cost of one pair's ``why``.

``python -m bench.cases.reduce [--sizes 100000 1000000]``: each size runs in a
fresh process and reports its peak resident memory (for 1M events streamed from a
generator: the tables and the interpreter; for 100k, also the list of events).
Events are synthetic (40 actors, 7 zones, three years, five events an article, one
in ten about the busiest pair), so reports rarely corroborate: the slow case.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator

from agents import reduce
from schemas import Event, Evidence, PloverType

SIZES = (100_000, 1_000_000)
ACTORS = tuple(f"A{number:02d}" for number in range(40))
ZONES = ("IDLIB", "AFRIN", "EASTERN_GHOUTA", "DARAA", "HOMS", "MANBIJ", "EUPHRATES_EAST")
START = dt.date(2017, 1, 1)
HOT = ("A00", "A01")
LISTED = 200_000


def synthetic(count: int, seed: int = 7) -> Iterator[Event]:
    """``count`` validated events; one pair in ten is the hot pair ``A00|A01``."""
    rng = random.Random(seed)
    kinds = list(PloverType)
    for number in range(count):
        article = number // 5
        source, target = HOT if number % 10 == 0 else rng.sample(ACTORS, 2)
        sentence = f"Report {number} of article {article}: {source} and {target} in the news."
        yield Event(
            article_id=f"art-{article}",
            type=rng.choice(kinds),
            source=source,
            target=None if rng.random() < 0.05 else target,
            zone=rng.choice(ZONES) if rng.random() < 0.3 else None,
            date=START + dt.timedelta(days=rng.randrange(1095)) if rng.random() < 0.6 else None,
            reported=START + dt.timedelta(days=article % 1095),
            modality=rng.choice(("asserted", "asserted", "asserted", "planned", "historical")),
            evidence=Evidence(text=sentence, start=0, end=len(sentence)),
            extractor="bench",
        )


def streamed(count: int, spent: list[float]) -> Iterator[Event]:
    """The synthetic events, adding the wall time spent creating them to ``spent[0]``."""
    source = synthetic(count)
    while True:
        began = time.perf_counter()
        item = next(source, None)
        spent[0] += time.perf_counter() - began
        if item is None:
            return
        yield item


def measure(count: int) -> dict[str, float]:
    """Fold ``count`` synthetic events; their creation is not counted.

    Up to :data:`LISTED` events are created first and folded from a list, timed by
    wall clock and by CPU time (steadier on a shared machine); larger logs stream
    from a generator, so that memory holds the tables, not the log.
    """
    spent = [0.0]
    events: Iterable[Event] = list(synthetic(count)) if count <= LISTED else streamed(count, spent)
    wall, cpu = time.perf_counter(), time.process_time()
    tables = reduce.fold(events)
    wall, cpu = time.perf_counter() - wall - spent[0], time.process_time() - cpu
    began = time.perf_counter()
    gc.collect()  # the one full collection a process pays for holding the tables, kept out of `why`
    collecting = time.perf_counter() - began
    hot = tables["alliances"]["|".join(HOT)]
    began = time.perf_counter()
    audit = reduce.why(hot)
    explaining = time.perf_counter() - began
    figures = {"events_per_s": count / wall}
    if count <= LISTED:
        figures["events_per_cpu_s"] = count / cpu
    return figures | {
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "full_gc_after_fold_s": collecting,
        "hot_pair_facts": float(len(audit["facts"])),
        "why_hot_pair_s": explaining,
        "rows": float(sum(len(rows) for rows in tables.values())),
    }


def run(sizes: tuple[int, ...] = SIZES) -> dict[str, float]:
    """Each size measured in a child process; figures prefixed by the size."""
    figures: dict[str, float] = {}
    for count in sizes:
        out = subprocess.run(
            [sys.executable, "-m", "bench.cases.reduce", "--child", str(count)],
            check=True,
            capture_output=True,
            text=True,
        )
        figures.update({f"fold_{count}_{name}": value for name, value in json.loads(out.stdout).items()})
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cases.reduce", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    for name, value in run(tuple(args.sizes)).items():
        print(f"{name:<40} {value:,.3f}")


if __name__ == "__main__":
    main()
