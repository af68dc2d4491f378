"""Talking to the broker outside Faust: create topics, read a topic whole, measure a group's lag."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    CoordinatorLoadInProgressError,
    GroupCoordinatorNotAvailableError,
    NotCoordinatorForGroupError,
    for_code,
)
from aiokafka.structs import ConsumerRecord

from streams.kafka.broker import MAX_MESSAGE_BYTES

TOPIC_ALREADY_EXISTS = 36
COORDINATOR_NOT_READY = (
    CoordinatorLoadInProgressError,
    GroupCoordinatorNotAvailableError,
    NotCoordinatorForGroupError,
)


@dataclass(frozen=True)
class TopicSpec:
    """A topic Entente needs: its partitions and its topic-level configuration."""

    name: str
    partitions: int
    config: Mapping[str, str] = field(default_factory=dict)

    def new_topic(self) -> NewTopic:
        """The admin request that creates it (replication factor 1: one broker)."""
        return NewTopic(self.name, self.partitions, 1, topic_configs=dict(self.config))


@asynccontextmanager
async def admin_client(bootstrap: str) -> AsyncIterator[AIOKafkaAdminClient]:
    """A started admin client, closed on exit."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()


@asynccontextmanager
async def reader(bootstrap: str, group: str | None = None) -> AsyncIterator[AIOKafkaConsumer]:
    """A consumer able to fetch records as large as the broker accepts; it joins no group, and commits
    offsets only when told to, for ``group`` if given (to partitions it was assigned)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_bytes=2 * MAX_MESSAGE_BYTES,
        max_partition_fetch_bytes=2 * MAX_MESSAGE_BYTES,
    )
    await consumer.start()
    try:
        yield consumer
    finally:
        await consumer.stop()


async def create_topics(bootstrap: str, specs: Iterable[TopicSpec]) -> list[str]:
    """Create the topics that do not exist yet; return the names created."""
    async with admin_client(bootstrap) as admin:
        existing = set(await admin.list_topics())
        missing = [spec.new_topic() for spec in specs if spec.name not in existing]
        if not missing:
            return []
        response = await admin.create_topics(missing)
    failed = [
        (name, code) for name, code, *_ in response.topic_errors if code not in (0, TOPIC_ALREADY_EXISTS)
    ]
    if failed:
        raise RuntimeError(f"could not create topics: {failed}")
    return [topic.name for topic in missing]


async def partitions_of(bootstrap: str, topic: str) -> list[TopicPartition]:
    """The partitions of ``topic``, asked of the broker (never a stale client cache); [] if it is absent."""
    async with admin_client(bootstrap) as admin:
        return await _partitions(admin, topic)


async def _partitions(admin: AIOKafkaAdminClient, topic: str) -> list[TopicPartition]:
    [described] = await admin.describe_topics([topic])
    if described["error_code"]:
        return []
    return [TopicPartition(topic, n) for n in sorted(p["partition"] for p in described["partitions"])]


async def read_topic(bootstrap: str, topic: str, timeout_ms: int = 10_000) -> list[ConsumerRecord]:
    """Every record of ``topic`` up to its end offsets at the time of the call, by partition then offset."""
    partitions = await partitions_of(bootstrap, topic)
    if not partitions:
        return []
    async with reader(bootstrap) as consumer:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        await consumer.seek_to_beginning(*partitions)
        records: list[ConsumerRecord] = []
        pending = {tp for tp, end in ends.items() if end > 0}
        while pending:
            batches = await consumer.getmany(*pending, timeout_ms=timeout_ms)
            if not batches:
                raise TimeoutError(f"no records from {topic} within {timeout_ms} ms")
            for tp, batch in batches.items():
                records.extend(r for r in batch if r.offset < ends[tp])
                if batch[-1].offset >= ends[tp] - 1:
                    pending.discard(tp)
    return sorted(records, key=lambda r: (r.partition, r.offset))


async def lags(bootstrap: str, group: str, topic_names: Iterable[str]) -> list[int]:
    """For each topic in turn, how many of its records the consumer group ``group`` has not committed.

    Topics are measured one after another, each committed position before its end offsets: for a
    pipeline listed in order, zero everywhere means every output of a committed record was counted.
    """
    out = []
    async with admin_client(bootstrap) as admin, reader(bootstrap) as consumer:
        for topic in topic_names:
            partitions = await _partitions(admin, topic)
            if not partitions:
                out.append(0)
                continue
            committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
            ends = await consumer.end_offsets(partitions)
            done = {tp: meta.offset for tp, meta in committed.items() if meta.offset >= 0}
            out.append(sum(max(0, end - done.get(tp, 0)) for tp, end in ends.items()))
    return out


async def end_offsets(bootstrap: str, topic_names: Iterable[str]) -> list[int]:
    """For each topic in turn, the sum of its partitions' end offsets (0 for a topic that is absent)."""
    out = []
    async with admin_client(bootstrap) as admin, reader(bootstrap) as consumer:
        for topic in topic_names:
            partitions = await _partitions(admin, topic)
            out.append(sum((await consumer.end_offsets(partitions)).values()) if partitions else 0)
    return out


async def group_state(bootstrap: str, group: str, timeout: float = 30.0) -> tuple[str, int]:
    """The state of consumer group ``group`` (``Stable``, ``Empty``, ...) and its number of members."""
    deadline = time.monotonic() + timeout
    async with admin_client(bootstrap) as admin:
        while True:
            try:
                [response] = await admin.describe_consumer_groups([group])
                [(error, _group, state, _protocol_type, _protocol, members, *_rest)] = response.groups
                if error:
                    raise for_code(error)(f"describing group {group}")
                return state, len(members)
            except COORDINATOR_NOT_READY:  # a broker that just (re)started is still loading its groups
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)
