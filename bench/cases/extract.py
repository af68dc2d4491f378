"""Extraction throughput on articles made from the seed and dev corpora, and start-up time.

``python -m bench.cases.extract [--count 2000] [--batch 64]``: the seeds and dev articles are
repeated (with fresh ids) until ``count`` articles, extracted one by one and then in batches
(``extract_many``, as the runtimes call it); figures are wall-clock and per-CPU-second rates, the
share of time spent in the spaCy parse, and the medians over ``--startup-runs`` fresh processes of the
time (wall-clock and CPU) to load the extractor, and to load the knowledge base alone.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from agents.extract import DEFAULT_MODEL, EXTRACTOR_VERSION
from agents.extract.pipeline import build_extractor
from schemas import Article

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
ARTICLE_FIELDS = ("id", "title", "text", "published", "source", "url")
CORPORA = ("seeds/seeds.jsonl", "dev/dev.jsonl")
COUNT = 2000
BATCH = 64
STARTUP_RUNS = 5
LOADS = {
    "startup": "from agents.extract import load_extractor; load_extractor()",
    "kb_load": "from agents.kb import load_kb; load_kb()",
}
"""What a fresh process times: the extractor, and the knowledge base alone, each with its imports."""
TIMED = (
    "import time; wall, cpu = time.perf_counter(), time.process_time(); {}; "
    "print(time.perf_counter() - wall, time.process_time() - cpu)"
)


def corpus(count: int) -> list[Article]:
    """``count`` articles cycling through the seeds and dev sets."""
    fields = ARTICLE_FIELDS
    rows = [json.loads(line) for name in CORPORA for line in (DATA / name).read_text().splitlines() if line]
    base = [Article.model_validate({k: row.get(k) for k in fields}) for row in rows]
    return [
        article.model_copy(update={"id": f"{article.id}-{n}"})
        for n, article in zip(range(count), itertools.cycle(base), strict=False)
    ]


class TimedParser:
    """Wraps ``nlp.pipe`` to add up the time spent producing parsed docs."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.seconds = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.nlp, name)

    def pipe(self, docs: Iterable[Any], **kwargs: Any) -> Iterator[Any]:
        stream = iter(self.nlp.pipe(docs, **kwargs))
        while True:
            began = time.perf_counter()
            try:
                doc = next(stream)
            except StopIteration:
                self.seconds += time.perf_counter() - began
                return
            self.seconds += time.perf_counter() - began
            yield doc


def load_seconds(code: str, runs: int) -> dict[str, float]:
    """Median wall-clock and CPU seconds of ``code`` in ``runs`` fresh interpreters."""
    walls, cpus = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", TIMED.format(code)], check=True, capture_output=True, text=True
        )
        wall, cpu = out.stdout.strip().splitlines()[-1].split()
        walls.append(float(wall))
        cpus.append(float(cpu))
    return {"s": statistics.median(walls), "cpu_s": statistics.median(cpus)}


def run(count: int = COUNT, batch: int = BATCH, startup_runs: int = STARTUP_RUNS) -> dict[str, float]:
    articles = corpus(count)
    extractor = build_extractor(DEFAULT_MODEL, EXTRACTOR_VERSION)
    timed = TimedParser(extractor.nlp)
    extractor.nlp = timed  # type: ignore[assignment]
    extractor.extract(articles[0])
    size = sum(len(a.text.encode("utf-8")) for a in articles)
    figures: dict[str, float] = {"articles": float(count)}
    for name, size_of_batch in (("one_by_one", 1), (f"batch_{batch}", batch)):
        timed.seconds = 0.0
        wall, cpu = time.perf_counter(), time.process_time()
        events = 0
        for start in range(0, count, size_of_batch):
            events += sum(
                len(found) for found in extractor.extract_many(articles[start : start + size_of_batch])
            )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        figures |= {
            f"{name}.events": float(events),
            f"{name}.articles_per_s": count / wall,
            f"{name}.articles_per_cpu_s": count / cpu,
            f"{name}.mb_per_cpu_s": size / cpu / 1e6,
            f"{name}.parser_share": timed.seconds / wall,
        }
    for name, code in LOADS.items():
        figures |= {f"{name}_{unit}": value for unit, value in load_seconds(code, startup_runs).items()}
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cases.extract", description=__doc__)
    parser.add_argument("--count", type=int, default=COUNT, help=f"articles to extract (default {COUNT})")
    parser.add_argument("--batch", type=int, default=BATCH, help=f"articles per batch (default {BATCH})")
    parser.add_argument(
        "--startup-runs",
        type=int,
        default=STARTUP_RUNS,
        help=f"fresh processes whose median load times are given (default {STARTUP_RUNS})",
    )
    args = parser.parse_args(argv)
    for key, value in run(args.count, args.batch, args.startup_runs).items():
        print(f"{key:<30} {value:,.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
