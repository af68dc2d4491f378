"""Server-sent events: the wire format, the streaming response, and ``Last-Event-ID``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from functools import partial
from typing import Any

import anyio
import orjson
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from streams.api.errors import ApiError

RETRY_MS = 1_000
OPENING = f"retry: {RETRY_MS}\n\n".encode()
KEEP_ALIVE = b": keep-alive\n\n"
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


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


class EventStream(StreamingResponse):
    """A ``text/event-stream`` response that ends when the client leaves or ``gone`` is set.

    Ending on ``gone`` cancels a send blocked on a client that stopped reading,
    so the connection of a dropped client is closed, not left hanging.
    """

    media_type = "text/event-stream"

    def __init__(self, frames: AsyncGenerator[bytes, None], gone: asyncio.Event) -> None:
        super().__init__(frames, headers=HEADERS)
        self.frames = frames
        self.gone = gone

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            async with anyio.create_task_group() as group:

                async def until(step: partial[Any]) -> None:
                    await step()
                    group.cancel_scope.cancel()

                group.start_soon(until, partial(self.stream_response, send))
                group.start_soon(until, partial(self.listen_for_disconnect, receive))
                group.start_soon(until, partial(self.gone.wait))
        finally:
            await self.frames.aclose()
