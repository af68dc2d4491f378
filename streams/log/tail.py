"""Follow the log as it grows: wait cheaply for new records, blocking or async.

Between polls only ``PRAGMA data_version`` is read; the condition waited for
(say, "topic has a record at my position") is evaluated again only after some
connection committed something.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable

from streams.log.interface import LogStore
from streams.log.record import Record

POLL_INTERVAL_S = 0.05

Check = Callable[[], bool]


class Watch:
    """Evaluates a condition on the log only when the log changed since it last came out false."""

    def __init__(self, log: LogStore, check: Check) -> None:
        self.log = log
        self.check = check
        self._seen: tuple[int, int] | None = None

    def ready(self) -> bool:
        """Whether the condition holds now."""
        version = self.log.version()
        if version == self._seen:
            return False
        if self.check():
            return True
        self._seen = version
        return False


def has_record(log: LogStore, topic: str, position: int) -> Check:
    """The condition "``topic`` has a record at offset ``position`` or later"."""
    return lambda: log.end(topic) > position


def wait_blocking(log: LogStore, check: Check, timeout: float, interval: float = POLL_INTERVAL_S) -> bool:
    """Block until ``check`` holds; ``False`` after ``timeout`` seconds."""
    watch = Watch(log, check)
    deadline = time.monotonic() + timeout
    while not watch.ready():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(interval, left))
    return True


async def wait(log: LogStore, check: Check, stop: asyncio.Event, interval: float = POLL_INTERVAL_S) -> bool:
    """Wait until ``check`` holds; ``False`` as soon as ``stop`` is set."""
    watch = Watch(log, check)
    while not stop.is_set():
        if watch.ready():
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
    return False


async def tail(
    log: LogStore,
    topic: str,
    position: int,
    stop: asyncio.Event | None = None,
    batch: int = 500,
    interval: float = POLL_INTERVAL_S,
) -> AsyncIterator[Record]:
    """Records of ``topic`` from ``position`` on, in offset order, waiting for new ones until ``stop``."""
    stop = stop or asyncio.Event()
    while await wait(log, has_record(log, topic, position), stop, interval):
        for record in log.read(topic, position, batch):
            if stop.is_set():
                return
            yield record
            position = record.offset + 1
