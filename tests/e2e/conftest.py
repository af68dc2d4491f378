"""Fixtures for end-to-end tests: a fresh data directory and a ``cli`` runner bound to it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.e2e.cli import Cli, run_cli
from tests.support.traps import traps

__all__ = ["cli", "home", "traps"]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def cli(home: Path) -> Cli:
    def call(
        *args: str, stdin: bytes | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[bytes]:
        return run_cli(home, *args, stdin=stdin, check=check)

    return call
