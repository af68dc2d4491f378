"""Fixtures of the embedded log's integration tests: tmp data dirs and real child processes.

Child processes run Python source given as a string, with the repository on
their path (so they can use the stand-ins of :mod:`tests.support.embedded`),
and a test can kill one with SIGKILL at any moment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from streams.log import Log
from tests.support.traps import traps

__all__ = ["data_dir", "log", "spawn", "traps"]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


Spawn = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Start ``python -c source args...`` with the repository importable; kill leftovers at teardown."""
    started: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }

    def start(source: str, *args: object) -> subprocess.Popen[bytes]:
        process = subprocess.Popen([sys.executable, "-c", source, *map(str, args)], env=env, cwd=ROOT)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty data directory."""
    return tmp_path / "data"


@pytest.fixture
def log(data_dir: Path) -> Iterator[Log]:
    """A log on a fresh data directory."""
    with Log.open(data_dir) as opened:
        yield opened
