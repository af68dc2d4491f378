"""The shared tail of a topic writes to every client; a client that falls behind is dropped alone."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from schemas import Change
from streams import topics
from streams.api.hub import Client, Fanout
from streams.api.service import change_view
from streams.api.sse import OPENING
from streams.log import Log


def change(n: int) -> Change:
    return Change(id=f"c{n}", table="alliances", key="AAA|BBB", after={"events": n}, event_ids=(f"e{n}",))


def append(log: Log, *numbers: int) -> None:
    log.append(topics.CHANGES, [("alliances:AAA|BBB", change(n).dumps()) for n in numbers])


def ids(chunks: list[bytes]) -> list[bytes]:
    return [line for chunk in chunks for line in chunk.split(b"\n") if line.startswith(b"id:")]


class Connection:
    """The client's end of a stream: the chunks written to it; while ``taking`` is clear a write waits."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.taking = asyncio.Event()
        self.taking.set()

    async def write(self, chunk: bytes) -> None:
        await self.taking.wait()
        self.chunks.append(chunk)


async def until(condition: Callable[[], bool]) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.005)

    await asyncio.wait_for(poll(), 10)


class Tail:
    """A fan-out of ``state.changes`` running its tail, and the streams of the clients it serves."""

    def __init__(self, log: Log, burst: int = 2) -> None:
        self.fanout: Fanout[Change] = Fanout(log, topics.CHANGES, Change, "change", change_view)
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(self.fanout.run(self.stop, 0.002, burst))
        self.streams: list[asyncio.Task[None]] = []

    async def connect(self, client: Client[Change], last_id: int | None = None) -> Connection:
        """A connection streaming to ``client``, once its stream has opened."""
        connection = Connection()
        self.streams.append(asyncio.create_task(self.fanout.stream(client, last_id, 5.0, connection.write)))
        await until(lambda: client in self.fanout.clients and bool(connection.chunks))
        return connection

    async def close(self) -> None:
        self.stop.set()
        await self.task
        for stream in self.streams:
            stream.cancel()
        await asyncio.gather(*self.streams, return_exceptions=True)


async def test_a_slow_client_is_dropped_and_never_stalls_the_others(tmp_path: Path) -> None:
    with Log.open(tmp_path) as log:
        tail = Tail(log)
        fast, slow = Client(lambda _c: True, limit=4), Client(lambda _c: True, limit=4)
        fast_connection, slow_connection = await tail.connect(fast), await tail.connect(slow)
        assert fast_connection.chunks == slow_connection.chunks == [OPENING]
        slow_connection.taking.clear()
        for n in range(20):
            append(log, n)
            await asyncio.sleep(0.01)
        await until(lambda: len(ids(fast_connection.chunks)) == 20)
        await asyncio.wait_for(tail.streams[1], 10)
        await tail.close()

        assert ids(fast_connection.chunks) == [b"id: %d" % n for n in range(20)]
        assert slow.gone.is_set() and not fast.gone.is_set()
        assert tail.fanout.dropped == 1
        slow_connection.taking.set()
        await asyncio.sleep(0.01)
        assert slow_connection.chunks == [OPENING], (
            "a dropped client's stream ends without what it could not take"
        )
        assert tail.fanout.clients == set()


async def test_each_record_is_encoded_once_for_every_client(tmp_path: Path) -> None:
    with Log.open(tmp_path) as log:
        tail = Tail(log)

        def even(c: Change) -> bool:
            return c.after is not None and c.after.events % 2 == 0

        connections = [await tail.connect(Client(even, limit=10)) for _ in range(3)]
        for n in range(4):
            append(log, n)
            await until(lambda n=n: tail.fanout.position > n)
        await tail.close()
        a, b, c = (connection.chunks[1:] for connection in connections)
        assert all(x is y is z for x, y, z in zip(a, b, c, strict=True))
        assert ids(a) == [b"id: 0", b"id: 2"]


async def test_items_offered_while_a_write_waits_go_out_in_one_chunk(tmp_path: Path) -> None:
    with Log.open(tmp_path) as log:
        tail = Tail(log)
        connection = await tail.connect(Client(lambda _c: True, limit=10))
        connection.taking.clear()
        for n in range(3):
            append(log, n)
            await until(lambda n=n: tail.fanout.position > n)
        connection.taking.set()
        await until(lambda: len(ids(connection.chunks)) == 3)
        await tail.close()
        assert [ids([chunk]) for chunk in connection.chunks[1:]] == [[b"id: 0"], [b"id: 1", b"id: 2"]]


async def test_a_resumed_stream_replays_what_was_missed_then_goes_live_without_repeats(
    tmp_path: Path,
) -> None:
    with Log.open(tmp_path) as log:
        tail = Tail(log, burst=100)
        append(log, *range(5))  # read by the tail while, or after, the replay sends them
        connection = await tail.connect(Client(lambda _c: True, limit=10), last_id=1)
        append(log, 5, 6)
        await until(lambda: len(ids(connection.chunks)) >= 5)
        await tail.close()
        assert ids(connection.chunks) == [b"id: %d" % n for n in range(2, 7)]


async def test_an_undecodable_record_is_skipped_and_the_stream_goes_on(tmp_path: Path) -> None:
    with Log.open(tmp_path) as log:
        tail = Tail(log)
        connection = await tail.connect(Client(lambda _c: True, limit=10))
        log.append(topics.CHANGES, [("x", b"{not json"), ("alliances:AAA|BBB", change(1).dumps())])
        await until(lambda: len(connection.chunks) == 2)
        await tail.close()
        assert connection.chunks[1].startswith(b"id: 1\n")
        assert [item.offset for items in tail.fanout.backlog(-1) for item in items] == [1]


async def test_a_commit_larger_than_a_queue_reaches_a_client_that_keeps_reading(tmp_path: Path) -> None:
    with Log.open(tmp_path) as log:
        tail = Tail(log)
        connection = await tail.connect(Client(lambda _c: True, limit=4))
        append(log, *range(50))
        await until(lambda: len(ids(connection.chunks)) == 50)
        await tail.close()
        assert ids(connection.chunks) == [b"id: %d" % n for n in range(50)]
        assert tail.fanout.dropped == 0
