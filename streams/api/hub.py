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
from streams.log import Log, Record, Watch

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
    Heartbeats come from one timer per client that fires every heartbeat period,
    not from a timer per delivery: an idle period in which nothing was taken is
    what makes a heartbeat due.
    """

    def __init__(self, wanted: Callable[[M], bool], limit: int) -> None:
        self.wanted = wanted
        self.limit = limit
        self.gone = asyncio.Event()
        self._items: deque[Item[M]] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._active = False
        self._beat = False

    def offer(self, item: Item[M]) -> bool:
        """Queue ``item``; ``False`` when the queue is full and the client is dropped."""
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

    def _tick(self, period: float) -> None:
        """Once a period: make a heartbeat due if nothing was taken since the last tick."""
        if not self._active:
            self._beat = True
            self._wake()
        self._active = False
        self._timer = asyncio.get_running_loop().call_later(period, self._tick, period)

    def drain(self) -> list[Item[M]]:
        """Every item queued now, taken at once (so a client that fell behind catches up in one write)."""
        items = list(self._items)
        self._items.clear()
        return items

    async def next(self, heartbeat: float) -> Item[M] | None:
        """The next queued item; ``None`` when a heartbeat is due (after one to two idle
        ``heartbeat`` periods), or once dropped.

        Waits on one bare future: this runs once per delivery, for every client.
        """
        loop = asyncio.get_running_loop()
        if self._timer is None:
            self._timer = loop.call_later(heartbeat, self._tick, heartbeat)
        if not self._items and not self._beat and not self.gone.is_set():
            self._waiter = waiter = loop.create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        if self.gone.is_set():
            return None
        if self._items:
            self._active = True
            return self._items.popleft()
        self._beat = False
        return None

    def close(self) -> None:
        """Stop the heartbeat timer."""
        if self._timer is not None:
            self._timer.cancel()


class Fanout(Generic[M]):
    """The live records of one topic, from the end it had at start, handed to every client.

    Clients are grouped by their filter, so each distinct filter is evaluated
    once per record however many clients share it.
    """

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
        self._groups: dict[Callable[[M], bool], set[Client[M]]] = {}
        self._wakeup: asyncio.Future[None] | None = None

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

    def join(self, client: Client[M]) -> None:
        """Start offering live items to ``client``."""
        self.clients.add(client)
        self._groups.setdefault(client.wanted, set()).add(client)

    def leave(self, client: Client[M]) -> None:
        """Stop offering items to ``client``."""
        self.clients.discard(client)
        group = self._groups.get(client.wanted)
        if group is not None:
            group.discard(client)
            if not group:
                del self._groups[client.wanted]

    def poke(self) -> None:
        """Look at the log now rather than at the next poll (a commit was just made)."""
        if self._wakeup is not None and not self._wakeup.done():
            self._wakeup.set_result(None)

    def offer(self, item: Item[M]) -> None:
        """Hand ``item`` to every client whose filter takes it; drop those that are full."""
        for wanted, group in list(self._groups.items()):
            if wanted(item.message):
                for client in list(group):
                    if not client.offer(item):
                        self.leave(client)
                        self.dropped += 1

    async def run(self, stop: asyncio.Event, interval: float, burst: int) -> None:
        """Follow the topic until ``stop``, offering each record to every client.

        The log is polled every ``interval`` seconds (one ``PRAGMA data_version``
        while nothing changed) and at once on :meth:`poke`. After every ``burst``
        records the loop lets each client take what it was given, so a queue of
        ``2 * burst`` fills only for a client whose connection stopped taking
        data, however large a commit was.
        """
        loop = asyncio.get_running_loop()
        watch = Watch(self.log, lambda: self.log.end(self.topic) > self.position)
        while not stop.is_set():
            if watch.ready():
                for record in self.log.read(self.topic, self.position, burst):
                    self.position = record.offset + 1
                    if (item := self.item(record)) is not None:
                        self.offer(item)
                await asyncio.sleep(0)
                continue
            self._wakeup = wakeup = loop.create_future()
            timer = loop.call_later(interval, _resolve, wakeup)
            try:
                await wakeup
            finally:
                timer.cancel()
                self._wakeup = None

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
        after one to two idle ``heartbeat`` periods; the stream ends when the client is dropped.
        """
        self.join(client)
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
            self.leave(client)
            client.close()


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
