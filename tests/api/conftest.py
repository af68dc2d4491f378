"""Fixtures of the API tests: one seeded server for the session, small servers of their own, Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from streams.api import ApiConfig
from tests.api.support import TOKEN, WORLD, Server, seeded, serving
from tests.support.kafka import kafka

CHROMIUM = Path("/usr/bin/chromium")
__all__ = ["api", "chromium", "kafka", "own_server", "seeded_dir", "server", "world", "world_dir"]


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the processed seed articles (built once; copy it before writing)."""
    return seeded(tmp_path_factory.mktemp("seeded") / "data")


@pytest.fixture(scope="session")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the processed seeds and world news articles (built once; copy it
    before writing)."""
    return seeded(tmp_path_factory.mktemp("world") / "data", WORLD)


@pytest.fixture(scope="session")
def server(seeded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The seeded server, with a token and the in-process worker, shared by the session."""
    with serving_copy(seeded_dir, tmp_path_factory.mktemp("served")) as running:
        yield running


@pytest.fixture(scope="session")
def world(world_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of the seeds and world news articles, with a token and the in-process worker."""
    with serving_copy(world_dir, tmp_path_factory.mktemp("world-served")) as running:
        yield running


@contextmanager
def serving_copy(data_dir: Path, into: Path) -> Iterator[Server]:
    """A server, with a token and the in-process worker, of a copy of ``data_dir`` made in ``into``."""
    copy = into / "data"
    shutil.copytree(data_dir, copy)
    with serving(ApiConfig(data_dir=copy, token=TOKEN, heartbeat=0.5)) as running:
        yield running


@pytest.fixture
def api(server: Server) -> Iterator[httpx.Client]:
    """A client of the seeded server."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture
def own_server(seeded_dir: Path, tmp_path: Path) -> Iterator[Server]:
    """A seeded server of the test's own, without a worker (for tests that control the log)."""
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_dir, data_dir)
    with serving(ApiConfig(data_dir=data_dir, token=TOKEN, worker=False, heartbeat=0.3)) as running:
        yield running


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, installed with apt-get when missing; not getting it fails the test."""
    if CHROMIUM.exists():
        return CHROMIUM
    install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
    done = apt(install)
    if done.returncode != 0:  # the package lists may be missing or stale
        apt(["apt-get", "update"])
        done = apt(install)
    if done.returncode != 0 or not CHROMIUM.exists():
        pytest.fail(f"could not install chromium (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return CHROMIUM


def apt(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run an apt-get command non-interactively."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(command, capture_output=True, text=True, timeout=900, check=False, env=env)
