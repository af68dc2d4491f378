"""Long-running commands in their own processes: a worker killed mid-run, subscribers restarted."""

from __future__ import annotations

import queue
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import IO

import orjson

from tests.e2e.cli import ENTENTE, distinct_corpus, environment, run_cli, seed_lines

DEADLINE_S = 240.0


def status(home: Path) -> dict[str, dict[str, int]]:
    return orjson.loads(run_cli(home, "status", "--json").stdout)


def wait_until(predicate: object, what: str, timeout: float = DEADLINE_S) -> None:
    """Poll ``predicate`` (a callable) until it is true; fail naming ``what`` at the deadline."""
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def start(home: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [ENTENTE, *args], env=environment(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def change_ids(home: Path) -> list[str]:
    lines = run_cli(home, "subscribe", "--from-beginning", "--json", "--until-idle").stdout.splitlines()
    return [orjson.loads(line)["id"] for line in lines]


def test_worker_killed_mid_run_resumes_to_the_same_state(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(distinct_corpus(112))
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    run_cli(clean, "run", str(corpus))

    run_cli(killed, "ingest", str(corpus))
    worker = start(killed, "worker")
    try:
        wait_until(lambda: status(killed)["topics"]["state.changes"] > 0, "the first changes")
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    assert status(killed)["lag"]["extract"] > 0, "the worker finished before it was killed: grow the corpus"

    worker = start(killed, "worker")
    try:
        wait_until(lambda: not any(status(killed)["lag"].values()), "the restarted worker to catch up")
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0, worker.stderr.read().decode() if worker.stderr else ""

    assert run_cli(killed, "state", "--json").stdout == run_cli(clean, "state", "--json").stdout
    ids = change_ids(killed)
    assert len(ids) == len(set(ids)), "a change was emitted twice"
    assert sorted(ids) == sorted(change_ids(clean))


def read_lines(stream: IO[bytes], count: int, timeout: float = DEADLINE_S) -> list[dict[str, object]]:
    """``count`` JSON lines from a child's stdout, failing (not hanging) when they do not come."""
    lines: queue.Queue[bytes] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in iter(stream.readline, b"")], daemon=True
    ).start()
    got: list[dict[str, object]] = []
    deadline = time.monotonic() + timeout
    while len(got) < count:
        try:
            got.append(orjson.loads(lines.get(timeout=max(0.0, deadline - time.monotonic()))))
        except queue.Empty:
            raise AssertionError(f"got {len(got)} of {count} lines") from None
    return got


def test_subscriber_in_another_process_resumes_with_its_group(tmp_path: Path) -> None:
    home = tmp_path / "home"
    lines = seed_lines()
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_bytes(b"\n".join(lines[:3]) + b"\n")
    second.write_bytes(b"\n".join(lines[3:]) + b"\n")

    run_cli(home, "run")  # an empty store to subscribe to
    subscriber = start(home, "subscribe", "--group", "audit", "--from-beginning", "--json")
    try:
        run_cli(home, "run", str(first))
        produced = status(home)["topics"]["state.changes"]
        assert produced > 0
        assert subscriber.stdout is not None
        seen = read_lines(subscriber.stdout, produced)
        subscriber.send_signal(signal.SIGTERM)
        assert subscriber.wait(timeout=30) == 0
    finally:
        subscriber.kill()
        subscriber.wait()

    run_cli(home, "run", str(second))
    total = status(home)["topics"]["state.changes"]
    resumed = run_cli(home, "subscribe", "--group", "audit", "--json", "--until-idle").stdout.splitlines()
    seen += [orjson.loads(line) for line in resumed]
    offsets = [change["offset"] for change in seen]
    assert offsets == list(range(total)), "a change was missed or printed twice"
    assert run_cli(home, "subscribe", "--group", "audit", "--json", "--until-idle").stdout == b""
