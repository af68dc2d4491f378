"""Every fenced Python and shell example of README.md runs as written, but those marked
``<!-- example: skip (reason) -->`` on the line before the fence."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest

from streams import topics
from streams.runtime.embedded import EmbeddedRuntime
from streams.subscribe import involves
from tests.e2e.cli import ROOT, distinct_corpus, environment

README = ROOT / "README.md"
FENCE = re.compile(r"(?:<!-- example: (?P<mark>[^>]*) -->\n)?```(?P<lang>python|sh)\n(?P<body>.*?)```", re.S)
RUNNER = """
import ast, asyncio, sys
code = compile(sys.stdin.read(), "README.md", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
result = eval(code, {"__name__": "__main__"})
if asyncio.iscoroutine(result):
    asyncio.run(result)
"""
"""Runs a Python example as written: its top-level ``async for`` as ``python -m asyncio`` would."""


CORPUS = 115
"""Articles the subscriber example may be fed (the bundled corpora hold 115 distinct ones)."""


def printed(out: IO[bytes]) -> str:
    """A line ``out`` printed within a few seconds, or ``""``."""
    ready, _, _ = select.select([out], [], [], 5.0)
    return out.readline().decode() if ready else ""


def examples(lang: str) -> list[str]:
    """The bodies of the README's unmarked examples in ``lang``, in order."""
    found = [m for m in FENCE.finditer(README.read_text(encoding="utf-8")) if m["lang"] == lang]
    for m in found:
        assert m["mark"] is None or m["mark"].startswith("skip ("), f"unknown mark {m['mark']!r}"
    return [m["body"] for m in found if m["mark"] is None]


def shell_env(home: Path) -> dict[str, str]:
    """The test environment with the installed ``entente`` first on the path."""
    bin_dir = str(Path(sys.executable).parent)
    return environment(home) | {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def checkout(where: Path) -> Path:
    """A folder that reads as the repository (its entries linked) and takes what an example writes."""
    where.mkdir()
    for entry in ROOT.iterdir():
        if not entry.name.startswith("."):
            (where / entry.name).symlink_to(entry)
    return where


def test_the_readme_has_examples_of_each_kind() -> None:
    assert len(examples("python")) == 2 and len(examples("sh")) >= 2


@pytest.mark.parametrize("body", examples("sh"), ids=lambda body: body.split("\n")[0][:60])
def test_shell_example_runs(body: str, tmp_path: Path) -> None:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", body],
        cwd=checkout(tmp_path / "checkout"),
        env=shell_env(tmp_path / "home"),
        capture_output=True,
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()


def test_python_examples_run_as_written(tmp_path: Path) -> None:
    publish, follow = examples("python")
    env = shell_env(tmp_path / "unused") | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=publish.encode(),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0 and b"'stance':" in done.stdout, done.stderr.decode()

    subscriber = subprocess.Popen(
        [sys.executable, "-u", "-c", RUNNER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
    )
    assert subscriber.stdin is not None and subscriber.stdout is not None
    subscriber.stdin.write(follow.encode())
    subscriber.stdin.close()
    try:  # it starts at the newest change: add articles until it prints one of Turkey's
        home = tmp_path / ".entente"
        line = ""
        with EmbeddedRuntime(home) as runtime:
            for article in distinct_corpus(CORPUS).splitlines():
                newest = runtime.log.end(topics.CHANGES)
                runtime.publish_articles([("readme", article)])
                runtime.run_until_idle()
                turkey = any(involves(change, "TUR") for _, change in runtime.changes(newest - 1))
                if turkey and (line := printed(subscriber.stdout)):
                    break
        assert "TUR" in line.split()[2], line
    finally:
        subscriber.kill()
        subscriber.wait(timeout=30)
