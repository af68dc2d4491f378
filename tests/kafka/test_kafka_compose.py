"""docker-compose.yml: valid by the Compose Specification's JSON Schema (and ``docker compose config``
where a Compose client runs), the pinned Kafka release, a worker and the API, each with a healthcheck of
its own service and a named volume for every store."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from streams.api.routes import endpoints, health
from streams.kafka.broker import KAFKA_VERSION, MAX_MESSAGE_BYTES

ROOT = Path(__file__).parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SCHEMA = ROOT / "tests" / "data" / "compose" / "compose-spec.json"
DATA_DIR = "/var/lib/entente"


def _spec() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _errors(document: dict[str, Any]) -> list[str]:
    """What the Compose Specification's schema (draft 7, as it declares) finds wrong in ``document``."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return [error.message for error in jsonschema.Draft7Validator(schema).iter_errors(document)]


def _compose_client() -> str | None:
    """The docker client, when its Compose plugin answers ``docker compose version``."""
    docker = shutil.which("docker")
    if docker is None:
        return None
    done = subprocess.run([docker, "compose", "version"], capture_output=True, check=False, timeout=60)
    return docker if done.returncode == 0 else None


def _mounts(service: dict[str, Any]) -> dict[str, str]:
    """A service's volumes: the path in the container → the named volume (or host path) mounted there."""
    return {target: source for source, target in (volume.split(":")[:2] for volume in service["volumes"])}


def test_the_file_is_valid_by_the_compose_specification() -> None:
    assert _errors(_spec()) == []
    assert _errors({**_spec(), "service": {}}) != []  # the schema does refuse a file it does not describe
    client = _compose_client()
    if client is not None:
        done = subprocess.run(
            [client, "compose", "-f", str(COMPOSE), "config", "-q"],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr


def test_the_broker_is_the_pinned_release_in_kraft_mode_checked_by_a_kafka_tool() -> None:
    kafka = _spec()["services"]["kafka"]
    env = kafka["environment"]
    assert kafka["image"] == f"apache/kafka:{KAFKA_VERSION}"
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_MESSAGE_MAX_BYTES"] == MAX_MESSAGE_BYTES
    assert _mounts(kafka)[env["KAFKA_LOG_DIRS"]] == "kafka-log"
    check = " ".join(kafka["healthcheck"]["test"])
    assert "/opt/kafka/bin/kafka-broker-api-versions.sh" in check
    assert "--bootstrap-server localhost:9092" in check and "PLAINTEXT://:9092" in env["KAFKA_LISTENERS"]


def test_the_worker_and_the_api_wait_for_the_broker_and_keep_their_stores_in_named_volumes() -> None:
    spec = _spec()
    services = spec["services"]
    assert set(services) == {"kafka", "worker", "serve"}
    for name in ("worker", "serve"):
        service = services[name]
        assert service["environment"]["ENTENTE_BROKER"] == "kafka://kafka:9092"
        assert service["depends_on"]["kafka"]["condition"] == "service_healthy"
        assert (COMPOSE.parent / service["build"] / "Dockerfile").is_file()
        assert service["environment"]["ENTENTE_HOME"] == DATA_DIR
        assert _mounts(service)[DATA_DIR] == f"{'api' if name == 'serve' else 'worker'}-data"
    used = {source for service in services.values() for source in _mounts(service).values()}
    assert used == set(spec["volumes"]) == {"kafka-log", "worker-data", "api-data"}
    assert services["worker"]["command"] == ["entente", "worker", "--broker", "kafka://kafka:9092"]
    assert "--group" in services["worker"]["healthcheck"]["test"]


def test_the_api_healthcheck_asks_the_api_health_endpoint_on_the_port_it_serves() -> None:
    serve = _spec()["services"]["serve"]
    command = serve["command"]
    port = command[command.index("--port") + 1]
    check = shlex.join(serve["healthcheck"]["test"])

    assert command[:2] == ["entente", "serve"] and "--no-worker" in command
    assert command[command.index("--host") + 1] == "0.0.0.0" and f"{port}:{port}" in serve["ports"]
    assert f"http://127.0.0.1:{port}/health" in check
    assert {(item.method, item.path): item.handler for item in endpoints()}["GET", "/health"] is health
