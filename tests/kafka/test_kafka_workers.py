"""Workers on Kafka: a broker restarted under a running worker."""

from __future__ import annotations

import asyncio

import pytest

from agents.extract import DEFAULT_MODEL, Extractor, load_extractor
from agents.reduce import fold, view
from streams.kafka.app import KafkaOptions
from streams.runtime.kafka import KafkaRuntime
from tests.support.articles import made_up_articles
from tests.support.kafka import Kafka, unique

pytestmark = pytest.mark.kafka

TABLE_NAMES = ("alliances", "zones")


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return load_extractor(DEFAULT_MODEL)


@pytest.fixture
def options() -> KafkaOptions:
    return KafkaOptions(namespace=f"{unique('ns')}.", partitions=2, commit_interval=0.2, session_timeout=6.0)


async def test_a_worker_rides_out_a_broker_restart(
    kafka: Kafka, options: KafkaOptions, extractor: Extractor
) -> None:
    runtime = KafkaRuntime(kafka.bootstrap, options=options, extractor=extractor)
    articles = made_up_articles(20)
    first, second = articles[:10], articles[10:]
    stop = asyncio.Event()
    running = asyncio.create_task(runtime.run_forever(stop))
    try:
        await runtime.apublish_articles((article.id, article.dumps()) for article in first)
        await runtime.wait_idle(timeout=120)
        await asyncio.to_thread(kafka.restart)
        await runtime.apublish_articles((article.id, article.dumps()) for article in second)
        await runtime.wait_idle(timeout=180)
    finally:
        stop.set()
        await running

    tables = fold(event for article in articles for event in extractor.extract(article))
    for table in TABLE_NAMES:
        assert [view(row) for row in await runtime.astate(table)] == [
            view(row) for _key, row in sorted(tables[table].items())
        ]
