"""docker-compose.yml: the same Kafka release as the local broker, a worker, healthchecks, a log volume."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

import yaml

from streams.kafka.broker import KAFKA_VERSION, MAX_MESSAGE_BYTES

COMPOSE = Path(__file__).parents[2] / "docker-compose.yml"


def _spec() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _compose_plugin() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    return subprocess.run([docker, "compose", "version"], capture_output=True, check=False).returncode == 0


def test_the_broker_is_the_pinned_release_in_kraft_mode_with_a_log_volume() -> None:
    kafka = _spec()["services"]["kafka"]
    env = kafka["environment"]
    assert kafka["image"] == f"apache/kafka:{KAFKA_VERSION}"
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_MESSAGE_MAX_BYTES"] == MAX_MESSAGE_BYTES
    assert "kafka-log:/var/lib/kafka/data" in kafka["volumes"]
    assert "kafka-log" in _spec()["volumes"]
    assert kafka["healthcheck"]["test"]


def test_the_worker_waits_for_a_healthy_broker_and_reaches_it_by_service_name() -> None:
    worker = _spec()["services"]["worker"]
    assert worker["command"] == ["entente", "worker", "--broker", "kafka://kafka:9092"]
    assert worker["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert worker["healthcheck"]["test"]
    assert (COMPOSE.parent / worker["build"] / "Dockerfile").is_file()


def test_docker_compose_accepts_the_file() -> None:
    if not _compose_plugin():
        warnings.warn(
            "the docker compose plugin is absent: only the YAML structure of docker-compose.yml was checked",
            stacklevel=1,
        )
        assert set(_spec()["services"]) == {"kafka", "worker"}
        return
    done = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
