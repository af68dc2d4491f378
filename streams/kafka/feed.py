"""``state.changes`` on Kafka read on from a position, a subscriber group's position kept as its offset."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiokafka import AIOKafkaConsumer, TopicPartition

from schemas import Change
from streams.kafka.admin import partitions_of, reader
from streams.records import decoded, start_position

FETCH_MS = 200
BATCH = 500


class KafkaChangeFeed:
    """The records of the one partition of ``state.changes``, from :attr:`position` on."""

    def __init__(self, consumer: AIOKafkaConsumer, partition: TopicPartition, position: int) -> None:
        self.consumer = consumer
        self.partition = partition
        self.position = position

    async def read(self, stop: asyncio.Event, follow: bool) -> list[tuple[int, Change]]:
        """The next changes, waiting for one (until ``stop``) when ``follow``; records that do not
        decode are passed over, as every reader of ``state.changes`` passes them over."""
        while not stop.is_set() and (follow or self.position < await self._end()):
            fetched = await self.consumer.getmany(self.partition, timeout_ms=FETCH_MS, max_records=BATCH)
            if records := fetched.get(self.partition):
                self.position = records[-1].offset + 1
                if changes := [(record.offset, change) for record, change in decoded(records, Change)]:
                    return changes
        return []

    async def _end(self) -> int:
        return (await self.consumer.end_offsets([self.partition]))[self.partition]

    async def commit(self, position: int) -> None:
        """Commit ``position`` as the group's offset."""
        await self.consumer.commit({self.partition: position})


@asynccontextmanager
async def change_feed(
    bootstrap: str, topic: str, group: str | None, from_beginning: bool
) -> AsyncIterator[KafkaChangeFeed]:
    """A feed of ``topic`` (``state.changes``) from the offset committed for ``group``, else from the
    first or the next record. Its offsets are the changes' order only while it has one partition."""
    partitions = await partitions_of(bootstrap, topic)
    if len(partitions) != 1:
        raise ValueError(f"input={topic} reason=a subscriber reads one partition, it has {len(partitions)}")
    [partition] = partitions
    async with reader(bootstrap, group) as consumer:
        consumer.assign(partitions)
        committed = None if group is None else await consumer.committed(partition)
        end = (await consumer.end_offsets(partitions))[partition]
        position = start_position(committed, from_beginning, end)
        consumer.seek(partition, position)
        yield KafkaChangeFeed(consumer, partition, position)
