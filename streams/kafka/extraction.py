"""Where a Kafka worker runs the extractor: in a child process of its own, or in a thread.

Extraction is CPU-bound. Run on the worker's event loop it holds up the other stages, the producer
and Faust's handling of rebalances; run in a thread it still shares one interpreter lock with them,
and the event loop then waits for that lock at every turn. A child process (:class:`InProcess`,
what ``entente worker`` uses) runs it beside the worker on a core of its own. An extractor object
handed to the runtime (tests, embedding applications) runs in a thread (:class:`InThread`): it
need not be loadable by name in another process.

Both take a batch of records at once and extract it with :func:`streams.handlers.extract_articles`
(the handler of :data:`streams.topology.EXTRACT`, which hands an extractor that can the whole
batch at once), and give the records to publish: each event's ``events`` key and value, or the
dead letter. Batches handed over while one is extracted wait in line, so the extractor goes on to
the next while the worker publishes the events of the last (:meth:`Extraction.each`).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol, TypeVar

from agents.extract import Extractor, load_extractor
from agents.speed import freeze
from schemas import DeadLetter
from streams import handlers

EventRecord = tuple[bytes, bytes]
"""An event's ``events`` record: key and value."""
Extracted = list[EventRecord] | DeadLetter
T = TypeVar("T")
PARENT_POLL_S = 1.0
Item = handlers.ArticleRecord
"""An ``articles.raw`` record's value (``None``: a tombstone), where it came from
(``topic[partition]@offset``) and its time."""


def extract_records(extractor: Extractor, items: Sequence[Item], max_bytes: int) -> list[Extracted]:
    """:func:`streams.handlers.extract_articles` of a batch, each event encoded as its ``events`` record
    (keyed by its article, :class:`~streams.topology.Key`)."""
    return [
        result if isinstance(result, DeadLetter) else [(e.article_id.encode(), e.dumps()) for e in result]
        for result in handlers.extract_articles(items, extractor, max_bytes)
    ]


def failed(item: Item, exc: Exception) -> DeadLetter:
    """The dead letter of a record whose extraction raised ``exc``."""
    value, origin, _received = item
    return DeadLetter.of(origin, f"extract failed: {type(exc).__name__}: {exc}", value, "extract")


class Extraction(Protocol):
    """Extracts ``articles.raw`` records; used as an async context manager around a run."""

    async def __aenter__(self) -> Extraction: ...

    async def __aexit__(self, *_exc: object) -> None: ...

    def each(self, items: Sequence[Item]) -> AsyncGenerator[Extracted, None]:
        """The result of every item, in order, once the batch is extracted.

        The batch is handed to the extractor before the first result is awaited, so the
        extractor goes on to the next batch while the caller publishes this one.
        """
        ...


class InThread:
    """Runs a given extractor in one thread of this process (it need not be safe to call from two)."""

    def __init__(self, extractor: Extractor, max_bytes: int) -> None:
        self.extractor = extractor
        self.max_bytes = max_bytes
        self._thread: ThreadPoolExecutor | None = None

    async def __aenter__(self) -> InThread:
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="extract")
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True, cancel_futures=True)
            self._thread = None

    def each(self, items: Sequence[Item]) -> AsyncGenerator[Extracted, None]:
        loop = asyncio.get_running_loop()
        batch = loop.run_in_executor(self._thread, extract_records, self.extractor, items, self.max_bytes)
        return in_order(items, batch, settled)


async def settled(items: Sequence[Item], batch: asyncio.Future[list[Extracted]]) -> list[Extracted]:
    """The results of a batch's extraction, or the dead letter of each item if it raised."""
    try:
        return await batch
    except Exception as exc:  # a failure of the whole batch must never stop the worker
        return [failed(item, exc) for item in items]


async def in_order(
    items: Sequence[Item],
    batch: asyncio.Future[list[Extracted]],
    settle: Callable[[Sequence[Item], asyncio.Future[list[Extracted]]], Awaitable[list[Extracted]]],
) -> AsyncGenerator[Extracted, None]:
    """What ``settle`` makes of the batch's future, item by item; the future is cancelled if not awaited."""
    try:
        for result in await settle(items, batch):
            yield result
    finally:
        batch.cancel()


_extractor: Extractor | None = None


def _start_child(model: str, parent: int) -> None:
    """Load the extractor in the child, and end the child when its worker is gone (even by SIGKILL).

    The loaded model is frozen out of the cycle collector's reach (:func:`agents.speed.freeze`):
    it is most of the child's objects, and a full collection walking it held up the article being
    extracted for 0.1-0.2 s.
    """
    global _extractor
    _extractor = load_extractor(model)
    freeze()
    threading.Thread(target=_exit_without, args=(parent,), daemon=True).start()


def _exit_without(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(0)


def _extract_in_child(items: Sequence[Item], max_bytes: int) -> list[Extracted]:
    assert _extractor is not None, "the child's initializer loads the extractor"
    return extract_records(_extractor, items, max_bytes)


def _ready() -> bool:
    return _extractor is not None


class InProcess:
    """Loads the extractor of ``model`` in one child process and extracts there.

    Entering starts the child and waits until its extractor is loaded. A child that dies is
    started again, and the items of the batch it died on are then extracted one at a time; an
    item whose extraction killed the child twice that way becomes a dead letter.
    """

    def __init__(self, model: str, max_bytes: int) -> None:
        self.model = model
        self.max_bytes = max_bytes
        self._pool: ProcessPoolExecutor | None = None

    async def __aenter__(self) -> InProcess:
        await self._submit(self._child(), _ready)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def each(self, items: Sequence[Item]) -> AsyncGenerator[Extracted, None]:
        pool = self._child()
        batch = self._submit(pool, _extract_in_child, items, self.max_bytes)

        async def settle(items: Sequence[Item], batch: asyncio.Future[list[Extracted]]) -> list[Extracted]:
            if pool is self._pool:  # else the child died on an earlier batch
                try:
                    return await batch
                except BrokenProcessPool:
                    self._discard(pool)
                except Exception as exc:  # a failure of the whole batch must never stop the worker
                    return [failed(item, exc) for item in items]
            return [await self._alone(item) for item in items]

        return in_order(items, batch, settle)

    async def _alone(self, item: Item) -> Extracted:
        """Extract one item in a child of its own making, trying a second child if it dies."""
        for _attempt in range(2):
            pool = self._child()
            try:
                (result,) = await self._submit(pool, _extract_in_child, [item], self.max_bytes)
                return result
            except BrokenProcessPool:
                self._discard(pool)
        value, origin, _received = item
        reason = "extraction failed: the extraction process died on this record"
        return DeadLetter.of(origin, reason, value, "extract")

    def _child(self) -> ProcessPoolExecutor:
        """The pool of the running child, started if there is none."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_child,
                initargs=(self.model, os.getpid()),
            )
        return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        """Forget a pool whose child died (once: several results may report the same death)."""
        if self._pool is pool:
            self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _submit(pool: ProcessPoolExecutor, function: Callable[..., T], *args: object) -> asyncio.Future[T]:
        return asyncio.get_running_loop().run_in_executor(pool, function, *args)
