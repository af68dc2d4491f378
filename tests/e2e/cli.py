"""Helpers that drive the installed ``entente`` command in subprocesses."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson

from tests.support.articles import padding

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "data" / "seeds" / "seeds.jsonl"
DEV = ROOT / "tests" / "data" / "dev" / "dev.jsonl"
CORPORA = (ROOT / "tests" / "data" / "dev-world" / "dev-world.jsonl", DEV, SEEDS)
ENTENTE = str(Path(sys.executable).with_name("entente"))

Cli = Callable[..., subprocess.CompletedProcess[bytes]]


def environment(home: Path) -> dict[str, str]:
    """The test's environment: its own data dir, no colour codes in output."""
    return {**os.environ, "ENTENTE_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "200"}


def run_cli(
    home: Path, *args: str, stdin: bytes | None = None, check: bool = True
) -> subprocess.CompletedProcess[bytes]:
    """Run ``entente ARGS`` on ``home``; fail with its stderr when ``check`` and it fails."""
    done = subprocess.run(
        [ENTENTE, *args], input=stdin, capture_output=True, env=environment(home), timeout=300, check=False
    )
    if check and done.returncode != 0:
        raise AssertionError(f"entente {' '.join(args)} exited {done.returncode}:\n{done.stderr.decode()}")
    return done


def seed_lines() -> list[bytes]:
    """The seed articles, one JSON line each."""
    return [line for line in SEEDS.read_bytes().splitlines() if line.strip()]


def varied_corpus(copies: int) -> bytes:
    """``copies`` × the seeds with fresh ids, as JSON Lines, each text followed by three times as many
    words of its own (one sentence per ten), so that no two are copies of one story."""
    lines = []
    for n in range(copies):
        for line in seed_lines():
            article = orjson.loads(line)
            article["id"] = f"{article['id']}-copy{n}"
            article["text"] += "\n\n" + padding(article["id"], 3 * len(article["text"].split()))
            lines.append(orjson.dumps(article))
    return b"\n".join(lines) + b"\n"


def distinct_corpus(count: int) -> bytes:
    """The first ``count`` articles of the bundled corpora (115 stories, none a copy of another), as
    JSON Lines."""
    lines = [line for corpus in CORPORA for line in corpus.read_bytes().splitlines() if line.strip()]
    assert count <= len(lines), f"the bundled corpora hold {len(lines)} articles, not {count}"
    return b"\n".join(lines[:count]) + b"\n"


def outlet_copies(corpus: Path, copies: int) -> bytes:
    """``copies`` × ``corpus`` as other outlets would post it, as JSON Lines: each copy under new ids,
    its own outlet name and host, and (every other copy) a closing line of its own, so some copies
    are the same text and the others near-duplicates."""
    lines = []
    for n in range(1, copies + 1):
        for line in corpus.read_bytes().splitlines():
            article = orjson.loads(line)
            article |= {"id": f"{article['id']}-outlet{n}", "source": f"Outlet {n}"}
            article["url"] = f"https://outlet{n}.example/{article['id']}"
            if n % 2:
                article["text"] += f"\n\nRepublished by Outlet {n} with permission."
            lines.append(orjson.dumps(article))
    return b"\n".join(lines) + b"\n"


@contextlib.contextmanager
def tmpfs(directory: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` (``2m``) mounted on the new ``directory``, unmounted afterwards."""
    directory.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)], check=True)
    try:
        yield directory
    finally:
        subprocess.run(["umount", str(directory)], check=True)
