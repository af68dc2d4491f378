"""One declaration per endpoint: the route the app serves and the operation the OpenAPI document lists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import Response

Handler = Callable[[Request], Awaitable[Response]]
JSON = "application/json"


def ref(name: str) -> dict[str, str]:
    """A reference to a schema of the document's components."""
    return {"$ref": f"#/components/schemas/{name}"}


@dataclass(frozen=True)
class Param:
    """A path, query or header parameter."""

    name: str
    where: Literal["path", "query", "header"]
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})


@dataclass(frozen=True)
class Reply:
    """One documented response."""

    status: int
    description: str
    schema: dict[str, Any] | None = None
    media: str = JSON


@dataclass(frozen=True)
class Endpoint:
    """An operation: method, path, handler and what the document says about it."""

    method: Literal["GET", "POST"]
    path: str
    handler: Handler
    summary: str
    params: tuple[Param, ...] = ()
    replies: tuple[Reply, ...] = ()
    body: dict[str, Any] | None = None
    secured: bool = False
    tag: str = "state"
