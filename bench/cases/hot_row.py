"""Speed and memory of the live reduce step on one hot row: the function both runtimes call.

``python -m bench.cases.hot_row [--facts 100000] [--batch 1 500] [--rounds 7] [--events 2000]``: in a
fresh process for each batch size, builds the alliance row ``A00|A01`` holding ``--facts`` facts
(not timed), then grows it by new events through :func:`streams.handlers.reduce_row`, ``--batch``
events a call (1: one change an event; 500: the embedded reduce stage's batch), as the runtime does
with the row it keeps grown between calls. Each round takes ``--events`` events; the figure is the
median of the rounds' events per second (and per second of the process's CPU time, which a machine
shared with others slows less), with the process's peak resident memory after building the
row and after the rounds (what the rounds add to it), and the size of the largest change (read after
each round, untimed). Some events share an id with one held (the same report extracted again): those
change a fact or nothing.

Two more figures, at batch 1: the time of a step whose event is dated after the row's newest one (the
day the row's incidents are weighed from moves, and every weight is computed again), and events per
second on a zone row of ``--zone-facts`` facts (an event dated before its last status step finds
the runs of its timeline again from there).
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
from collections.abc import Iterator, Sequence

from agents.reduce.growth import Grown
from bench.cases.reduce import START
from schemas import Change, Event, Evidence, PloverType
from streams.handlers import reduce_row
from streams.runtime.embedded import REDUCE_BATCH

FACTS = 100_000
ROUNDS = 7
EVENTS = 2_000
BATCHES = (1, REDUCE_BATCH)
ZONE_FACTS = 5_000
PAIR = ("A00", "A01")
TABLE, KEY = "alliances", "|".join(PAIR)
ZONE = "Z0"


def hot(start: int, count: int, zone: str | None = None, seed: int = 11) -> Iterator[Event]:
    """``count`` events of the hot pair numbered from ``start``, five an article, over three years
    (in ``zone``, if given)."""
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
            zone=zone,
            date=START + dt.timedelta(days=rng.randrange(1095)) if rng.random() < 0.6 else None,
            reported=START + dt.timedelta(days=article % 1095),
            modality=rng.choice(("asserted", "asserted", "asserted", "planned", "historical")),
            evidence=Evidence(text=sentence, start=0, end=len(sentence)),
            extractor="bench",
        )


def measure(facts: int, batch: int, rounds: int, events: int, zone_facts: int) -> dict[str, float]:
    """Grow the hot row by ``rounds`` rounds of ``events`` events, ``batch`` a call; the events are
    made before each round, not timed."""
    began = time.perf_counter()
    row = _built(TABLE, KEY, list(hot(0, facts)))
    building = time.perf_counter() - began
    built_rss = _peak_rss()
    rates, cpu_rates, largest, made = [], [], 0, facts
    for _round in range(rounds):
        calls = [list(hot(made + k, batch)) for k in range(0, events, batch)]
        made += len(calls) * batch
        changes: list[Change] = []
        began, cpu = time.perf_counter(), time.process_time()
        for items in calls:
            row = _grown(TABLE, KEY, row, items, changes)
        rates.append(len(calls) * batch / (time.perf_counter() - began))
        cpu_rates.append(len(calls) * batch / (time.process_time() - cpu))
        largest = max((len(change.dumps()) for change in changes), default=largest)
    figures = {
        "events_per_s": statistics.median(rates),
        "events_per_s_min": min(rates),
        "events_per_cpu_s": statistics.median(cpu_rates),
        "build_whole_s": building,
        "row_facts": float(len(row.state.facts)),
        "largest_change_bytes": float(largest),
        "peak_rss_built_mib": built_rss,
        "peak_rss_mib": _peak_rss(),
    }
    if batch == 1:
        figures["reference_move_s"] = _moved(row, made)
        figures["zone_events_per_s"] = _zone_rate(zone_facts, events)
    return figures


def _built(table: str, key: str, events: list[Event]) -> Grown:
    built = reduce_row(table, key, None, events)
    assert built is not None
    return built.row


def _grown(table: str, key: str, row: Grown, events: list[Event], changes: list[Change]) -> Grown:
    """``row`` grown by ``events``, its changes put in ``changes``."""
    out = reduce_row(table, key, row, events)
    if out is None:  # every event was held already, as it is
        return row
    changes.extend(out.changes)
    return out.row


def _moved(row: Grown, number: int) -> float:
    """Seconds of one step whose event is dated the day after the row's newest event date."""
    last = row.state.last
    assert last is not None
    event = next(hot(number, 1)).model_copy(update={"date": last + dt.timedelta(days=1)})
    event = Event.model_validate(event.model_dump(exclude={"id"}))  # its id follows its date
    began = time.perf_counter()
    _grown(TABLE, KEY, row, [event], [])
    return time.perf_counter() - began


def _zone_rate(facts: int, events: int) -> float:
    """Events per second growing the zone row ``Z0`` of ``facts`` facts one event at a time."""
    row = _built("zones", ZONE, list(hot(0, facts, ZONE)))
    made = list(hot(facts, events, ZONE))
    began = time.perf_counter()
    for event in made:
        row = _grown("zones", ZONE, row, [event], [])
    return events / (time.perf_counter() - began)


def _peak_rss() -> float:
    """The peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(
    facts: int = FACTS,
    batches: Sequence[int] = BATCHES,
    rounds: int = ROUNDS,
    events: int = EVENTS,
    zone_facts: int = ZONE_FACTS,
) -> dict[str, float]:
    """The figures of :func:`measure` for each batch size, each from a child process (so that its
    peak memory is its own)."""
    figures = {}
    for batch in batches:
        command = [sys.executable, "-m", "bench.cases.hot_row", "--child"]
        command += map(str, (facts, batch, rounds, events, zone_facts))
        out = subprocess.run(command, check=True, capture_output=True, text=True)
        figures |= {f"hot_row_batch{batch}_{name}": value for name, value in json.loads(out.stdout).items()}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cases.hot_row", description=__doc__)
    parser.add_argument("--facts", type=int, default=FACTS)
    parser.add_argument("--batch", type=int, nargs="+", default=list(BATCHES))
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--events", type=int, default=EVENTS, help="events a round")
    parser.add_argument("--zone-facts", type=int, default=ZONE_FACTS)
    parser.add_argument("--child", type=int, nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(*args.child)))
        return
    for name, value in run(args.facts, args.batch, args.rounds, args.events, args.zone_facts).items():
        print(f"{name:<45} {value:,.3f}")


if __name__ == "__main__":
    main()
