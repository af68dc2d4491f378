"""One shared tail per topic, fanned out to every live-stream client through a bounded queue each.

The log is read once per topic however many clients listen; each record is
decoded and encoded as a server-sent event once. A client whose queue is full
(it reads slower than the log grows) is dropped, so it can never stall the
tail or the other clients; it reconnects with ``Last-Event-ID`` and catches up
from the log.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncGenerator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from schemas.base import Message
from streams.api.sse import KEEP_ALIVE, OPENING, encode
from streams.log import Log, Record, tail

M = TypeVar("M", bound=Message)
REPLAY_BATCH = 500
logger = logging.getLogger("entente.api")


@dataclass(frozen=True, slots=True)
class Item(Generic[M]):
    """One record of the topic: its offset, the decoded message and its encoded event."""

    offset: int
    message: M
    frame: bytes


class Client(Generic[M]):
    """One listener: a bounded queue of the items it wants, filled by the shared tail.

    ``gone`` is set when the client is dropped for falling ``limit`` items behind.
    """

    def __init__(self, wanted: Callable[[M], bool], limit: int) -> None:
        self.wanted = wanted
        self.limit = limit
        self.gone = asyncio.Event()
        self._items: deque[Item[M]] = deque()
        self._waiter: asyncio.Future[None] | None = None

    def offer(self, item: Item[M]) -> bool:
        """Queue ``item`` if wanted; ``False`` when the queue is full and the client is dropped."""
        if not self.wanted(item.message):
            return True
        if len(self._items) >= self.limit:
            self.gone.set()
            self._wake()
            return False
        self._items.append(item)
        self._wake()
        return True

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def drain(self) -> list[Item[M]]:
        """Every item queued now, taken at once (so a client that fell behind catches up in one write)."""
        items = list(self._items)
        self._items.clear()
        return items

    async def next(self, timeout: float) -> Item[M] | None:
        """The next queued item; ``None`` after ``timeout`` seconds with none, or once dropped.

        Waits on one bare future and one timer: this runs once per delivery, for every client.
        """
        if not self._items and not self.gone.is_set():
            loop = asyncio.get_running_loop()
            self._waiter = waiter = loop.create_future()
            timer = loop.call_later(timeout, self._wake)
            try:
                await waiter
            finally:
                timer.cancel()
                self._waiter = None
        if self.gone.is_set() or not self._items:
            return None
        return self._items.popleft()


class Fanout(Generic[M]):
    """The live records of one topic, from the end it had at start, handed to every client."""

    def __init__(
        self, log: Log, topic: str, model: type[M], event: str, view: Callable[[int, M], dict[str, Any]]
    ) -> None:
        self.log = log
        self.topic = topic
        self.model = model
        self.event = event
        self.view = view
        self.position = log.end(topic)
        self.clients: set[Client[M]] = set()
        self.dropped = 0

    def item(self, record: Record) -> Item[M] | None:
        """Decode and encode one record (once, whoever receives it); ``None`` when it cannot be decoded."""
        try:
            message = self.model.loads(record.value)
        except ValueError as exc:  # one bad record must not end every stream
            logger.error(
                "skipped input=%s reason=undecodable %s: %s", record.origin, self.model.__name__, exc
            )
            return None
        return Item(
            record.offset, message, encode(record.offset, self.event, self.view(record.offset, message))
        )

    async def run(self, stop: asyncio.Event, interval: float, burst: int) -> None:
        """Follow the topic until ``stop``, offering each record to every client.

        After every ``burst`` records the loop lets each client take what it was
        given, so a queue of ``2 * burst`` fills only for a client whose
        connection stopped taking data, however large a commit was.
        """
        offered = 0
        async for record in tail(self.log, self.topic, self.position, stop, batch=burst, interval=interval):
            self.position = record.offset + 1
            if (item := self.item(record)) is None:
                continue
            for client in list(self.clients):
                if not client.offer(item):
                    self.clients.discard(client)
                    self.dropped += 1
            offered += 1
            if offered % burst == 0:
                await asyncio.sleep(0)

    def backlog(self, after: int) -> Iterator[Item[M]]:
        """Items after offset ``after`` read from the log itself, up to its end now."""
        position = after + 1
        while batch := self.log.read(self.topic, position, REPLAY_BATCH):
            for record in batch:
                if (item := self.item(record)) is not None:
                    yield item
            position = batch[-1].offset + 1

    async def frames(
        self, client: Client[M], last_id: int | None, heartbeat: float
    ) -> AsyncGenerator[bytes, None]:
        """Encoded events for ``client``: what it missed after ``last_id`` (if given), then live ones.

        The client joins the fan-out *before* the backlog is read, so a record
        committed meanwhile arrives by its queue; items at or below the last
        offset sent are skipped there. Nothing is missed and nothing comes twice.
        Items queued together go out in one chunk. A comment line goes out
        after ``heartbeat`` idle seconds; the stream ends when the client is dropped.
        """
        self.clients.add(client)
        try:
            yield OPENING
            sent = -1
            if last_id is not None:
                sent = last_id
                for item in self.backlog(last_id):
                    sent = item.offset
                    if client.wanted(item.message):
                        yield item.frame
            while not client.gone.is_set():
                item = await client.next(heartbeat)
                if item is None:
                    if not client.gone.is_set():
                        yield KEEP_ALIVE
                    continue
                frames = []
                for queued in (item, *client.drain()):
                    if queued.offset > sent:
                        sent = queued.offset
                        frames.append(queued.frame)
                if frames:
                    yield frames[0] if len(frames) == 1 else b"".join(frames)
        finally:
            self.clients.discard(client)
