"""Where a Kafka worker runs the extractor: in a child process of its own, or in a thread.

Extraction is CPU-bound. Run on the worker's event loop it holds up the other stages, the producer
and Faust's handling of rebalances; run in a thread it still shares one interpreter lock with them,
and the event loop then waits for that lock at every turn. A child process (:class:`InProcess`,
what ``entente worker`` uses) runs it beside the worker on a core of its own. An extractor object
handed to the runtime (tests, embedding applications) runs in a thread (:class:`InThread`): it
need not be loadable by name in another process.

Both give the records to publish: ``(key, value)`` of each event, or the dead letter.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol, TypeVar

from agents.extract import Extractor, load_extractor
from schemas import DeadLetter
from streams import handlers

Extracted = list[tuple[bytes, bytes]] | DeadLetter
T = TypeVar("T")
PARENT_POLL_S = 1.0


def extract_records(extractor: Extractor, value: bytes, origin: str, max_bytes: int) -> Extracted:
    """:func:`streams.handlers.extract_article`, with each event encoded as its ``events`` record."""
    result = handlers.extract_article(value, origin, extractor, max_bytes)
    if isinstance(result, DeadLetter):
        return result
    return [(event.id.encode(), event.dumps()) for event in result]


class Extraction(Protocol):
    """Extracts one ``articles.raw`` record; used as an async context manager around a run."""

    async def __aenter__(self) -> Extraction: ...

    async def __aexit__(self, *_exc: object) -> None: ...

    async def __call__(self, value: bytes, origin: str) -> Extracted: ...


class InThread:
    """Runs a given extractor in a thread of this process."""

    def __init__(self, extractor: Extractor, max_bytes: int) -> None:
        self.extractor = extractor
        self.max_bytes = max_bytes

    async def __aenter__(self) -> InThread:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        return None

    async def __call__(self, value: bytes, origin: str) -> Extracted:
        return await asyncio.to_thread(extract_records, self.extractor, value, origin, self.max_bytes)


_extractor: Extractor | None = None


def _start_child(model: str, parent: int) -> None:
    """Load the extractor in the child, and end the child when its worker is gone (even by SIGKILL)."""
    global _extractor
    _extractor = load_extractor(model)
    threading.Thread(target=_exit_without, args=(parent,), daemon=True).start()


def _exit_without(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(0)


def _extract_in_child(value: bytes, origin: str, max_bytes: int) -> Extracted:
    assert _extractor is not None, "the child's initializer loads the extractor"
    return extract_records(_extractor, value, origin, max_bytes)


def _ready() -> bool:
    return _extractor is not None


class InProcess:
    """Loads the extractor of ``model`` in one child process and extracts there.

    Entering starts the child and waits until its extractor is loaded. A child that dies is
    started again; a record whose extraction killed the child twice becomes a dead letter.
    """

    def __init__(self, model: str, max_bytes: int) -> None:
        self.model = model
        self.max_bytes = max_bytes
        self._pool: ProcessPoolExecutor | None = None

    async def __aenter__(self) -> InProcess:
        await self._run(_ready)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    async def __call__(self, value: bytes, origin: str) -> Extracted:
        try:
            return await self._run(_extract_in_child, value, origin, self.max_bytes)
        except BrokenProcessPool:
            self._pool = None
        try:
            return await self._run(_extract_in_child, value, origin, self.max_bytes)
        except BrokenProcessPool:
            self._pool = None
            reason = "extraction failed: the extraction process died on this record"
            return DeadLetter.of(origin, reason, value, "extract")

    async def _run(self, function: Callable[..., T], *args: object) -> T:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_child,
                initargs=(self.model, os.getpid()),
            )
        return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)
