"""Writes held in memory until they commit together in one transaction of a log store.

Ingestion decides what it admits while it fetches, which takes seconds; holding the
log's one write lock that long would stall every worker and server of the data
directory, and the runtime's own publishing would wait on it. So the near-duplicate
index and the feed state stage their writes here, answer from them meanwhile, and
write them in one short transaction once the round's articles are published.
"""

from __future__ import annotations

from collections.abc import Callable

from streams.log.interface import LogStore, StoreWriter

Write = Callable[[StoreWriter], None]


class Staged:
    """Writes to ``store`` staged until :func:`commit`; a subclass keeps what it must read back."""

    def __init__(self, store: LogStore) -> None:
        self.store = store
        self._writes: list[Write] = []

    def stage(self, write: Write) -> None:
        """Keep ``write`` for the next commit."""
        self._writes.append(write)

    def write(self, writer: StoreWriter) -> None:
        """Make the staged writes, in order, in ``writer``'s transaction."""
        for write in self._writes:
            write(writer)

    def clear(self) -> None:
        """Forget every staged write."""
        self._writes.clear()

    def commit(self) -> None:
        """Write what is staged in one transaction."""
        commit(self.store, self)

    def rollback(self) -> None:
        """Forget what is staged."""
        self.clear()


def commit(store: LogStore, *staged: Staged) -> None:
    """Write what each of ``staged`` holds, in order, in one transaction of ``store``; then forget it."""
    with store.transaction() as writer:
        for part in staged:
            part.write(writer)
    for part in staged:
        part.clear()
