"""The local KRaft broker: started from the Maven jars, answering clients, driven by ``entente kafka``."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from click.testing import CliRunner

from streams.cli import main
from streams.kafka.admin import read_topic
from streams.kafka.broker import BrokerConfig, BrokerError, LocalBroker, answers, free_ports, resolve_libs
from tests.support.kafka import Kafka, TopicFactory

pytestmark = pytest.mark.kafka


async def test_the_session_broker_answers_metadata_requests(kafka: Kafka) -> None:
    assert await answers(kafka.bootstrap)


async def test_a_record_produced_is_read_back_with_its_key(kafka: Kafka, topic_factory: TopicFactory) -> None:
    topic = await topic_factory(partitions=2)
    async with AIOKafkaProducer(bootstrap_servers=kafka.bootstrap) as producer:
        await producer.send_and_wait(topic, b"value", key=b"key", partition=1)
    [record] = await read_topic(kafka.bootstrap, topic)
    assert (record.partition, record.offset, record.key, record.value) == (1, 0, b"key", b"value")


async def test_a_record_near_the_size_limit_is_accepted(kafka: Kafka, topic_factory: TopicFactory) -> None:
    topic = await topic_factory()
    big = b"x" * 20_000_000
    async with AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, max_request_size=25_000_000) as producer:
        await producer.send_and_wait(topic, big)
    [record] = await read_topic(kafka.bootstrap, topic)
    assert len(record.value) == len(big)


def test_cached_jars_are_used_without_maven(
    kafka: Kafka, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    libs = resolve_libs()
    monkeypatch.setenv("PATH", str(tmp_path))
    assert resolve_libs() == libs
    assert (libs / "kafka_2.13-3.9.1.jar").is_file()


def test_a_missing_java_is_a_one_line_error_naming_docker_compose(
    kafka: Kafka, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    resolve_libs()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    broker = LocalBroker(BrokerConfig(tmp_path / "data", port=free_ports(1)[0]))
    with pytest.raises(BrokerError) as caught:
        broker.start()
    message = str(caught.value)
    assert message.startswith("java not found")
    assert "docker compose" in message
    assert "\n" not in message


def test_entente_kafka_starts_reports_and_stops_a_broker(kafka: Kafka, tmp_path: Path) -> None:
    port, controller = free_ports(2)
    args = ["--data-dir", str(tmp_path), "--port", str(port), "--controller-port", str(controller)]
    runner = CliRunner()
    started = runner.invoke(main, ["kafka", "start", *args])
    try:
        assert started.exit_code == 0, started.output
        assert "kafka running pid=" in started.output
        status = runner.invoke(main, ["kafka", "status", *args])
        assert status.exit_code == 0
        assert f"bootstrap=127.0.0.1:{port}" in status.output
        assert (tmp_path / "kafka" / "server.log").is_file()
    finally:
        stopped = runner.invoke(main, ["kafka", "stop", *args])
    assert stopped.output.strip() == "kafka stopped"
    after = runner.invoke(main, ["kafka", "status", *args])
    assert (after.exit_code, after.output.strip()) == (1, f"kafka stopped bootstrap=127.0.0.1:{port}")


def test_entente_kafka_help_names_the_environment_variables() -> None:
    shown = CliRunner().invoke(main, ["kafka", "start", "--help"]).output
    for name in ("ENTENTE_HOME", "ENTENTE_KAFKA_PORT", "ENTENTE_KAFKA_CONTROLLER_PORT"):
        assert name in shown
