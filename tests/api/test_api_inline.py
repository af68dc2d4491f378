"""A coroutine started inline ends at once when it never waits; awaiting what is left finishes it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import pytest

from streams.api.inline import start


async def finish(rest: Awaitable[None]) -> None:
    await rest


async def test_a_coroutine_that_never_waits_ends_inline() -> None:
    done: list[str] = []

    async def job() -> None:
        done.append("done")

    assert start(job()) is None
    assert done == ["done"]


async def test_a_coroutine_that_waits_ends_when_what_is_left_is_awaited() -> None:
    gate, steps = asyncio.Event(), []

    async def job() -> None:
        steps.append("before")
        await gate.wait()
        steps.append("after")

    rest = start(job())
    assert rest is not None and steps == ["before"]
    task = asyncio.create_task(finish(rest))
    await asyncio.sleep(0.01)
    assert steps == ["before"]
    gate.set()
    await asyncio.wait_for(task, 5)
    assert steps == ["before", "after"]


async def test_cancelling_what_is_left_closes_the_coroutine() -> None:
    closed: list[bool] = []

    async def job() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            closed.append(True)

    rest = start(job())
    assert rest is not None
    task = asyncio.create_task(finish(rest))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert closed == [True]


async def test_an_error_before_the_first_wait_is_raised_at_once() -> None:
    async def job() -> None:
        raise ConnectionResetError("gone")

    with pytest.raises(ConnectionResetError):
        start(job())
