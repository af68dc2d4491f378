"""Every error a client sees is JSON ``{"error": message}``; nothing internal leaks out."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

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


HANDLERS = {ApiError: api_error, HTTPException: http_error, Exception: server_error}
