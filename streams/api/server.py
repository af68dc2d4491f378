"""How uvicorn serves the API: h11 with a bound on a request's head, a deadline to send it, a cap on
connections and a short keep-alive, so that slow or huge headers cannot hold the server's memory."""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from streams.api import ApiConfig, create_app

MAX_HEAD_BYTES = 64 * 1024
KEEP_ALIVE_S = 5
MAX_CONCURRENCY = 1_000
READING = (h11.IDLE, h11.SEND_BODY)
"""The client's h11 states while the server waits for a request's head or body."""


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request (head and body) has not arrived
    ``request_timeout`` seconds after the connection opened or the previous response ended."""

    request_timeout: float = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(self.request_timeout, self._expire)

    def _expire(self) -> None:
        if self.conn.their_state in READING and not self.transport.is_closing():
            self.transport.close()


def uvicorn_config(config: ApiConfig, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration serving ``config``'s app; ``options`` (host, port, ...) are uvicorn's."""
    protocol = type(
        "DeadlineH11Protocol", (DeadlineH11Protocol,), {"request_timeout": config.request_timeout}
    )
    return uvicorn.Config(
        create_app(config),
        http=protocol,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        timeout_keep_alive=KEEP_ALIVE_S,
        limit_concurrency=MAX_CONCURRENCY,
        log_level="warning",
        **options,
    )
