"""Follow ``state.changes`` of either runtime, filtered by actor, zone or table.

With a consumer ``group`` the position is committed (to the embedded log, or
as the group's offset on Kafka) as changes are handed over, so a restarted
subscriber of the same group resumes right after the last change it yielded:
nothing twice, nothing missed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass

from agents.reduce import ALLIANCES, ZONES
from schemas import Change
from streams.runtime.base import Runtime


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
        if self.zone is not None and not (change.table == ZONES.name and change.key == self.zone):
            return False
        return self.actor is None or involves(change, self.actor)


def involves(change: Change, actor: str) -> bool:
    """Whether ``actor`` is one side of an alliance key ``A|B`` or one of the actors the row names
    before or after (see :class:`~schemas.change.Headline`)."""
    if change.table == ALLIANCES.name and actor in change.key.split("|"):
        return True
    return any(side is not None and actor in side.actors for side in (change.before, change.after))


async def subscribe(
    runtime: Runtime,
    *,
    actor: str | None = None,
    zone: str | None = None,
    table: str | None = None,
    group: str | None = None,
    from_beginning: bool = False,
    stop: asyncio.Event | None = None,
    until_idle: bool = False,
    from_offset: int | None = None,
    from_time: dt.datetime | None = None,
) -> AsyncIterator[tuple[int, Change]]:
    """``(offset, change)`` of each matching change on ``state.changes``, waiting for more until ``stop``.

    Without ``group`` and ``from_beginning`` it starts at the end (only changes
    from now on). With ``group``, a yielded change counts as delivered once the
    caller asks for the next one or closes the iterator (use
    :func:`contextlib.aclosing` to close it at once); the position then moves
    past it. A subscriber killed while handling a change gets it again.
    With ``until_idle`` it returns once it has read every change there is. With ``from_offset`` it
    starts at that offset, with ``from_time`` at the first change of an article ingested by then
    (an aware datetime), reading from the first change when there is no group position.
    """
    wanted = ChangeFilter(actor, zone, table)
    stop = stop or asyncio.Event()
    reached = from_time is None
    positioned = from_offset is not None or from_time is not None
    async with runtime.change_feed(group, from_beginning or positioned) as feed:
        position = committed = feed.position

        async def commit() -> None:
            nonlocal committed
            if group is not None and position != committed:
                await feed.commit(position)
                committed = position

        try:
            while batch := await feed.read(stop, follow=not until_idle):
                for offset, change in batch:
                    if stop.is_set():
                        return
                    position = offset + 1
                    reached = reached or (change.ingested_at is not None and change.ingested_at >= from_time)
                    if reached and offset >= (from_offset or 0) and wanted(change):
                        yield offset, change
                        await commit()
                position = feed.position  # past records of the batch that did not decode
                await commit()
        finally:
            await commit()
