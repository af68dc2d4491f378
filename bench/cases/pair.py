"""Latency of one pair's reply, ``GET /alliances/{a}/{b}``, with many facts behind the pair.

``python -m bench.cases.pair [--facts 1000] [--requests 500]``: a fresh data directory holds the
pair ``A00|A01`` grown by ``--facts`` events from articles of five events each (through the embedded
runtime, so that its evidence finds their articles), and a server (``entente serve --no-worker``'s
app) runs on it in a child process on a loopback port. One client asks for the pair ``--requests``
times, one request at a time on a keep-alive connection, after a first (cold) request; the figures
are the median and 99th percentile of the warm requests' times, the cold one's and the reply's size,
the load average beside them (the machine is shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.cases.api import SERVER, free_port, percentile, start_server, stop_server
from schemas import Article, Event, Evidence, PloverType
from streams.config import Settings
from streams.runtime.embedded import EmbeddedRuntime

FACTS = 1_000
REQUESTS = 500
PER_ARTICLE = 5
START = dt.date(2018, 1, 1)


class Lines:
    """Reads each line ``SOURCE TYPE TARGET`` of an article as one event."""

    version = "bench-lines/1"

    def extract(self, article: Article) -> list[Event]:
        events, start = [], 0
        for line in article.text.splitlines(keepends=True):
            source, kind, target = line.split()[:3]
            end = start + len(line.rstrip())
            events.append(
                Event(
                    article_id=article.id,
                    type=PloverType(kind),
                    source=source,
                    target=target,
                    reported=article.published,
                    evidence=Evidence(text=line.strip(), start=start, end=end),
                    extractor=self.version,
                )
            )
            start += len(line)
        return events


def seed(data_dir: Path, facts: int) -> None:
    """The pair ``A00|A01`` grown by ``facts`` events, :data:`PER_ARTICLE` an article."""
    kinds = [PloverType.CONSULT, PloverType.COOPERATE, PloverType.AGREE, PloverType.THREATEN]
    articles = []
    for number in range(0, facts, PER_ARTICLE):
        lines = [
            f"A00 {kinds[(number + k) % len(kinds)].value} A01 report {number + k} of the pair\n"
            for k in range(min(PER_ARTICLE, facts - number))
        ]
        articles.append(
            Article(
                id=f"art-{number}",
                title=f"Story {number}",
                text="".join(lines),
                published=START + dt.timedelta(days=number // PER_ARTICLE % 900),
                source=f"outlet {number % 40}",
                url=f"https://news{number % 40}.example/story/{number}",
            )
        )
    with EmbeddedRuntime(data_dir, Settings(home=data_dir), extractor=Lines()) as runtime:
        runtime.publish_articles([(f"a:{item.id}", item.dumps()) for item in articles])
        runtime.run_until_idle()


def measure(facts: int = FACTS, requests: int = REQUESTS) -> dict[str, float]:
    """The figures of one server over a fresh data directory."""
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        seed(data_dir, facts)
        port = free_port()
        figures: dict[str, float] = {"load_average_1m_before": round(os.getloadavg()[0], 2)}
        server = start_server(SERVER, port, str(data_dir), str(port))
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                began = time.perf_counter()
                reply = client.get("/alliances/A00/A01")
                figures["cold_ms"] = (time.perf_counter() - began) * 1000
                reply.raise_for_status()
                figures["facts_behind_pair"] = float(reply.json()["alliance"]["events"])
                figures["reply_bytes"] = float(len(reply.content))
                times = []
                for _ in range(requests):
                    began = time.perf_counter()
                    client.get("/alliances/A00/A01").raise_for_status()
                    times.append((time.perf_counter() - began) * 1000)
        finally:
            stop_server(server)
        figures["p50_ms"] = statistics.median(times)
        figures["p99_ms"] = percentile(times, 0.99)
        figures["load_average_1m_after"] = round(os.getloadavg()[0], 2)
        return figures


def run() -> dict[str, float]:
    """The figures at the default sizes, for ``python -m bench``."""
    return measure()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cases.pair", description=__doc__)
    parser.add_argument("--facts", type=int, default=FACTS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = measure(args.facts, args.requests)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"pair_{key:<30} {value:,.3f}")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
