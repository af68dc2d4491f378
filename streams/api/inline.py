"""Running a coroutine inline: to its end at once when it never waits, and in a task only when it does.

A write to a connection that takes data at once never waits; starting one
such write per client from a loop, rather than waking a task per client,
spares a task switch and the resumption of its whole call chain per write.
"""

from __future__ import annotations

from collections.abc import Awaitable, Coroutine, Generator
from typing import Any


def start(coro: Coroutine[Any, Any, None]) -> Awaitable[None] | None:
    """Run ``coro`` now, up to its first wait: ``None`` when it ended, else what finishes it when awaited.

    An exception ``coro`` raises before waiting is raised here.
    """
    try:
        pending = coro.send(None)
    except StopIteration:
        return None
    return _Rest(coro, pending)


class _Rest:
    """The rest of a coroutine stopped on ``pending``: waits for that as it would, then runs it on."""

    def __init__(self, coro: Coroutine[Any, Any, None], pending: Any) -> None:
        self.coro = coro
        self.pending = pending

    def __await__(self) -> Generator[Any, None, None]:
        try:
            yield self.pending
        except BaseException:
            self.coro.close()
            raise
        return (yield from self.coro.__await__())
