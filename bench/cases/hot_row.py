"""Speed and memory of the live reduce step on one hot row: the function both runtimes call.

``python -m bench.cases.hot_row [--facts 100000] [--batch 500] [--rounds 7]``: in a fresh
process, builds the alliance row ``A00|A01`` holding ``--facts`` facts (not timed), then grows it
by new events through :func:`streams.handlers.reduce_row`, ``--batch`` events a call (the embedded
reduce stage's batch), as the runtime does with the row it keeps grown between batches. Each round
is a few batches; the figure is the median of the rounds' events per second, with the process's
peak resident memory and the size of the largest change.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator

from agents.reduce.growth import Grown
from bench.cases.reduce import START
from schemas import Event, Evidence, PloverType
from streams.handlers import reduce_row
from streams.runtime.embedded import REDUCE_BATCH

FACTS = 100_000
ROUNDS = 7
BATCHES_A_ROUND = 4
PAIR = ("A00", "A01")
TABLE, KEY = "alliances", "|".join(PAIR)


def hot(start: int, count: int, seed: int = 11) -> Iterator[Event]:
    """``count`` events of the hot pair numbered from ``start``, five an article, over three years."""
    rng = random.Random(seed + start)
    kinds = list(PloverType)
    for number in range(start, start + count):
        article = number // 5
        sentence = f"Report {number} of article {article}: A00 and A01 in the news."
        source, target = PAIR if number % 2 else PAIR[::-1]
        yield Event(
            article_id=f"art-{article}",
            type=rng.choice(kinds),
            source=source,
            target=target,
            date=START + dt.timedelta(days=rng.randrange(1095)) if rng.random() < 0.6 else None,
            reported=START + dt.timedelta(days=article % 1095),
            modality=rng.choice(("asserted", "asserted", "asserted", "planned", "historical")),
            evidence=Evidence(text=sentence, start=0, end=len(sentence)),
            extractor="bench",
        )


def measure(facts: int, batch: int, rounds: int) -> dict[str, float]:
    """Grow the hot row by ``rounds`` rounds of :data:`BATCHES_A_ROUND` batches; their events are
    made before each round, not timed."""
    began = time.perf_counter()
    built = reduce_row(TABLE, KEY, None, list(hot(0, facts)))
    assert built is not None
    row: Grown = built.row
    building = time.perf_counter() - began
    rates, largest, made = [], 0, facts
    for _round in range(rounds):
        batches = [list(hot(made + k * batch, batch)) for k in range(BATCHES_A_ROUND)]
        made += batch * BATCHES_A_ROUND
        began = time.perf_counter()
        for events in batches:
            out = reduce_row(TABLE, KEY, row, events)
            assert out is not None and out.changes
            row = out.row
            largest = max(largest, *(len(change.dumps()) for change in out.changes))
        rates.append(batch * BATCHES_A_ROUND / (time.perf_counter() - began))
    return {
        "events_per_s": statistics.median(rates),
        "events_per_s_min": min(rates),
        "build_whole_s": building,
        "row_facts": float(len(row.state.facts)),
        "largest_change_bytes": float(largest),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run(facts: int = FACTS, batch: int = REDUCE_BATCH, rounds: int = ROUNDS) -> dict[str, float]:
    """The figures of :func:`measure`, from a child process (so the peak memory is its own)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.cases.hot_row", "--child", str(facts), str(batch), str(rounds)],
        check=True,
        capture_output=True,
        text=True,
    )
    return {f"hot_row_{name}": value for name, value in json.loads(out.stdout).items()}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cases.hot_row", description=__doc__)
    parser.add_argument("--facts", type=int, default=FACTS)
    parser.add_argument("--batch", type=int, default=REDUCE_BATCH)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--child", type=int, nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(*args.child)))
        return
    for name, value in run(args.facts, args.batch, args.rounds).items():
        print(f"{name:<40} {value:,.3f}")


if __name__ == "__main__":
    main()
