"""Long-running workers on one data directory: shared with ingest, with each other, stopped by signals."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from schemas import Change
from streams import topics
from streams.log import Log, wait_blocking
from streams.runtime.embedded import EmbeddedRuntime
from streams.subscribe import subscribe
from tests.support.embedded import LineExtractor, corpus, outcome, uninterrupted

EXIT = 60.0
STAGE_INPUTS = (("extract", topics.ARTICLES), ("reduce", topics.EVENTS))
Spawn = Callable[..., subprocess.Popen[bytes]]

WORKER = """
import asyncio, signal, sys
from pathlib import Path
from tests.support.embedded import LineExtractor
from streams.runtime.embedded import EmbeddedRuntime

async def main() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    data_dir, delay = Path(sys.argv[1]), float(sys.argv[2])
    extractor = LineExtractor(delay=delay)
    options = {"extract_batch": 3, "reduce_batch": 4, "poll_interval": 0.01}
    with EmbeddedRuntime(data_dir, extractor=extractor, **options) as runtime:
        (data_dir / f"ready-{sys.argv[3]}").touch()
        await runtime.run_forever(stop)

asyncio.run(main())
"""


def caught_up(log: Log) -> bool:
    """Whether both stages have committed the end of their input."""
    return all(log.committed(stage, topic) == log.end(topic) for stage, topic in STAGE_INPUTS)


def started(data_dir: Path, *names: str) -> None:
    """Wait until the workers ``names`` have installed their signal handlers."""
    deadline = time.monotonic() + EXIT
    while not all((data_dir / f"ready-{name}").exists() for name in names):
        assert time.monotonic() < deadline, "workers did not start"
        time.sleep(0.01)


def test_two_workers_and_an_ingest_share_a_data_dir_with_every_output_once(
    tmp_path: Path, data_dir: Path, spawn: Spawn
) -> None:
    items = corpus(40)
    with EmbeddedRuntime(data_dir, extractor=LineExtractor()) as ingest:
        workers = [spawn(WORKER, data_dir, 0.002, name) for name in ("w1", "w2")]
        started(data_dir, "w1", "w2")
        for start in range(0, len(items), 5):
            ingest.publish_articles(items[start : start + 5])
            time.sleep(0.02)
        assert wait_blocking(ingest.log, lambda: caught_up(ingest.log), timeout=EXIT, interval=0.01)
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        assert [worker.wait(EXIT) for worker in workers] == [0, 0]
        assert outcome(ingest) == uninterrupted(tmp_path / "reference", items)


def test_a_worker_stopped_by_sigterm_commits_its_batch_whole_and_exits_cleanly(
    tmp_path: Path, data_dir: Path, spawn: Spawn
) -> None:
    items = corpus(30)
    with EmbeddedRuntime(data_dir, extractor=LineExtractor()) as ingest:
        ingest.publish_articles(items)
        worker = spawn(WORKER, data_dir, 0.03, "w")
        started(data_dir, "w")
        assert wait_blocking(
            ingest.log, lambda: (ingest.log.committed("extract", topics.ARTICLES) or 0) >= 6, EXIT
        )
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(EXIT) == 0
        position = ingest.log.committed("extract", topics.ARTICLES)
        assert position is not None and position % 3 == 0 and position < len(items)
        done = {f"a{n:04d}" for n in range(position)}
        expected = uninterrupted(tmp_path / "reference", items)
        assert outcome(ingest)["events"] == [e for e in expected["events"] if e["article_id"] in done]
        ingest.run_until_idle()
        assert outcome(ingest) == expected


async def test_a_subscriber_follows_the_changes_a_worker_makes_as_articles_arrive(
    data_dir: Path, spawn: Spawn
) -> None:
    items = corpus(20)
    stop = asyncio.Event()
    seen: list[tuple[int, Change]] = []

    async def follow() -> None:
        async for item in subscribe(ingest, group="live", from_beginning=True, stop=stop):
            seen.append(item)

    with EmbeddedRuntime(data_dir, extractor=LineExtractor()) as ingest:
        follower = asyncio.create_task(follow())
        worker = spawn(WORKER, data_dir, 0.0, "w")
        started(data_dir, "w")
        for start in range(0, len(items), 4):
            ingest.publish_articles(items[start : start + 4])
            await asyncio.sleep(0.02)
        deadline = time.monotonic() + EXIT
        while not (caught_up(ingest.log) and len(seen) == ingest.log.end(topics.CHANGES)):
            assert time.monotonic() < deadline, "the subscriber fell behind"
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(follower, 10)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(EXIT) == 0
        assert seen == ingest.changes()
        assert ingest.log.committed("live", topics.CHANGES) == len(seen)
