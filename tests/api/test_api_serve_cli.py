"""``entente serve`` as a command: its options name their variables, it serves, and it stops on SIGINT."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import httpx

from tests.api.support import AGREEMENT, AUTH, TOKEN, article, free_port, seeded, wait_for
from tests.e2e.cli import ENTENTE, environment


def test_serve_help_names_every_environment_variable(tmp_path: Path) -> None:
    done = subprocess.run(
        [ENTENTE, "serve", "--help"], capture_output=True, text=True, check=True, env=environment(tmp_path)
    )
    for variable in (
        "ENTENTE_API_HOST",
        "ENTENTE_API_PORT",
        "ENTENTE_API_WORKER",
        "ENTENTE_API_MAX_BODY",
        "ENTENTE_HOME",
        "ENTENTE_BROKER",
        "ENTENTE_API_TOKEN",
    ):
        assert variable in done.stdout
    assert "127.0.0.1" in done.stdout


def test_serve_runs_the_worker_and_stops_cleanly(tmp_path: Path) -> None:
    home = seeded(tmp_path / "home")
    port = free_port()
    env = environment(home) | {"ENTENTE_API_TOKEN": TOKEN, "ENTENTE_API_PORT": str(port)}
    process = subprocess.Popen([ENTENTE, "serve"], env=env, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _healthy(url), timeout=60)
        assert (
            httpx.post(f"{url}/articles", json=article("cli-1", AGREEMENT), headers=AUTH).status_code == 202
        )
        wait_for(
            lambda: httpx.get(f"{url}/events", params={"since": "2020-01-05"}).json()["events"], timeout=60
        )
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert f"on http://127.0.0.1:{port}/" in err


def test_serve_refuses_an_unknown_broker(tmp_path: Path) -> None:
    env = environment(tmp_path) | {"ENTENTE_BROKER": "amqp://127.0.0.1:1"}
    done = subprocess.run(
        [ENTENTE, "serve"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert done.returncode == 2 and "kafka://host:port" in done.stderr


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).json()["worker"] == "running"
    except httpx.TransportError:
        return False
