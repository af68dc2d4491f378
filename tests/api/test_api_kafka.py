"""The API served over the Kafka runtime: a posted article's changes arrive over SSE, and
``entente serve --broker kafka://...`` started later mirrors what the cluster already holds."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from streams.api import ApiConfig
from streams.kafka.options import KafkaOptions
from tests.api.support import (
    AGREEMENT,
    AUTH,
    TOKEN,
    article,
    free_port,
    opened,
    serving,
    take,
    until_article,
    wait_for,
)
from tests.e2e.cli import ENTENTE, environment
from tests.support.kafka import Kafka, unique

pytestmark = pytest.mark.kafka


async def running_worker(client: httpx.AsyncClient, timeout: float = 120.0) -> None:
    async def poll() -> None:
        while (await client.get("/health")).json()["worker"] != "running":
            await asyncio.sleep(0.1)

    await asyncio.wait_for(poll(), timeout)


async def mirrored(
    client: httpx.AsyncClient, path: str, params: dict[str, str] | None = None, timeout: float = 60.0
) -> httpx.Response:
    """``GET path`` once the server's mirror holds what it asks for (not 404, not an empty page): the
    mirror copies each topic on its own, so an article or its events can reach it just after the
    changes they caused."""

    async def poll() -> httpx.Response:
        while True:
            reply = await client.get(path, params=params)
            if reply.status_code != 404 and reply.json().get("events") != []:
                return reply
            await asyncio.sleep(0.1)

    return await asyncio.wait_for(poll(), timeout)


async def test_a_post_on_kafka_reaches_sse_subscribers_and_a_new_server_mirrors_it(
    kafka: Kafka, tmp_path: Path
) -> None:
    options = KafkaOptions(namespace=f"{unique('api')}.", partitions=1, commit_interval=0.2)
    config = ApiConfig(
        data_dir=tmp_path / "home",
        token=TOKEN,
        heartbeat=0.5,
        broker=f"kafka://{kafka.bootstrap}",
        kafka=options,
    )
    with serving(config) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            await running_worker(client)
            async with client.stream("GET", "/changes") as response:
                stream = await opened(response)
                before = dt.datetime.now(dt.UTC)
                posted = await client.post("/articles", json=article("kafka-1", AGREEMENT), headers=AUTH)
                assert posted.status_code == 202, posted.text
                assert posted.json()["ids"] == ["kafka-1"]
                got = await asyncio.wait_for(until_article(stream, "kafka-1"), 120)
            after = dt.datetime.now(dt.UTC)
            keys = {message.data["key"] for message in got}
            assert "RUS|TUR" in keys
            assert all(message.id == message.data["offset"] for message in got)
            alliances = (await client.get("/alliances", params={"fields": "a,b"})).json()
            assert {"a": "RUS", "b": "TUR"} in alliances
            assert (await mirrored(client, "/articles/kafka-1")).json()["id"] == "kafka-1"
            events = (await mirrored(client, "/events", {"actor": "TUR"})).json()["events"]
            assert events and all(event["article_id"] == "kafka-1" for event in events)
            metrics = (await client.get("/metrics")).text
            assert 'entente_stage_lag{stage="reduce"}' in metrics

    port = free_port()
    env = environment(tmp_path / "home") | {
        "ENTENTE_KAFKA_NAMESPACE": options.namespace,
        "ENTENTE_KAFKA_PARTITIONS": "1",
        "ENTENTE_API_PORT": str(port),
    }
    command = [ENTENTE, "serve", "--broker", f"kafka://{kafka.bootstrap}", "--no-worker"]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(url), timeout=120)
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            pair = (await client.get("/alliances/TUR/RUS")).json()
            assert pair["alliance"]["a"] == "RUS" and pair["why"]
            # the copy keeps the cluster's record times: known_at goes by them, not by when it was copied
            for moment, expected in ((before, 404), (after, 200)):
                known = await client.get("/alliances/TUR/RUS", params={"known_at": moment.isoformat()})
                assert known.status_code == expected
            async with client.stream("GET", "/changes", headers={"Last-Event-ID": "-1"}) as response:
                stream = await opened(response)
                replayed = await take(stream, len(got))
            assert [message.data["id"] for message in replayed] == [message.data["id"] for message in got]
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert f"serving kafka://{kafka.bootstrap} on {url}/ (worker off)" in err


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False
