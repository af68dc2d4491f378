"""Live ingest: page extraction speed, a poller's memory, and near-duplicate lookup time.

``python -m bench.cases.ingest``; each part runs in a fresh process, so its
peak resident memory is its own. Pages wrap the seed texts in the same
realistic chrome the tests use (navigation, scripts, cookie banner, related
links), each made distinct by a numbered sentence; feeds and pages are served
by an HTTP server on loopback in the same process (its thread shares the CPU).

- ``extract``: HTML → article (trafilatura + htmldate) on 1,000 pages in memory.
- ``fetch``: the same 1,000 pages fetched from the local server and
  de-duplicated (``LiveIngest.fetch_pages``).
- ``poller``: 100 feeds of 10 entries: the first round (1,000 pages fetched),
  then a second (every feed answers 304); resident memory before and after.
- ``lookup``: near-duplicate lookup of one article against 100,000 stored
  signatures (random, plus the seeds), and the cost of its MinHash.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from datasketch import LeanMinHash

from streams.ingest.dedupe import NUM_PERM, SCHEME, SEED, DedupeIndex, signature
from streams.ingest.fetch import FetchPolicy
from streams.ingest.html import article_from_html
from streams.ingest.live import LiveIngest, follow
from streams.log import LOG_FILE, Log
from tests.support.http_site import RSS, FeedItem, Site, article_page, rss, seeds

PAGES = 1_000
FEEDS = 100
ENTRIES = 10
STORED = 100_000
QUERIES = 500
DAY = dt.datetime(2019, 2, 11, 8, 0, tzinfo=dt.UTC)
POLICY = FetchPolicy(allowed=("127.0.0.1/32",), per_host=8, max_connections=64)
PARTS = ("extract", "fetch", "poller", "lookup")


def pages(count: int) -> list[bytes]:
    """``count`` distinct pages built from the seeds."""
    stories = seeds()
    out = []
    for number in range(count):
        seed = stories[number % len(stories)]
        extra = f"Dispatch number {number} was filed from the regional bureau overnight."
        out.append(article_page(f"{seed.title} ({number})", [*seed.paragraphs, extra], published=DAY))
    return out


def rss_mib() -> float:
    """Resident memory now, from ``/proc``."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def extract() -> dict[str, float]:
    html = pages(PAGES)
    began = time.perf_counter()
    for number, page in enumerate(html):
        article_from_html(page, f"page-{number}")
    spent = time.perf_counter() - began
    return {"pages_per_s": PAGES / spent, "ms_per_page": 1000 * spent / PAGES}


async def fetch() -> dict[str, float]:
    with Site() as site, tempfile.TemporaryDirectory() as data:
        urls = [site.add(f"/p/{number}", page) for number, page in enumerate(pages(PAGES))]
        async with LiveIngest(Path(data), POLICY) as live:
            began = time.perf_counter()
            items = await live.fetch_pages(urls)
            live.commit()
            spent = time.perf_counter() - began
    return {"pages_per_s": PAGES / spent, "articles": float(len(items))}


async def poller() -> dict[str, float]:
    with Site() as site, tempfile.TemporaryDirectory() as data:
        html = pages(FEEDS * ENTRIES)
        feeds = []
        for feed in range(FEEDS):
            entries = []
            for entry in range(ENTRIES):
                number = feed * ENTRIES + entry
                entries.append(FeedItem(f"Story {number}", site.add(f"/f{feed}/{entry}", html[number]), DAY))
            site.add(f"/f{feed}/rss.xml", rss(f"Feed {feed}", site.base, entries), RSS, etag=f'"{feed}"')
            feeds.append(site.url(f"/f{feed}/rss.xml"))
        del html
        before = rss_mib()
        published: list[int] = []
        async with LiveIngest(Path(data), POLICY) as live:
            began = time.perf_counter()
            await follow(live, feeds, lambda items: published.append(len(items)))
            first = time.perf_counter() - began
            after_first = rss_mib()
            began = time.perf_counter()
            await follow(live, feeds, lambda items: published.append(len(items)))
            second = time.perf_counter() - began
            after_second = rss_mib()
    return {
        "feeds": float(FEEDS),
        "first_round_articles": float(published[0]),
        "first_round_s": first,
        "second_round_articles": float(published[1]),
        "second_round_s": second,
        "rss_before_mib": before,
        "rss_growth_first_round_mib": after_first - before,
        "rss_growth_second_round_mib": after_second - after_first,
        "peak_rss_mib": peak_mib(),
    }


def lookup() -> dict[str, float]:
    rng = np.random.default_rng(7)
    stories = ["\n".join([seed.title, *seed.paragraphs]) for seed in seeds()]
    with tempfile.TemporaryDirectory() as data, Log.open(Path(data)) as log:
        index = DedupeIndex(log)
        began = time.perf_counter()
        for number in range(STORED - len(stories)):
            values = rng.integers(0, 2**32 - 1, NUM_PERM, dtype=np.uint32)
            index.add(f"random-{number}", LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME))
        for number, text in enumerate(stories):
            index.add(f"seed-{number}", signature(text))
        index.commit()
        filling = time.perf_counter() - began
        queries = [f"{stories[n % len(stories)]}\nA closing line, version {n}." for n in range(QUERIES)]
        began = time.perf_counter()
        sketches = [signature(text) for text in queries]
        hashing = (time.perf_counter() - began) / QUERIES
        times, found = [], 0
        for sketch in sketches:
            began = time.perf_counter()
            found += index.nearest(sketch) is not None
            times.append(time.perf_counter() - began)
        misses = []
        for _ in range(QUERIES):
            values = rng.integers(0, 2**32 - 1, NUM_PERM, dtype=np.uint32)
            sketch = LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)
            began = time.perf_counter()
            index.nearest(sketch)
            misses.append(time.perf_counter() - began)
        size = sum(path.stat().st_size for path in Path(data).glob(f"{LOG_FILE}*"))
    return {
        "stored": float(STORED),
        "fill_s": filling,
        "minhash_us_per_article": hashing * 1e6,
        "lookup_hit_median_us": statistics.median(times) * 1e6,
        "lookup_hit_p99_us": sorted(times)[int(0.99 * len(times))] * 1e6,
        "lookup_miss_median_us": statistics.median(misses) * 1e6,
        "copies_found": float(found),
        "index_mib": size / 2**20,
        "peak_rss_mib": peak_mib(),
    }


def measure(part: str) -> dict[str, float]:
    if part == "extract":
        return extract()
    if part == "lookup":
        return lookup()
    return asyncio.run(fetch() if part == "fetch" else poller())


def run(parts: tuple[str, ...] = PARTS) -> dict[str, float]:
    """Each part in a child process; figures prefixed by the part's name."""
    figures: dict[str, float] = {}
    for part in parts:
        out = subprocess.run(
            [sys.executable, "-m", "bench.cases.ingest", "--child", part],
            check=True,
            capture_output=True,
            text=True,
        )
        figures.update({f"{part}_{name}": value for name, value in json.loads(out.stdout).items()})
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cases.ingest", description=__doc__)
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--child", choices=PARTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    for name, value in run(tuple(args.parts)).items():
        print(f"{name:<44} {value:,.3f}")


if __name__ == "__main__":
    main()
