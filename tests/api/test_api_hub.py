"""The shared tail of a topic fans out to every client; a client that falls behind is dropped alone."""

from __future__ import annotations

import asyncio
from pathlib import Path

from schemas import Change
from streams import topics
from streams.api.hub import Client, Fanout
from streams.api.service import change_view
from streams.api.sse import OPENING
from streams.log import Log


def change(n: int) -> Change:
    return Change(id=f"c{n}", table="alliances", key="AAA|BBB", after={"n": n}, event_ids=(f"e{n}",))


async def test_a_slow_client_is_dropped_and_never_stalls_the_others(tmp_path: Path) -> None:
    with Log.open(tmp_path) as log:
        fanout: Fanout[Change] = Fanout(log, topics.CHANGES, Change, "change", change_view)
        stop = asyncio.Event()
        tail = asyncio.create_task(fanout.run(stop, 0.002, burst=2))
        fast, slow = Client(lambda _c: True, limit=4), Client(lambda _c: True, limit=4)
        fast_frames, slow_frames = fanout.frames(fast, None, 5.0), fanout.frames(slow, None, 5.0)
        assert await anext(fast_frames) == await anext(slow_frames) == OPENING
        received: list[bytes] = []

        async def read_fast() -> None:
            async for frame in fast_frames:
                received.append(frame)
                if len(received) == 20:
                    return

        reader = asyncio.create_task(read_fast())
        for n in range(20):
            log.append(topics.CHANGES, [("alliances:AAA|BBB", change(n).dumps())])
            await asyncio.sleep(0.01)
        await asyncio.wait_for(reader, 10)
        stop.set()
        await tail

        assert [frame.split(b"\n", 1)[0] for frame in received] == [b"id: %d" % n for n in range(20)]
        assert slow.gone.is_set() and not fast.gone.is_set()
        assert fanout.dropped == 1 and slow not in fanout.clients
        leftover = [frame async for frame in slow_frames]
        assert leftover == [], "a dropped client's stream ends without what it could not take"
        await fast_frames.aclose()
        assert fanout.clients == set()


async def test_each_record_is_encoded_once_for_every_client(tmp_path: Path) -> None:
    with Log.open(tmp_path) as log:
        fanout: Fanout[Change] = Fanout(log, topics.CHANGES, Change, "change", change_view)
        stop = asyncio.Event()
        tail = asyncio.create_task(fanout.run(stop, 0.002, burst=2))
        clients = [
            Client(lambda c: c.after is not None and c.after["n"] % 2 == 0, limit=10) for _ in range(3)
        ]
        streams = [fanout.frames(client, None, 5.0) for client in clients]
        for stream in streams:
            await anext(stream)
        frames: list[list[bytes]] = [[], [], []]
        for n in range(4):
            log.append(topics.CHANGES, [("alliances:AAA|BBB", change(n).dumps())])
            if n % 2 == 0:
                for got, stream in zip(frames, streams, strict=True):
                    got.append(await anext(stream))
        stop.set()
        await tail
        assert all(a is b is c for a, b, c in zip(*frames, strict=True))
        assert [frame.split(b"\n", 1)[0] for frame in frames[0]] == [b"id: 0", b"id: 2"]
        for stream in streams:
            await stream.aclose()


async def test_items_queued_while_a_client_is_busy_go_out_in_one_chunk(tmp_path: Path) -> None:
    with Log.open(tmp_path) as log:
        fanout: Fanout[Change] = Fanout(log, topics.CHANGES, Change, "change", change_view)
        stop = asyncio.Event()
        tail = asyncio.create_task(fanout.run(stop, 0.002, burst=2))
        client: Client[Change] = Client(lambda _c: True, limit=10)
        stream = fanout.frames(client, None, 5.0)
        await anext(stream)
        log.append(topics.CHANGES, [("alliances:AAA|BBB", change(n).dumps()) for n in range(3)])
        while fanout.position < 3:  # the tail offers all three while this client is not reading
            await asyncio.sleep(0.01)
        chunk = await anext(stream)
        stop.set()
        await tail
        await stream.aclose()
        assert [line for line in chunk.split(b"\n") if line.startswith(b"id:")] == [
            b"id: 0",
            b"id: 1",
            b"id: 2",
        ]


async def test_an_undecodable_record_is_skipped_and_the_stream_goes_on(tmp_path: Path) -> None:
    with Log.open(tmp_path) as log:
        fanout: Fanout[Change] = Fanout(log, topics.CHANGES, Change, "change", change_view)
        stop = asyncio.Event()
        tail = asyncio.create_task(fanout.run(stop, 0.002, burst=2))
        client: Client[Change] = Client(lambda _c: True, limit=10)
        stream = fanout.frames(client, None, 5.0)
        await anext(stream)
        log.append(topics.CHANGES, [("x", b"{not json"), ("alliances:AAA|BBB", change(1).dumps())])
        frame = await anext(stream)
        stop.set()
        await tail
        await stream.aclose()
        assert frame.startswith(b"id: 1\n")
        assert [item.offset for item in fanout.backlog(-1)] == [1]


async def test_a_commit_larger_than_a_queue_reaches_a_client_that_keeps_reading(tmp_path: Path) -> None:
    with Log.open(tmp_path) as log:
        fanout: Fanout[Change] = Fanout(log, topics.CHANGES, Change, "change", change_view)
        stop = asyncio.Event()
        tail = asyncio.create_task(fanout.run(stop, 0.002, burst=2))
        client: Client[Change] = Client(lambda _c: True, limit=4)
        stream = fanout.frames(client, None, 5.0)
        await anext(stream)
        log.append(topics.CHANGES, [("alliances:AAA|BBB", change(n).dumps()) for n in range(50)])
        ids: list[bytes] = []
        while len(ids) < 50:
            chunk = await anext(stream)  # read as a server response does: in the same task
            ids += [line for line in chunk.split(b"\n") if line.startswith(b"id:")]
        stop.set()
        await tail
        await stream.aclose()
        assert ids == [b"id: %d" % n for n in range(50)]
        assert fanout.dropped == 0
