"""The Kafka broker the suite runs against, and factories for uuid-named topics and groups.

One broker per test session, started from the Apache jars on free loopback ports with the same
code as ``entente kafka start`` (or the broker named by ``KAFKA_BOOTSTRAP_SERVERS``). A broker
that does not start fails the tests that need it; nothing is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer

from streams.kafka.admin import TopicSpec, create_topics, partitions_of
from streams.kafka.broker import BrokerConfig, BrokerError, LocalBroker, free_ports
from streams.kafka.options import KafkaOptions

TopicFactory = Callable[..., Awaitable[str]]
ENTENTE = Path(sys.executable).with_name("entente")


@dataclass(frozen=True)
class Kafka:
    """A broker for the tests: where it listens, and the local process if the suite started it."""

    bootstrap: str
    broker: LocalBroker | None = None

    def restart(self) -> None:
        """Stop and start the suite's own broker on the same ports and data."""
        if self.broker is None:
            raise RuntimeError("KAFKA_BOOTSTRAP_SERVERS names an outside broker; it cannot be restarted")
        self.broker.stop()
        self.broker.start(timeout=90)


@pytest.fixture(scope="session")
def kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kafka]:
    """The session's broker."""
    if external := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield Kafka(external)
        return
    port, controller = free_ports(2)
    config = BrokerConfig(tmp_path_factory.mktemp("kafka"), port=port, controller_port=controller)
    broker = LocalBroker(config)
    try:
        broker.start(timeout=90)
    except BrokerError as exc:
        pytest.fail(f"the Kafka broker did not start: {exc}", pytrace=False)
    try:
        yield Kafka(config.bootstrap, broker)
    finally:
        broker.stop()


def unique(prefix: str) -> str:
    """``prefix-<12 hex>``: a name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def topic_factory(kafka: Kafka) -> TopicFactory:
    """``await topic_factory(partitions=1, config={...})`` creates a uuid-named topic."""

    async def create(partitions: int = 1, config: dict[str, str] | None = None) -> str:
        name = unique("topic")
        await create_topics(kafka.bootstrap, [TopicSpec(name, partitions, config or {})])
        return name

    return create


@pytest.fixture
def group_factory() -> Callable[[], str]:
    """``group_factory()`` returns a fresh consumer-group id."""
    return lambda: unique("group")


@pytest.fixture(scope="session")
def kcat() -> str:
    """The path of ``kcat``, a Kafka client outside Python; installed from Debian when missing."""
    if found := shutil.which("kcat"):
        return found
    for command in (
        ["apt-get", "install", "-y", "kcat"],
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "kcat"],
    ):
        subprocess.run(
            command, capture_output=True, check=False, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        )
        if found := shutil.which("kcat"):
            return found
    pytest.fail("kcat is missing and `apt-get install -y kcat` did not install it", pytrace=False)


async def rewind(bootstrap: str, group: str, topic_names: list[str]) -> None:
    """Commit offset 0 for ``group`` on every partition of ``topic_names``: a worker that lost its commits.

    The group must have no live member.
    """
    partitions = [tp for name in topic_names for tp in await partitions_of(bootstrap, name)]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.commit(dict.fromkeys(partitions, 0))
    finally:
        await consumer.stop()


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    """The worker processes a test starts; any still alive afterwards is killed."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def start_worker(kafka: Kafka, options: KafkaOptions, log: Path) -> subprocess.Popen[bytes]:
    """``entente worker`` on the broker in the layout of ``options``, its output appended to ``log``."""
    env = {
        **os.environ,
        "ENTENTE_KAFKA_NAMESPACE": options.namespace,
        "ENTENTE_KAFKA_PARTITIONS": str(options.partitions),
        "ENTENTE_KAFKA_COMMIT_INTERVAL": str(options.commit_interval),
        "ENTENTE_KAFKA_SESSION_TIMEOUT": str(options.session_timeout),
    }
    command = [str(ENTENTE), "worker", "--broker", f"kafka://{kafka.bootstrap}"]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
