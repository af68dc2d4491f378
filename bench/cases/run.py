"""``entente run`` end to end against extraction alone, at two corpus sizes: is the cost linear?

``python -m bench.cases.run [--sizes 2000 4000] [--rounds 1]``: articles are made from the paragraphs
of the seeds, dev and dev-world sets (a seeded shuffle, three to eight paragraphs an article, fresh
ids, publication dates spread over three years, no two near-duplicates of each other), written as
JSON Lines. For each size and round:

- ``extract``: the extractor alone over the articles, in the batches the embedded runtime takes
  (:data:`streams.runtime.embedded.EXTRACT_BATCH`), in this process;
- ``run``: ``entente run FILE --data-dir TMP`` in a fresh process, as a user runs it, and the size
  of the data directory it leaves.

Figures are medians over rounds: seconds, articles per second, ``run`` over ``extract`` (the share
of the extraction rate the whole pipeline keeps), bytes of data directory per article, and the ratio
of the largest size's ``run`` time to the smallest's (2.0 is linear).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from agents.extract import DEFAULT_MODEL, EXTRACTOR_VERSION
from agents.extract.pipeline import build_extractor
from schemas import Article
from streams.ingest.dedupe import DedupeIndex
from streams.log.memory import MemoryLog
from streams.runtime.embedded import EXTRACT_BATCH

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
CORPORA = ("seeds/seeds.jsonl", "dev/dev.jsonl", "dev-world/dev-world.jsonl")
SIZES = (2000, 4000)
ROUNDS = 1
START = dt.date(2017, 1, 1)
ENTENTE = str(Path(sys.executable).with_name("entente"))
"""The command of the environment running the bench."""


def paragraphs() -> list[str]:
    """Every paragraph of more than a few words in the bundled corpora, in file order."""
    out = []
    for name in CORPORA:
        for line in (DATA / name).read_text().splitlines():
            if line.strip():
                text = json.loads(line)["text"]
                out.extend(part.strip() for part in text.split("\n\n") if len(part.split()) > 8)
    return out


def articles(count: int, seed: int = 11) -> list[Article]:
    """``count`` articles of three to eight paragraphs drawn from :func:`paragraphs`, each a story of
    its own: one the ingestion's near-duplicate check would take for a copy of an earlier one (a
    long paragraph may make most of two articles) is drawn again, so that ``run`` extracts every
    article ``extract`` does."""
    rng = random.Random(seed)
    pool = paragraphs()
    index = DedupeIndex(MemoryLog(Path(tempfile.gettempdir())))
    out: list[Article] = []
    while len(out) < count:
        text = "\n\n".join(rng.sample(pool, rng.randint(3, 8)))
        title = text.split(".")[0][:90]
        published = START + dt.timedelta(days=rng.randrange(3 * 365))
        item = Article(id=f"bench-{len(out):05d}", title=title, text=text, published=published)
        if index.admit(item).kind == "new":
            out.append(item)
    return out


def _line(item: Article) -> bytes:
    return orjson.dumps(item.model_dump(mode="json")) + b"\n"


def directory_bytes(path: Path) -> int:
    """Bytes of every file under ``path``."""
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def extract_seconds(items: list[Article]) -> float:
    """Wall-clock seconds the extractor takes over ``items`` in the runtime's batches."""
    extractor = build_extractor(DEFAULT_MODEL, EXTRACTOR_VERSION)
    extractor.extract(items[0])  # warm: the first parse loads lazily
    began = time.perf_counter()
    for start in range(0, len(items), EXTRACT_BATCH):
        extractor.extract_many(items[start : start + EXTRACT_BATCH])
    return time.perf_counter() - began


def run_once(path: Path, work: Path) -> tuple[float, int]:
    """Seconds ``entente run`` takes over ``path`` in a fresh data directory, and that directory's size."""
    home = work / "home"
    began = time.perf_counter()
    subprocess.run(
        [ENTENTE, "run", str(path), "--data-dir", str(home), "--json"],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - began
    size = directory_bytes(home)
    return seconds, size


def run(sizes: tuple[int, ...] = SIZES, rounds: int = ROUNDS) -> dict[str, float]:
    figures: dict[str, float] = {}
    for size in sizes:
        items = articles(size)
        extracts, runs, sizes_on_disk = [], [], []
        for _ in range(rounds):
            with tempfile.TemporaryDirectory(prefix="entente-bench-run-") as tmp:
                work = Path(tmp)
                path = work / "articles.jsonl"
                path.write_bytes(b"".join(map(_line, items)))
                extracts.append(extract_seconds(items))
                seconds, on_disk = run_once(path, work)
                runs.append(seconds)
                sizes_on_disk.append(on_disk)
        extract_s, run_s = statistics.median(extracts), statistics.median(runs)
        figures |= {
            f"{size}.extract_s": extract_s,
            f"{size}.extract_articles_per_s": size / extract_s,
            f"{size}.run_s": run_s,
            f"{size}.run_articles_per_s": size / run_s,
            f"{size}.run_over_extract": extract_s / run_s,
            f"{size}.data_dir_kb_per_article": statistics.median(sizes_on_disk) / size / 1000,
        }
    low, high = min(sizes), max(sizes)
    if low != high:
        figures[f"run_s.{high}_over_{low}"] = figures[f"{high}.run_s"] / figures[f"{low}.run_s"]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cases.run", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="articles per corpus")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"rounds per size (default {ROUNDS})")
    args = parser.parse_args(argv)
    for key, value in run(tuple(args.sizes), args.rounds).items():
        print(f"{key:<36} {value:,.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
