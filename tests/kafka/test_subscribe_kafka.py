"""``entente subscribe`` and ``entente status`` on Kafka, in processes of their own beside a worker."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path
from typing import Any

import orjson
import pytest

from streams import topics
from streams.kafka.options import KafkaOptions
from tests.e2e.cli import ENTENTE, environment, seed_lines
from tests.e2e.test_worker_cli import read_lines, wait_until
from tests.kafka.test_audit_kafka import Home
from tests.support.kafka import Kafka, start_worker, unique

pytestmark = pytest.mark.kafka


@pytest.fixture
def options() -> KafkaOptions:
    return KafkaOptions(namespace=f"{unique('ns')}.", partitions=2, commit_interval=0.2)


@pytest.fixture
def home(kafka: Kafka, options: KafkaOptions, tmp_path: Path) -> Home:
    env = {
        "ENTENTE_KAFKA_NAMESPACE": options.namespace,
        "ENTENTE_KAFKA_PARTITIONS": str(options.partitions),
        "ENTENTE_KAFKA_COMMIT_INTERVAL": str(options.commit_interval),
    }
    return Home(tmp_path / "home", f"kafka://{kafka.bootstrap}", env)


def subscriber(home: Home, *args: str) -> subprocess.Popen[bytes]:
    """``entente subscribe ARGS --broker ...`` running in the background."""
    return subprocess.Popen(
        [ENTENTE, "subscribe", *args, "--broker", home.broker],
        env={**environment(home.data_dir), **home.env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def idle(home: Home, articles: int) -> bool:
    """Whether ``articles`` articles are published and no stage has anything left to do."""
    status = home.json("status")
    return status["topics"][topics.ARTICLES] == articles and not any(status["lag"].values())


def printed(home: Home, *args: str) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in home.cli("subscribe", *args, "--json").stdout.splitlines()]


def test_subscribe_prints_changes_as_a_worker_makes_them_and_a_group_resumes_without_repeats(
    kafka: Kafka,
    options: KafkaOptions,
    home: Home,
    tmp_path: Path,
    workers: list[subprocess.Popen[bytes]],
) -> None:
    lines = seed_lines()
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_bytes(b"\n".join(lines[:3]) + b"\n")
    second.write_bytes(b"\n".join(lines[3:]) + b"\n")
    home.cli("ingest", str(first))

    follower = subscriber(home, "--group", "audit", "--from-beginning", "--json")
    try:
        workers.append(start_worker(kafka, options, tmp_path / "worker.log"))
        wait_until(lambda: idle(home, 3), "the worker to process the first articles")
        produced = home.json("status")["topics"][topics.CHANGES]
        assert produced > 0
        assert follower.stdout is not None
        seen = read_lines(follower.stdout, produced)
        follower.send_signal(signal.SIGTERM)
        assert follower.wait(timeout=30) == 0, follower.stderr.read().decode() if follower.stderr else ""
    finally:
        follower.kill()
        follower.wait()

    home.cli("ingest", str(second))
    wait_until(lambda: idle(home, len(lines)), "the worker to process the other articles")
    status = home.json("status")
    assert status["lag"] == {"extract": 0, "route": 0, "correct": 0, "reduce": 0}
    assert status["topics"][topics.EVENTS] > 0 and status["topics"][topics.DLQ] == 0
    total = status["topics"][topics.CHANGES]
    assert total > produced

    seen += printed(home, "--group", "audit", "--until-idle")
    assert [change["offset"] for change in seen] == list(range(total)), "a change was missed or printed twice"
    assert printed(home, "--group", "audit", "--until-idle") == []
    everything = printed(home, "--from-beginning", "--until-idle")
    assert everything == seen
    zones = [change for change in everything if change["table"] == "zones"]
    assert printed(home, "--table", "zones", "--from-beginning", "--until-idle") == zones != []

    text = home.cli("status").stdout.decode().splitlines()
    assert f"{topics.ARTICLES:<16} {len(lines)} records" in text
    assert "stage reduce     0 behind" in text
