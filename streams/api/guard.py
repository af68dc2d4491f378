"""Guards on writes: the bearer token, and a request body bounded while it streams in."""

from __future__ import annotations

import hmac

from starlette.requests import Request

from streams.api.errors import ApiError

TOKEN_VARIABLE = "ENTENTE_API_TOKEN"


def require_token(request: Request, token: str | None) -> None:
    """Refuse the request unless it carries ``Authorization: Bearer <token>``.

    With no token configured, writes are disabled (403); a missing or wrong token is 401.
    """
    if token is None:
        raise ApiError(403, f"writes are disabled: the server was started without {TOKEN_VARIABLE}")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(
            401, "a valid bearer token is required", {"WWW-Authenticate": 'Bearer realm="entente"'}
        )


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit`` bytes.

    A declared ``Content-Length`` over the limit is refused before any of the
    body is read; otherwise bytes are counted as they arrive, so at most
    ``limit`` bytes plus one chunk are ever held.
    """
    too_large = ApiError(413, f"request body over {limit} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
