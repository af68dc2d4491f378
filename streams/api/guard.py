"""Guards: the bearer token and the bounded body of writes, and the ``Host`` of every request."""

from __future__ import annotations

import hmac
import ipaddress

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from streams.api.errors import ApiError, error

TOKEN_VARIABLE = "ENTENTE_API_TOKEN"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


def allowed_hosts(bind: str) -> frozenset[str] | None:
    """The ``Host`` names a server bound to ``bind`` answers: loopback names for a loopback
    address (so a page of another site cannot reach it by rebinding its DNS name), any otherwise.
    """
    name = bind.strip("[]")
    try:
        loopback = name == "localhost" or ipaddress.ip_address(name).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        return None
    return LOOPBACK_HOSTS | {f"[{name}]" if ":" in name else name}


def host_name(header: str) -> str:
    """The name of a ``Host`` header without its port, lower-cased (``[::1]`` keeps its brackets)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header.partition("]")[0] + "]"
    return header.partition(":")[0]


class HostGuard:
    """Refuse (400, JSON) every request whose ``Host`` is not one of ``hosts``; ``None`` lets all in."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str] | None) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.hosts is not None and scope["type"] == "http":
            host = host_name(Headers(scope=scope).get("host", ""))
            if host not in self.hosts:
                await error(400, f"host {host!r} is not served here")(scope, receive, send)
                return
        await self.app(scope, receive, send)


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
