"""Every error a client sees is JSON ``{"error": message}``; nothing internal leaks out."""

from __future__ import annotations

import logging
import sqlite3

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from streams.log.store import DamagedStore

logger = logging.getLogger("entente.api")


class ApiError(Exception):
    """A refusal with its HTTP status and a message meant for the client."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON error response."""
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def api_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error(exc.status, exc.message, exc.headers)


async def http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error(exc.status_code, str(exc.detail), exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    """Log the failure with its traceback; tell the client only that it happened."""
    logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return error(500, "internal error")


async def store_error(request: Request, exc: Exception) -> Response:
    """A damaged, full or read-only store: one line in the log and to the client, no traceback."""
    message = f"store failure: {str(exc).splitlines()[0]}; run 'entente check'"
    logger.error("%s %s failed: %s", request.method, request.url.path, message)
    return error(500, message)


HANDLERS = {
    ApiError: api_error,
    HTTPException: http_error,
    DamagedStore: store_error,
    sqlite3.DatabaseError: store_error,
    Exception: server_error,
}
