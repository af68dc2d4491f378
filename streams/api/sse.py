"""Server-sent events: the wire format, the streaming response, and ``Last-Event-ID``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from functools import partial
from typing import Any

import anyio
import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from streams.api.errors import ApiError

RETRY_MS = 1_000
OPENING = f"retry: {RETRY_MS}\n\n".encode()
KEEP_ALIVE = b": keep-alive\n\n"
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
Write = Callable[[bytes], Coroutine[Any, Any, None]]
"""Sends one chunk of a stream's body to its client."""


def encode(offset: int, event: str, data: Any) -> bytes:
    """One event: ``id`` is the log offset, ``data`` one line of JSON."""
    return b"id: %d\nevent: %s\ndata: %s\n\n" % (offset, event.encode(), orjson.dumps(data))


def last_event_id(request: Request) -> int | None:
    """The offset a reconnecting client saw last (``Last-Event-ID``), or ``None``; 400 when malformed."""
    value = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    if value is None or not value.strip():
        return None
    try:
        offset = int(value)
    except ValueError as exc:
        raise ApiError(400, f"Last-Event-ID must be a log offset, got {value!r}") from exc
    if offset < -1:
        raise ApiError(400, f"Last-Event-ID must be -1 or more, got {offset}")
    return offset


class EventStream(Response):
    """A ``text/event-stream`` response whose body ``run`` writes, until it returns, the client
    leaves, or ``gone`` is set.

    Ending on ``gone`` cancels a write blocked on a client that stopped reading,
    so the connection of a dropped client is closed, not left hanging.
    """

    media_type = "text/event-stream"

    def __init__(self, run: Callable[[Write], Awaitable[None]], gone: asyncio.Event) -> None:
        self.status_code = 200
        self.background = None
        self.run = run
        self.gone = gone
        self.init_headers(HEADERS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})

        async def write(chunk: bytes) -> None:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})

        async def disconnected() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        async with anyio.create_task_group() as group:

            async def until(step: Callable[[], Awaitable[Any]]) -> None:
                await step()
                group.cancel_scope.cancel()

            group.start_soon(until, partial(self.run, write))
            group.start_soon(until, disconnected)
            group.start_soon(until, self.gone.wait)
