"""Live streams over a real socket: changes and events as server-sent events, resumable by offset."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from schemas import Change
from streams import topics
from streams.api import ApiConfig
from streams.log import Log
from streams.runtime.embedded import EmbeddedRuntime
from tests.api.support import (
    ACCUSATION,
    AGREEMENT,
    AUTH,
    Message,
    Server,
    article,
    opened,
    serving,
    take,
    until_article,
)


async def settled(client: httpx.AsyncClient, timeout: float = 60.0) -> int:
    """Wait until both stages have caught up; return the end of ``state.changes``."""

    async def poll() -> int:
        while True:
            text = (await client.get("/metrics")).text
            samples = dict(line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#"))
            if all(
                samples[f'entente_stage_lag{{stage="{stage}"}}'] == "0" for stage in ("extract", "reduce")
            ):
                return int(samples["entente_changes_total"])
            await asyncio.sleep(0.1)

    return await asyncio.wait_for(poll(), timeout)


async def quiet(stream: AsyncIterator[Message | str]) -> None:
    """Read until the next heartbeat; fail on any event before it."""
    async for item in stream:
        assert not isinstance(item, Message), f"unexpected event {item}"
        if item.startswith(":"):
            return


async def test_a_subscriber_connected_before_a_post_receives_its_changes(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        await settled(client)
        async with client.stream("GET", "/changes") as response:
            stream = await opened(response)
            posted = await client.post("/articles", json=article("live-1", AGREEMENT), headers=AUTH)
            assert posted.status_code == 202
            got = await until_article(stream, "live-1")
    change = got[-1]
    assert change.event == "change" and change.id == change.data["offset"]
    assert change.data["key"] in {"RUS|TUR", "IDLIB"}
    assert change.data["after"] is not None


async def test_a_reconnect_with_last_event_id_gets_exactly_what_it_missed(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        await settled(client)
        async with client.stream("GET", "/changes") as response:
            stream = await opened(response)
            await client.post("/articles", json=article("gap-1", AGREEMENT), headers=AUTH)
            first = await until_article(stream, "gap-1")
        last = first[-1].id
        await client.post(
            "/articles", json=[article("gap-2", AGREEMENT), article("gap-3", ACCUSATION)], headers=AUTH
        )
        end = await settled(client)
        assert end > last + 1, "the posts made while away produced changes"

        async with client.stream("GET", "/changes", headers={"Last-Event-ID": str(last)}) as response:
            stream = await opened(response)
            missed = await take(stream, end - last - 1)
            await quiet(stream)
            await client.post("/articles", json=article("gap-4", AGREEMENT), headers=AUTH)
            live = await until_article(stream, "gap-4")

    offsets = [message.id for message in missed]
    assert offsets == list(range(last + 1, end))
    with EmbeddedRuntime(server.config.data_dir) as runtime:
        assert [change.id for _offset, change in runtime.changes(after=last)][: len(missed)] == [
            message.data["id"] for message in missed
        ]
    assert {"gap-2", "gap-3"} <= {a for message in missed for a in message.data["article_ids"]}
    assert live[0].id == end  # the first live change follows the replay with no gap and no repeat


async def test_change_filters_by_table_zone_and_actor(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        await settled(client)
        async with (
            client.stream("GET", "/changes", params={"table": "zones", "zone": "HOMS"}) as zones,
            client.stream("GET", "/changes", params={"actor": "ISR"}) as israel,
        ):
            zone_stream, actor_stream = await opened(zones), await opened(israel)
            await client.post(
                "/articles",
                json=[article("filter-1", AGREEMENT), article("filter-2", ACCUSATION)],
                headers=AUTH,
            )
            (zone_change,) = await take(zone_stream, 1)
            (actor_change,) = await take(actor_stream, 1)
    assert (zone_change.data["table"], zone_change.data["key"]) == ("zones", "HOMS")
    assert zone_change.data["article_ids"] == ["filter-2"]
    assert actor_change.data["key"] == "IRN|ISR"


async def test_the_event_stream_filters_by_type_and_actor(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        await settled(client)
        async with client.stream(
            "GET", "/events/stream", params={"type": "ACCUSE", "actor": "IRN"}
        ) as response:
            stream = await opened(response)
            await client.post(
                "/articles", json=[article("ev-1", AGREEMENT), article("ev-2", ACCUSATION)], headers=AUTH
            )
            (event,) = await take(stream, 1)
    assert event.event == "event"
    assert (event.data["type"], event.data["source"], event.data["target"]) == ("ACCUSE", "IRN", "ISR")
    assert event.data["article_id"] == "ev-2" and event.id == event.data["offset"]


async def test_idle_streams_get_heartbeats(own_server: Server) -> None:
    async with (
        httpx.AsyncClient(base_url=own_server.url, timeout=10) as client,
        client.stream("GET", "/events/stream") as response,
    ):
        stream = await opened(response)
        heartbeat = await asyncio.wait_for(anext(stream), 5)
    assert heartbeat == ": keep-alive"


async def test_a_replay_from_the_start_streams_the_whole_log(own_server: Server) -> None:
    with EmbeddedRuntime(own_server.config.data_dir) as runtime:
        total = len(runtime.changes())
    async with (
        httpx.AsyncClient(base_url=own_server.url, timeout=30) as client,
        client.stream("GET", "/changes", params={"last_event_id": "-1"}) as response,
    ):
        stream = await opened(response)
        replayed = await take(stream, total)
        await quiet(stream)
    assert [message.id for message in replayed] == list(range(total))


async def test_a_malformed_last_event_id_is_400(own_server: Server) -> None:
    async with httpx.AsyncClient(base_url=own_server.url, timeout=10) as client:
        response = await client.get("/changes", headers={"Last-Event-ID": "yesterday"})
    assert response.status_code == 400 and set(response.json()) == {"error"}


async def test_a_client_that_stops_reading_is_dropped_and_the_others_get_everything(tmp_path: Path) -> None:
    """Over real sockets: a stalled reader fills its queue and is dropped; a reading one misses nothing."""
    records = 300
    padding = "x" * 20_000  # 300 changes of 20 kB: far more than the stalled socket's buffers hold
    with serving(
        ApiConfig(data_dir=tmp_path / "data", worker=False, client_queue=8, heartbeat=0.5)
    ) as server:
        host, port = server.url.removeprefix("http://").split(":")
        stalled = socket.socket()
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.connect((host, int(port)))
        stalled.sendall(b"GET /changes HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        seen = b""
        while b"retry: 1000" not in seen:  # joined the fan-out; from now on it reads nothing
            seen += stalled.recv(4096)
        async with (
            httpx.AsyncClient(base_url=server.url, timeout=60) as client,
            client.stream("GET", "/changes") as response,
        ):
            stream = await opened(response)
            reader = asyncio.create_task(take(stream, records))
            with Log.open(server.config.data_dir) as log:
                for n in range(records):
                    change = Change(
                        id=f"c{n}", table="zones", key="Z", after={"actors": (padding,)}, event_ids=(f"e{n}",)
                    )
                    log.append(topics.CHANGES, [("zones:Z", change.dumps())])
                    await asyncio.sleep(0.002)  # let the reading client read
            got = await reader
            metrics = (await client.get("/metrics")).text
            stalled.close()
    assert [message.id for message in got] == list(range(records))
    assert 'entente_stream_dropped_total{topic="state.changes"} 1' in metrics
    assert 'entente_stream_clients{topic="state.changes"} 1' in metrics  # only the reading one is left
