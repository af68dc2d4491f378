"""A worker killed with SIGKILL resumes where it was: every output exactly once, offsets at batch edges."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from streams import topics
from streams.runtime.embedded import EmbeddedRuntime
from tests.support.embedded import LineExtractor, corpus, outcome, stamped_apart, uninterrupted

EXIT = 60.0
Spawn = Callable[..., subprocess.Popen[bytes]]

WORKER = """
import sys
from pathlib import Path
from tests.support.embedded import CrashingReducer, LineExtractor
from streams.runtime.embedded import EmbeddedRuntime

data_dir, flag = Path(sys.argv[1]), Path(sys.argv[2])
reduce_crash_at, delay = int(sys.argv[3]), float(sys.argv[4])
runtime = EmbeddedRuntime(
    data_dir,
    extractor=LineExtractor(flag, delay),
    reducer=CrashingReducer(flag, reduce_crash_at),
    extract_batch=2,
    reduce_batch=3,
)
runtime.run_until_idle()
"""

NO_CRASH = 0


def published(data_dir: Path, items: list[tuple[str, bytes]]) -> None:
    with EmbeddedRuntime(data_dir, extractor=LineExtractor()) as runtime:
        runtime.publish_articles(items)


def test_a_worker_killed_while_extracting_resumes_with_every_event_once(
    tmp_path: Path, data_dir: Path, spawn: Spawn
) -> None:
    items = corpus(12, crash_at=7)
    published(data_dir, items)
    flag = tmp_path / "crashed"

    assert spawn(WORKER, data_dir, flag, NO_CRASH, 0).wait(EXIT) == -signal.SIGKILL

    expected = uninterrupted(tmp_path / "reference", items)
    with EmbeddedRuntime(data_dir, extractor=LineExtractor()) as runtime:
        position = runtime.log.committed("extract", topics.ARTICLES)
        assert position == 6, "the batch holding the crashing article (6, 7) must not be committed"
        done = {f"a{n:04d}" for n in range(position)}
        assert outcome(runtime)["events"] == [e for e in expected["events"] if e["article_id"] in done]
    assert spawn(WORKER, data_dir, flag, NO_CRASH, 0).wait(EXIT) == 0
    with EmbeddedRuntime(data_dir, extractor=LineExtractor()) as runtime:
        assert outcome(runtime) == expected


def test_a_worker_killed_while_reducing_resumes_with_every_change_once(
    tmp_path: Path, data_dir: Path, spawn: Spawn
) -> None:
    items = corpus(12)
    published(data_dir, items)
    flag = tmp_path / "crashed"

    # the reducer's 21st call is a row of the batch of events 12 to 14 (batches of three events)
    assert spawn(WORKER, data_dir, flag, 21, 0).wait(EXIT) == -signal.SIGKILL

    expected = uninterrupted(tmp_path / "reference", items, extract_batch=2, reduce_batch=3)
    with (
        EmbeddedRuntime(data_dir, extractor=LineExtractor()) as runtime,
        EmbeddedRuntime(tmp_path / "reference", extractor=LineExtractor()) as reference,
    ):
        position = runtime.log.committed("reduce", topics.EVENTS)
        assert position == 12, "the batch holding the crashing event (12-14) must not be committed"
        assert stamped_apart(runtime.changes()) == [
            (offset, change)
            for offset, change in stamped_apart(reference.changes())
            if change["offsets"][0] < position
        ]
    assert spawn(WORKER, data_dir, flag, 21, 0).wait(EXIT) == 0
    with EmbeddedRuntime(data_dir, extractor=LineExtractor()) as runtime:
        assert outcome(runtime) == expected


def test_a_worker_killed_at_random_moments_ends_as_if_never_killed(
    tmp_path: Path, data_dir: Path, spawn: Spawn
) -> None:
    items = corpus(60)
    published(data_dir, items)
    never = tmp_path / "never"
    never.touch()
    chance = random.Random(7)
    kills = 0
    with EmbeddedRuntime(data_dir, extractor=LineExtractor()) as watcher:
        for _attempt in range(4):
            start = watcher.log.committed("reduce", topics.EVENTS)
            worker = spawn(WORKER, data_dir, never, NO_CRASH, 0.005)
            while worker.poll() is None and watcher.log.committed("reduce", topics.EVENTS) == start:
                time.sleep(0.005)
            try:
                worker.wait(chance.uniform(0.0, 0.1))
            except subprocess.TimeoutExpired:
                worker.send_signal(signal.SIGKILL)
                kills += 1
            worker.wait(EXIT)
        assert kills >= 2, "the worker finished before it could be killed twice"
        assert spawn(WORKER, data_dir, never, NO_CRASH, 0).wait(EXIT) == 0
        assert outcome(watcher) == uninterrupted(tmp_path / "reference", items)
