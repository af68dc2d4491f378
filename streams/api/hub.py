"""One shared tail per topic, written out to every live-stream client.

The log is read once per topic however many clients listen; each record is
decoded and encoded as a server-sent event once, and the records read
together are joined once per distinct filter. The tail writes that chunk to
each client itself, inline (see :mod:`streams.api.inline`): one send per
client and no task switch while its connection takes data. A client whose
connection does not take a write at once gets a task to finish it; what the
tail hands it meanwhile queues, bounded, and goes out in one write after. A
client whose queue is full (it reads slower than the log grows) is dropped,
so it can never stall the tail or the other clients; it reconnects with
``Last-Event-ID`` and catches up from the log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from schemas.base import Message
from streams.api.inline import start
from streams.api.sse import KEEP_ALIVE, OPENING, Write, encode
from streams.log import Record, Watch
from streams.log.interface import LogStore

M = TypeVar("M", bound=Message)
REPLAY_BATCH = 500
logger = logging.getLogger("entente.api")


@dataclass(frozen=True, slots=True)
class Item(Generic[M]):
    """One record of the topic: its offset, the decoded message and its encoded event."""

    offset: int
    message: M
    frame: bytes


def joined(items: list[Item[M]]) -> bytes:
    """The frames of ``items`` as one chunk."""
    return items[0].frame if len(items) == 1 else b"".join(item.frame for item in items)


class Client(Generic[M]):
    """One listener: its filter, and the writes of what the shared tail hands it.

    Until :meth:`live` (while the backlog is replayed) and while a write waits
    on the connection, items queue, at most ``limit``; ``gone`` is set when the
    client is dropped for falling further behind, or its connection failed.
    ``sent`` is the offset of the last item written, so none goes out twice.
    Heartbeats come from one timer per client that fires every heartbeat
    period: a period in which nothing was written makes one due.
    """

    def __init__(self, wanted: Callable[[M], bool], limit: int) -> None:
        self.wanted = wanted
        self.limit = limit
        self.gone = asyncio.Event()
        self.sent = -1
        self._write: Write | None = None
        self._queue: list[Item[M]] = []
        self._writing: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._active = False

    def offer(self, items: list[Item[M]], chunk: bytes) -> bool:
        """Write ``items`` (encoded together as ``chunk``) now, or queue them; ``False`` when dropped."""
        if self._write is None or self._writing is not None:
            if len(self._queue) + len(items) > self.limit:
                self.gone.set()
                return False
            self._queue += items
        elif items[-1].offset > self.sent:
            if items[0].offset <= self.sent:  # the replay of the backlog sent some already
                items = [item for item in items if item.offset > self.sent]
                chunk = joined(items)
            self.sent = items[-1].offset
            self._start(chunk)
        return True

    async def live(self, write: Write, heartbeat: float) -> None:
        """Write what queued so far, then write each item as it is offered (see :meth:`offer`)."""
        while chunk := self._take():
            await write(chunk)
        self._write = write
        self._timer = asyncio.get_running_loop().call_later(heartbeat, self._tick, heartbeat)

    def _take(self) -> bytes:
        """What queued and was not sent yet, as one chunk (empty when nothing)."""
        items = [item for item in self._queue if item.offset > self.sent]
        self._queue = []
        if not items:
            return b""
        self.sent = items[-1].offset
        return joined(items)

    def _start(self, chunk: bytes) -> None:
        """Write ``chunk`` inline; if the connection does not take it at once, finish in a task."""
        assert self._write is not None
        self._active = True
        try:
            rest = start(self._write(chunk))
        except Exception as exc:
            self._fail(exc)
            return
        if rest is not None:
            self._writing = asyncio.get_running_loop().create_task(self._finish(rest))

    async def _finish(self, rest: Awaitable[None]) -> None:
        """Finish a write that waited, then write what queued meanwhile, in one chunk at a time."""
        assert self._write is not None
        try:
            await rest
            while chunk := self._take():
                await self._write(chunk)
        except Exception as exc:
            self._fail(exc)
        finally:
            self._writing = None

    def _fail(self, exc: Exception) -> None:
        """End the stream after a failed write, logging it unless the connection merely went away."""
        if not isinstance(exc, OSError):
            logger.error("a live-stream write failed", exc_info=exc)
        self.gone.set()

    def _tick(self, period: float) -> None:
        """Once a period: write a heartbeat if nothing was written since the last tick."""
        if not self._active and self._writing is None:
            self._start(KEEP_ALIVE)
        self._active = False
        self._timer = asyncio.get_running_loop().call_later(period, self._tick, period)

    def close(self) -> None:
        """Stop the heartbeat timer and any write still waiting."""
        if self._timer is not None:
            self._timer.cancel()
        if self._writing is not None:
            self._writing.cancel()


class Fanout(Generic[M]):
    """The live records of one topic, from the end it had at start, handed to every client.

    Clients are grouped by their filter, so each distinct filter is evaluated
    once per record, and its chunk encoded once, however many clients share it.
    """

    def __init__(
        self, log: LogStore, topic: str, model: type[M], event: str, view: Callable[[int, M], dict[str, Any]]
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

    def offer(self, items: list[Item[M]]) -> None:
        """Hand ``items`` to every client whose filter takes them; drop those that are full."""
        for wanted, group in list(self._groups.items()):
            taken = [item for item in items if wanted(item.message)]
            if taken:
                chunk = joined(taken)
                for client in [client for client in group if not client.offer(taken, chunk)]:
                    self.leave(client)
                    self.dropped += 1

    async def run(self, stop: asyncio.Event, interval: float, burst: int) -> None:
        """Follow the topic until ``stop``, offering the records read together to every client.

        The log is polled every ``interval`` seconds (one ``PRAGMA data_version``
        while nothing changed) and at once on :meth:`poke`. At most ``burst``
        records are offered at a time, and the loop lets the writes that waited
        go on between, so a queue of ``2 * burst`` fills only for a client whose
        connection stopped taking data, however large a commit was.
        """
        loop = asyncio.get_running_loop()
        watch = Watch(self.log, lambda: self.log.end(self.topic) > self.position)
        while not stop.is_set():
            if watch.ready():
                if batch := self.log.read(self.topic, self.position, burst):
                    self.position = batch[-1].offset + 1
                    if items := [item for record in batch if (item := self.item(record)) is not None]:
                        self.offer(items)
                await asyncio.sleep(0)
                continue
            self._wakeup = wakeup = loop.create_future()
            timer = loop.call_later(interval, _resolve, wakeup)
            try:
                await wakeup
            finally:
                timer.cancel()
                self._wakeup = None

    def backlog(self, after: int) -> Iterator[list[Item[M]]]:
        """Items after offset ``after`` read from the log itself, up to its end now, a batch at a time."""
        position = after + 1
        while batch := self.log.read(self.topic, position, REPLAY_BATCH):
            yield [item for record in batch if (item := self.item(record)) is not None]
            position = batch[-1].offset + 1

    async def stream(self, client: Client[M], last_id: int | None, heartbeat: float, write: Write) -> None:
        """Write ``client``'s stream until it is dropped: what it missed after ``last_id`` (if given),
        then live events.

        The client joins the fan-out *before* the backlog is read, so a record
        committed meanwhile is queued for it; items at or below the last offset
        sent are skipped there. Nothing is missed and nothing comes twice. Each
        batch of the backlog goes out in one chunk. A comment line goes out
        after one to two idle ``heartbeat`` periods.
        """
        self.join(client)
        try:
            await write(OPENING)
            if last_id is not None:
                client.sent = last_id
                for items in self.backlog(last_id):
                    if wanted := [item for item in items if client.wanted(item.message)]:
                        await write(joined(wanted))
                    if items:
                        client.sent = items[-1].offset
            await client.live(write, heartbeat)
            await client.gone.wait()
        finally:
            self.leave(client)
            client.close()


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
