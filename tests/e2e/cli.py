"""Helpers that drive the installed ``entente`` command in subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "data" / "seeds" / "seeds.jsonl"
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
    """``copies`` × the seeds with fresh ids, as JSON Lines."""
    lines = []
    for n in range(copies):
        for line in seed_lines():
            article = orjson.loads(line)
            article["id"] = f"{article['id']}-copy{n}"
            lines.append(orjson.dumps(article))
    return b"\n".join(lines) + b"\n"
