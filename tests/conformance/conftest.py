"""Both runtimes behind one fixture: every test here runs on the embedded log and on the session's broker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agents.extract import DEFAULT_MODEL, Extractor, load_extractor
from streams.config import Settings
from streams.kafka.options import KafkaOptions
from streams.runtime.base import Runtime
from streams.runtime.embedded import EmbeddedRuntime
from streams.runtime.kafka import KafkaRuntime
from tests.support.kafka import Kafka, kafka, unique

__all__ = ["extractor", "kafka", "runtime"]


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return load_extractor(DEFAULT_MODEL)


@pytest.fixture(params=["embedded", pytest.param("kafka", marks=pytest.mark.kafka)])
def runtime(
    request: pytest.FixtureRequest, extractor: Extractor, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runtime]:
    """A fresh runtime: an empty data directory, or a namespace of its own on the session's broker."""
    if request.param == "embedded":
        home = tmp_path_factory.mktemp("embedded")
        opened: Runtime = EmbeddedRuntime(home, Settings(home=home), extractor=extractor)
    else:
        broker: Kafka = request.getfixturevalue("kafka")
        options = KafkaOptions(namespace=f"{unique('ns')}.", partitions=2, commit_interval=0.2)
        opened = KafkaRuntime(broker.bootstrap, options=options, extractor=extractor)
    try:
        yield opened
    finally:
        opened.close()
