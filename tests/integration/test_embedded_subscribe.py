"""Subscribing to state changes of the embedded log: start position, filters, resuming groups."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import aclosing
from pathlib import Path
from typing import Any

import orjson
import pytest

from schemas import Change
from streams import topics
from streams.runtime.embedded import EmbeddedRuntime
from streams.subscribe import subscribe
from tests.support.embedded import LineExtractor, corpus

Seen = list[tuple[int, Change]]


@pytest.fixture
def runtime(data_dir: Path) -> Iterator[EmbeddedRuntime]:
    # small reduce batches, so that a row changes in several changes
    with EmbeddedRuntime(data_dir, extractor=LineExtractor(), reduce_batch=3) as opened:
        opened.publish_articles(corpus(12))
        opened.run_until_idle()
        yield opened


async def take(runtime: EmbeddedRuntime, count: int, **options: Any) -> Seen:
    """The first ``count`` changes a subscriber yields, closing it right after."""
    seen: Seen = []
    async with aclosing(subscribe(runtime, **options)) as changes:
        async for item in changes:
            seen.append(item)
            if len(seen) == count:
                break
    return seen


async def test_from_the_beginning_yields_every_change_in_offset_order(runtime: EmbeddedRuntime) -> None:
    everything = runtime.changes()
    assert await asyncio.wait_for(take(runtime, len(everything), from_beginning=True), 10) == everything


async def test_without_a_group_it_starts_at_the_end(runtime: EmbeddedRuntime) -> None:
    before = runtime.log.end(topics.CHANGES)
    follower = asyncio.create_task(take(runtime, 1))
    await asyncio.sleep(0.2)  # let the subscriber find its start position
    runtime.publish_articles([("late:1", b'{"id": "late", "text": "USA AID SYR"}')])
    runtime.run_until_idle()
    (offset, change), *_ = await asyncio.wait_for(follower, 10)
    assert offset == before
    assert change.key == "SYR|USA"


async def test_filters_by_actor_zone_and_table(runtime: EmbeddedRuntime) -> None:
    everything = runtime.changes()

    def expect(keep: Any) -> Seen:
        return [(offset, change) for offset, change in everything if keep(change)]

    def names(change: Change, actor: str) -> bool:
        quoted = f'"{actor}"'.encode()
        sides = [side and side.model_dump(mode="json") for side in (change.before, change.after)]
        return actor in change.key.split("|") or quoted in orjson.dumps(sides)

    cases = [
        ({"actor": "USA"}, expect(lambda c: names(c, "USA"))),
        ({"zone": "Z-EAST"}, expect(lambda c: c.table == "zones" and c.key == "Z-EAST")),
        ({"table": "alliances"}, expect(lambda c: c.table == "alliances")),
        ({"actor": "RUS", "table": "zones"}, expect(lambda c: c.table == "zones" and names(c, "RUS"))),
    ]
    for options, expected in cases:
        assert 0 < len(expected) < len(everything), options
        got = await asyncio.wait_for(take(runtime, len(expected), from_beginning=True, **options), 10)
        assert got == expected, options


async def test_a_group_resumes_after_the_last_change_it_yielded(runtime: EmbeddedRuntime) -> None:
    everything = runtime.changes()
    first = await asyncio.wait_for(take(runtime, 5, group="g", from_beginning=True), 10)
    assert runtime.log.committed("g", topics.CHANGES) == first[-1][0] + 1
    rest = await asyncio.wait_for(take(runtime, len(everything) - 5, group="g"), 10)
    assert first + rest == everything

    runtime.publish_articles(corpus(15)[12:])
    runtime.run_until_idle()
    new = runtime.changes(after=everything[-1][0])
    assert await asyncio.wait_for(take(runtime, len(new), group="g", from_beginning=True), 10) == new
    assert runtime.log.committed("g", topics.CHANGES) == runtime.log.end(topics.CHANGES)


async def test_a_stopped_group_subscriber_commits_what_it_passed_over(runtime: EmbeddedRuntime) -> None:
    stop = asyncio.Event()
    seen: Seen = []
    async for item in subscribe(runtime, zone="Z-NORTH", group="north", from_beginning=True, stop=stop):
        seen.append(item)
        if len(seen) == 2:
            stop.set()
    assert len(seen) == 2
    resumed = await asyncio.wait_for(take(runtime, 1, zone="Z-NORTH", group="north"), 10)
    expected = [(o, c) for o, c in runtime.changes() if c.table == "zones" and c.key == "Z-NORTH"]
    assert seen + resumed == expected[:3]
