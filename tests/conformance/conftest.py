"""Both runtimes behind one fixture: every test here runs on the embedded log (on SQLite and in
memory) and on the session's broker."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from agents.extract import DEFAULT_MODEL, Extractor, load_extractor
from streams.config import Settings
from streams.kafka.options import KafkaOptions
from streams.log.memory import MemoryLog
from streams.runtime.base import Runtime
from streams.runtime.embedded import EmbeddedRuntime
from streams.runtime.kafka import KafkaRuntime
from tests.support.kafka import Kafka, kafka, unique

__all__ = ["extractor", "kafka", "runtime", "runtime_with"]


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return load_extractor(DEFAULT_MODEL)


RuntimeWith = Callable[[Extractor], Runtime]
KINDS = ["embedded", "memory", pytest.param("kafka", marks=pytest.mark.kafka)]


def fresh(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, extractor: Extractor
) -> Runtime:
    """A fresh runtime of the kind ``request.param`` names: an empty data directory, an empty
    in-memory log, or a namespace of its own on the session's broker (with an empty data directory
    for what ingestion keeps)."""
    if request.param in ("embedded", "memory"):
        home = tmp_path_factory.mktemp(request.param)
        store = MemoryLog(home) if request.param == "memory" else None
        return EmbeddedRuntime(home, Settings(home=home), extractor=extractor, store=store)
    broker: Kafka = request.getfixturevalue("kafka")
    options = KafkaOptions(namespace=f"{unique('ns')}.", partitions=2, commit_interval=0.2)
    settings = Settings(home=tmp_path_factory.mktemp("kafka"), broker=f"kafka://{broker.bootstrap}")
    return KafkaRuntime(broker.bootstrap, settings, options=options, extractor=extractor)


@pytest.fixture(params=KINDS)
def runtime(
    request: pytest.FixtureRequest, extractor: Extractor, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runtime]:
    """A fresh runtime on the default extractor (see :func:`fresh`)."""
    opened = fresh(request, tmp_path_factory, extractor)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(params=KINDS)
def runtime_with(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RuntimeWith]:
    """Opens fresh runtimes of one kind (see :func:`fresh`), each on the extractor given."""
    opened: list[Runtime] = []

    def open_runtime(extractor: Extractor) -> Runtime:
        opened.append(fresh(request, tmp_path_factory, extractor))
        return opened[-1]

    try:
        yield open_runtime
    finally:
        for runtime in opened:
            runtime.close()
