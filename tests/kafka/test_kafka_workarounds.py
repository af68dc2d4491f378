"""The upstream behaviours :mod:`streams.kafka.workarounds` guards against are still there.

Each test shows one behaviour of the real aiokafka or faust-streaming, and fails once upstream
changes it: the guard that works around it can then go.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from faust.tables.recovery import Recovery

from tests.support.kafka import Kafka, TopicFactory

pytestmark = pytest.mark.kafka


@pytest.mark.parametrize("commit", [None, 0])
async def test_seek_to_committed_leaves_a_partition_without_a_commit_past_what_it_fetched(
    kafka: Kafka, topic_factory: TopicFactory, group_factory: Callable[[], str], commit: int | None
) -> None:
    """Why :func:`~streams.kafka.workarounds.seek_uncommitted_to_start` seeks such partitions itself."""
    topic = await topic_factory()
    tp = TopicPartition(topic, 0)
    async with AIOKafkaProducer(bootstrap_servers=kafka.bootstrap) as producer:
        for n in range(3):
            await producer.send_and_wait(topic, b"%d" % n, partition=0)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka.bootstrap,
        group_id=group_factory(),
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        consumer.assign([tp])
        if commit is not None:
            await consumer.commit({tp: commit})
        fetched = 0
        while fetched < 3:
            fetched += sum(map(len, (await consumer.getmany(timeout_ms=1000)).values()))

        committed = await consumer.seek_to_committed()

        assert committed == {tp: commit}
        assert await consumer.position(tp) == 3  # not 0, where the uncommitted records begin
    finally:
        await consumer.stop()


def test_recovery_resumes_the_stream_partitions_before_it_seeks_them_to_their_commits() -> None:
    """Why :func:`~streams.kafka.workarounds.hold_flow_until_seek` stops fetching meanwhile.

    Read in faust-streaming's own ``Recovery``: it signals ``on_rebalance_complete`` (where the
    guard stops the flow), resumes the stream partitions, and only then seeks them.
    """
    source = inspect.getsource(Recovery.on_recovery_completed)
    signalled = source.index("on_rebalance_complete.send()")
    resumed = source.index("consumer.resume_partitions(")
    sought = source.index("consumer.perform_seek()")
    assert signalled < resumed < sought
