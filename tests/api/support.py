"""Helpers of the API tests: a real server on a loopback port, SSE parsing, articles written for tests."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import uvicorn

from streams.api import ApiConfig
from streams.api.server import uvicorn_config
from tests.support.articles import padding

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
STARTUP_S = 30.0
PADDING = 40
"""Made-up words after the text of each :func:`article`."""


@dataclass
class Server:
    """A running server: its base URL and its configuration."""

    url: str
    config: ApiConfig


def free_port() -> int:
    """A loopback port no one listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(config: ApiConfig) -> Iterator[Server]:
    """Run the app under uvicorn in a thread, on a free loopback port, until the block ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn_config(config, timeout_graceful_shutdown=1, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise AssertionError("the API server did not start")
        time.sleep(0.02)
    try:
        yield Server(f"http://127.0.0.1:{port}", config)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@dataclass(frozen=True)
class Message:
    """One server-sent event."""

    id: int
    event: str
    data: dict[str, Any]


async def messages(response: httpx.Response) -> AsyncIterator[Message | str]:
    """The events of an SSE response as they arrive; comment and ``retry`` lines come as their text."""
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line.startswith(":"):
            yield line
        elif line == "":
            if "data" in fields:
                yield Message(int(fields["id"]), fields.get("event", "message"), orjson.loads(fields["data"]))
            elif "retry" in fields:
                yield f"retry: {fields['retry']}"
            fields = {}
        else:
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")


async def opened(response: httpx.Response) -> AsyncIterator[Message | str]:
    """:func:`messages` of an event stream, once its opening ``retry:`` line came.

    The server sends that line after the client joined the fan-out, so from
    then on nothing committed can be missed.
    """
    assert response.status_code == 200, response.status_code
    assert response.headers["content-type"].startswith("text/event-stream")
    stream = messages(response)
    first = await asyncio.wait_for(anext(stream), 30)
    assert first == "retry: 1000", first
    return stream


async def take(stream: AsyncIterator[Message | str], count: int, timeout: float = 60.0) -> list[Message]:
    """The next ``count`` events (heartbeats skipped), failing after ``timeout`` seconds."""
    got: list[Message] = []

    async def collect() -> None:
        async for item in stream:
            if isinstance(item, Message):
                got.append(item)
                if len(got) == count:
                    return

    await asyncio.wait_for(collect(), timeout)
    return got


async def until_article(stream: AsyncIterator[Message | str], article_id: str) -> list[Message]:
    """Events up to and including the first that comes from ``article_id``."""
    got: list[Message] = []
    while not got or article_id not in got[-1].data.get("article_ids", [got[-1].data.get("article_id")]):
        got += await take(stream, 1)
    return got


def article(article_id: str, text: str, published: str = "2020-01-05") -> dict[str, Any]:
    """An article written for the tests (never real news text): ``text``, then a paragraph of made-up
    words of its own, so that articles of one text under other ids are not copies of each other."""
    return {
        "id": article_id,
        "title": f"Test article {article_id}",
        "text": f"{text}\n\n{padding(article_id, PADDING)}",
        "published": published,
    }


AGREEMENT = "Russia and Turkey signed an agreement on the Idlib de-escalation zone."
ACCUSATION = "Iran accused Israel of attacks near Homs."
HOSTILE_MARKUP = (
    "Russia and Turkey agreed to cooperate in Idlib <script>window.__xss=1</script> "
    '<img src=x onerror="window.__xss=2">.'
)


def wait_for(condition: Any, timeout: float = 60.0, interval: float = 0.1) -> Any:
    """Poll ``condition()`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met in {timeout} s")


DATA = Path(__file__).resolve().parents[1] / "data"
WORLD = DATA / "dev-world" / "dev-world.jsonl"
"""The articles of world news the extractor is measured on (beside the Syrian seeds)."""


def seeded(data_dir: Path, *more: Path) -> Path:
    """Ingest the seed articles, then those of ``more`` files, into ``data_dir`` and process them to
    completion."""
    from streams.ingest import read_paths
    from streams.runtime.embedded import EmbeddedRuntime
    from streams.runtime.publish import ingest_items

    seeds = DATA / "seeds" / "seeds.jsonl"
    with EmbeddedRuntime(data_dir) as runtime:
        ingest_items(runtime, read_paths([seeds, *more], runtime.settings.max_article_bytes))
        runtime.run_until_idle()
    return data_dir
