"""Follow ``state.changes`` of the embedded log, filtered by actor, zone or table.

With a consumer ``group`` the position is committed to the log as changes are
handed over, so a restarted subscriber of the same group resumes right after
the last change it yielded: nothing twice, nothing missed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemas import Change
from streams import topics
from streams.log import POLL_INTERVAL_S, Log, has_record, wait

BATCH = 500


@dataclass(frozen=True)
class ChangeFilter:
    """Which changes a subscriber wants; ``None`` fields match everything."""

    actor: str | None = None
    zone: str | None = None
    table: str | None = None

    def __call__(self, change: Change) -> bool:
        """Whether ``change`` passes every given criterion."""
        if self.table is not None and change.table != self.table:
            return False
        if self.zone is not None and not (change.table == "zones" and change.key == self.zone):
            return False
        return self.actor is None or involves(change, self.actor)


def involves(change: Change, actor: str) -> bool:
    """Whether ``actor`` is one side of an alliance key ``A|B`` or appears in the row before or after."""
    if change.table == "alliances" and actor in change.key.split("|"):
        return True
    return mentions(change.before, actor) or mentions(change.after, actor)


def mentions(value: Any, actor: str) -> bool:
    """Whether ``actor`` is one of the strings anywhere inside a row view."""
    if isinstance(value, str):
        return value == actor
    if isinstance(value, dict):
        return any(mentions(item, actor) for item in value.values())
    if isinstance(value, list | tuple):
        return any(mentions(item, actor) for item in value)
    return False


def start_position(log: Log, group: str | None, from_beginning: bool) -> int:
    """Where to start: the group's committed position, else the first or the next change."""
    committed = None if group is None else log.committed(group, topics.CHANGES)
    if committed is not None:
        return committed
    return 0 if from_beginning else log.end(topics.CHANGES)


async def subscribe(
    data_dir: Path,
    *,
    actor: str | None = None,
    zone: str | None = None,
    table: str | None = None,
    group: str | None = None,
    from_beginning: bool = False,
    stop: asyncio.Event | None = None,
    until_idle: bool = False,
    poll_interval: float = POLL_INTERVAL_S,
) -> AsyncIterator[tuple[int, Change]]:
    """``(offset, change)`` of each matching change on ``state.changes``, waiting for more until ``stop``.

    Without ``group`` and ``from_beginning`` it starts at the end (only changes
    from now on). With ``group``, a yielded change counts as delivered once the
    caller asks for the next one or closes the iterator (use
    :func:`contextlib.aclosing` to close it at once); the position then moves
    past it. A subscriber killed while handling a change gets it again.
    With ``until_idle`` it returns once it has read every change there is.
    """
    wanted = ChangeFilter(actor, zone, table)
    stop = stop or asyncio.Event()
    with Log.open(data_dir) as log:
        position = committed = start_position(log, group, from_beginning)

        def commit() -> None:
            nonlocal committed
            if group is not None and position != committed:
                with log.transaction() as writer:
                    writer.commit_offset(group, topics.CHANGES, position)
                committed = position

        async def more() -> bool:
            check = has_record(log, topics.CHANGES, position)
            return check() if until_idle else await wait(log, check, stop, poll_interval)

        try:
            while await more():
                for record in log.read(topics.CHANGES, position, BATCH):
                    if stop.is_set():
                        return
                    change = Change.loads(record.value)
                    position = record.offset + 1
                    if wanted(change):
                        yield record.offset, change
                        commit()
                commit()
        finally:
            commit()
