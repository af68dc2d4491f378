"""Every worker follows ``corrections`` whole, whatever partitions of the stages it holds.

A correction concerns events routed and rows reduced on every worker of a group, but the correct
stage runs on the one worker holding the topic's partition, and it sends the correction only to
the rows it concerns when it is read. So each worker reads the topic from its start, and then as it
grows, into its own :class:`~agents.reduce.corrections.Corrections` (in the order logged): an event
of a retracted article routed or reduced later on any worker, say one re-extracted into a row that
never held the article, is corrected there too. A worker knows a correction within one fetch of
its being logged; :meth:`CorrectionsFeed.caught_up` waits until it knows every one logged so far.
"""

from __future__ import annotations

import asyncio
import contextlib
from contextlib import AsyncExitStack

from aiokafka import AIOKafkaConsumer, TopicPartition

from agents.reduce.corrections import Corrections
from schemas import Correction
from streams.kafka.admin import end_offsets, partitions_of, reader
from streams.records import decoded

FETCH_MS = 500
"""How long one fetch of the follower waits for a correction before it asks again."""


class CorrectionsFeed:
    """The corrections of ``topic``, read from its start and followed as they are logged."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.corrections = Corrections()
        self._bootstrap, self._topic = bootstrap, topic
        self._read = 0
        """The feed's position in the topic (summed over its partitions)."""
        self._moved = asyncio.Event()
        self._stack = AsyncExitStack()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Read the corrections logged so far, then follow the topic in the background."""
        partitions = await partitions_of(self._bootstrap, self._topic) or [TopicPartition(self._topic, 0)]
        consumer = await self._stack.enter_async_context(reader(self._bootstrap))
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = sum((await consumer.end_offsets(partitions)).values())
        while self._read < end:
            await self._take(consumer, partitions)
        self._task = asyncio.create_task(self._follow(consumer, partitions), name=f"follow {self._topic}")

    async def stop(self) -> None:
        """Stop following and close the consumer."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._stack.aclose()

    async def caught_up(self, timeout: float = 60.0) -> None:
        """Return once the feed holds every correction logged by now (:class:`TimeoutError` after
        ``timeout`` seconds)."""
        [end] = await end_offsets(self._bootstrap, [self._topic])
        async with asyncio.timeout(timeout):
            while self._read < end:
                self._moved.clear()
                await self._moved.wait()

    async def _follow(self, consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> None:
        while True:
            await self._take(consumer, partitions)

    async def _take(self, consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> None:
        """Fetch once; take in the corrections fetched, in the order logged."""
        for records in (await consumer.getmany(timeout_ms=FETCH_MS)).values():
            for _record, correction in decoded(records, Correction):
                self.corrections.add(correction)
        self._read = sum([await consumer.position(tp) for tp in partitions])
        self._moved.set()
