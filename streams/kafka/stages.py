"""The extract and route stages of :mod:`streams.topology` as Faust agents (reduce: its own module).

Every agent runs with concurrency 1 and catches each record inside its loop: a record that cannot
be processed becomes a :class:`~schemas.DeadLetter` naming ``topic[partition]@offset``, sent to the
stage's dead letters, and the agent goes on.

Extraction runs off the event loop (:mod:`streams.kafka.extraction`), a batch of articles at a
time, so the extractor never waits for the worker. ``route`` sends each event to every row it
touches, in one record a row and batch that holds the batch's events of the row (a JSON array).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncGenerator, Mapping
from typing import TYPE_CHECKING, Any

from faust.types import EventT, StreamT

from schemas import DeadLetter
from streams import handlers
from streams.kafka.extraction import EventRecord, Extracted, Item, failed
from streams.topology import Stage

if TYPE_CHECKING:
    from streams.kafka.app import EntenteApp

EXTRACT_BATCH = 16
"""Most records the extract stage hands to the extractor at once."""
EXTRACT_AHEAD = 4
"""Most batches the extract stage has handed to the extractor and not yet published."""
ROUTE_BATCH = 4000
"""Most records the route stage sends on at once (Faust buffers 4096 records a stream)."""

Extracting = tuple[list[EventT], list[Item], AsyncGenerator[Extracted, None]]
"""A batch of ``articles.raw`` records handed to the extractor: the records, their items, their results."""


def origin_of(event: EventT) -> str:
    """Where a record came from, as error lines name it: ``topic[partition]@offset``."""
    message = event.message
    return f"{message.topic}[{message.partition}]@{message.offset}"


def is_revision(event: EventT) -> bool:
    """Whether the record is a new version of an article, published with its events and revision
    (:meth:`streams.runtime.kafka.KafkaRuntime.revise`)."""
    headers = event.message.headers or ()
    names = headers.keys() if isinstance(headers, Mapping) else [name for name, _value in headers]
    return handlers.REVISION in names


def received_at(event: EventT) -> dt.datetime:
    """The record's broker timestamp as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(event.message.timestamp, tz=dt.UTC)


class StageAgent:
    """A stage of the topology run as the Faust agent of its source (:meth:`run`)."""

    def __init__(self, app: EntenteApp, stage: Stage) -> None:
        self.app = app
        self.stage = stage
        self.output = app.topic(stage.output)
        self.dead_letters = app.topic(stage.dead_letters)
        self.stats = app.stats

    async def run(self, stream: StreamT[Any]) -> None:
        """Process the stream of the stage's source for as long as it runs."""
        raise NotImplementedError

    async def dead_letter(self, dead: DeadLetter, record: EventT) -> None:
        """Send ``dead``, stamped with the time ``record`` was received, to the stage's dead letters."""
        dead = dead.model_copy(update={"received_at": received_at(record)})
        await self.dead_letters.send(key=dead.input.encode(), value=dead.dumps())
        self.stats.dead_letters += 1


class Extract(StageAgent):
    """``articles.raw`` → ``events``, keyed by article id (:class:`~streams.topology.Key`); rejections →
    the dead letters."""

    async def run(self, stream: StreamT[Any]) -> None:
        """Hand batches of records to the extractor as they arrive; publish their results in order.

        Records are handed to the extractor (off the event loop, see
        :mod:`streams.kafka.extraction`) as they arrive, at most :data:`EXTRACT_BATCH` at once,
        while a task of their own publishes the results of earlier ones, in order: an article never
        waits for the articles before it to be published, only for the extractor. Each record is
        acknowledged once its events are sent, so offsets are committed only past published
        records; at most :data:`EXTRACT_AHEAD` batches are in flight.
        """
        window = self.app.options.extract_window
        ahead: asyncio.Queue[Extracting] = asyncio.Queue(EXTRACT_AHEAD)
        publishing = asyncio.ensure_future(self._publish_extracted(stream, ahead))
        try:
            async for records in stream.noack_take(EXTRACT_BATCH, within=window):
                items = [(record.message.value, origin_of(record), received_at(record)) for record in records]
                queued = asyncio.ensure_future(ahead.put((records, items, self.app.extract.each(items))))
                await asyncio.wait((queued, publishing), return_when=asyncio.FIRST_COMPLETED)
                if publishing.done():  # it only ends by raising: the agent fails with it
                    queued.cancel()
                    publishing.result()
        finally:
            publishing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await publishing

    async def _publish_extracted(self, stream: StreamT[Any], ahead: asyncio.Queue[Extracting]) -> None:
        """Publish each extracted batch from ``ahead`` in order, acknowledging each record once sent."""
        while True:
            records, items, extracted = await ahead.get()
            async with contextlib.aclosing(extracted) as results:
                for record, item in zip(records, items, strict=True):
                    self.stats.articles += 1
                    result = await anext(results)
                    if isinstance(result, DeadLetter):
                        await self.dead_letter(result, record)
                    elif is_revision(record):
                        pass  # a new version of an article: its events came with its revision
                    else:
                        try:
                            await self._publish(result)
                        except Exception as exc:  # one bad record must never stop the agent
                            await self.dead_letter(failed(item, exc), record)
                    await stream.ack(record)

    async def _publish(self, events: list[EventRecord]) -> None:
        """Send an article's events to ``events``."""
        for key, value in events:
            await self.output.send(key=key, value=value)
        self.stats.events += len(events)


class Route(StageAgent):
    """``events`` → ``events.by-row``, keyed by row (``table:key``); rejections → the dead letters."""

    async def run(self, stream: StreamT[Any]) -> None:
        """Send the events of each batch to their rows: one record a row and batch (a JSON array).

        A batch is what arrives within ``route_window`` seconds, at most :data:`ROUTE_BATCH` records.
        """
        async for records in stream.take_events(ROUTE_BATCH, within=self.app.options.route_window):
            rows: dict[str, list[bytes]] = {}
            for record in records:
                value, origin = record.message.value, origin_of(record)
                try:
                    routed = self.stage.handler(value, origin, self.app.corrections)
                except Exception as exc:  # one bad record must never stop the agent
                    reason = f"route failed: {type(exc).__name__}: {exc}"
                    routed = DeadLetter.of(origin, reason, value, self.stage.name)
                if isinstance(routed, DeadLetter):
                    await self.dead_letter(routed, record)
                    continue
                self.stats.reduced += 1
                for row in routed:
                    rows.setdefault(row, []).append(value)
            for row, values in rows.items():
                await self.output.send(key=row.encode(), value=b"[" + b",".join(values) + b"]")
