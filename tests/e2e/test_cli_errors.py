"""Every failure of a command is one line on stderr with a documented exit status; never a traceback
(unless ``--debug``), never a data directory created by a command that only reads."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.support import free_port
from tests.e2e.cli import SEEDS, Cli, run_cli, tmpfs

READERS = (
    ("state",),
    ("state", "alliances", "--json"),
    ("replay", "--verify"),
    ("status",),
    ("subscribe", "--until-idle"),
    ("why", "RUS", "TUR"),
    ("why", "--zone", "idlib"),
    ("export", "events"),
    ("dlq", "list"),
    ("dlq", "show", "0"),
    ("check",),
)


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_a_read_on_a_data_directory_without_a_log_says_so_and_creates_nothing(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    none = tmp_path / "none"
    done = run_cli(tmp_path / "home", *args, "--data-dir", str(none), check=False)
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 3 and len(lines) == 1, done.stderr.decode()
    assert str(none) in lines[0] and "ENTENTE_HOME/--data-dir" in lines[0] and "no log" in lines[0]
    assert not none.exists()


def test_an_unreachable_broker_is_one_line(cli: Cli, home: Path) -> None:
    port = free_port()
    done = cli("state", "--broker", f"kafka://127.0.0.1:{port}", check=False)
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 1 and len(lines) == 1, lines
    assert (
        lines[0] == f"entente: no Kafka broker answers at kafka://127.0.0.1:{port} (ENTENTE_BROKER/--broker)"
    )
    assert not home.exists()


def test_a_busy_port_is_one_line(home: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        done = run_cli(home, "serve", "--port", str(port), check=False)
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 1 and len(lines) == 1, lines
    assert lines[0] == f"entente: cannot listen on 127.0.0.1:{port} (--host/--port): Address already in use"


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs holding a seeded store, then remounted read-only; unmounted afterwards."""
    with tmpfs(tmp_path / "disk", "64m") as disk:
        run_cli(disk / "home", "ingest", str(SEEDS))
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        yield disk


def test_a_read_only_store_is_one_line_naming_it(read_only: Path) -> None:
    for home in (read_only / "home", read_only / "new"):
        done = run_cli(home, "run", str(SEEDS), check=False)
        lines = done.stderr.decode().splitlines()
        assert done.returncode == 3 and len(lines) == 1, lines
        assert lines[0] == f"entente: cannot write to {home} (ENTENTE_HOME/--data-dir): read-only"


def test_any_other_failure_is_one_line_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    home = tmp_path / "file" / "home"
    done = run_cli(home, "ingest", str(SEEDS), check=False)
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 3 and len(lines) == 1, lines
    assert lines[0].startswith(f"entente: cannot use {home} (ENTENTE_HOME/--data-dir): Not a directory")
    debug = run_cli(home, "--debug", "ingest", str(SEEDS), check=False)
    assert debug.returncode == 1 and b"Traceback (most recent call last)" in debug.stderr


def test_help_documents_the_exit_statuses(cli: Cli) -> None:
    text = " ".join(cli("--help").stdout.decode().split())
    assert "Exit status: 0 ok; 1 failure" in text and "2 usage error; 3 the store" in text


def test_verbose_logs_steps_and_quiet_only_errors(cli: Cli) -> None:
    cli("ingest", str(SEEDS))
    assert b"INFO streams.cli.context: opening the embedded runtime" in cli("-v", "state").stderr
    assert cli("state").stderr == b""
    quiet = cli("-q", "ingest", str(SEEDS))
    assert quiet.stderr == b"" and quiet.stdout.startswith(b"read 5, published 0")
