"""Stand-ins for the embedded log's integration tests: a line-driven extractor, a crashing reducer, corpora.

The stand-in extractor reads events from plain lines, so tests control exactly
what each article yields; the reducer is always the real one. Child processes
import this module too (the repository is on their path).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from agents.extract import Extractor
from agents.outlets import originating
from agents.reduce.growth import Grown
from agents.reduce.step import Stepped
from schemas import Article, Change, Event, Evidence, PloverType
from streams.handlers import reduce_row
from streams.runtime.embedded import EXTRACT_BATCH, REDUCE_BATCH, EmbeddedRuntime


def crash_once(flag: Path) -> None:
    """Kill this process with SIGKILL, unless ``flag`` says it already happened once."""
    if not flag.exists():
        flag.touch()
        os.kill(os.getpid(), signal.SIGKILL)


class WithoutAssaults:
    """A stand-in for a new extractor version: the real one, minus every ASSAULT."""

    version = "no-assaults/1"

    def __init__(self, inner: Extractor) -> None:
        self.inner = inner

    def extract(self, item: Article) -> list[Event]:
        return [event for event in self.inner.extract(item) if event.type is not PloverType.ASSAULT]


class Revising:
    """A stand-in for a new extractor version: the real one, each event given the fields ``revise``
    returns for it (none: kept as it is; its id follows from its new fields) and stamped
    ``revising/1``."""

    version = "revising/1"

    def __init__(self, inner: Extractor, revise: Callable[[Event], dict[str, Any]]) -> None:
        self.inner = inner
        self.revise = revise

    def extract(self, item: Article) -> list[Event]:
        return [
            Event.model_validate(
                event.model_dump(exclude={"id"}) | self.revise(event) | {"extractor": self.version}
            )
            for event in self.inner.extract(item)
        ]


def seed_revisions(event: Event) -> dict[str, Any]:
    """What :class:`Revising` reads otherwise in the seeds: Israel's strike on Syria as one on Iran,
    the Iran-Turkey talks on Idlib of 2018-02-08 as cooperation, the Russia-Turkey agreement of
    2018-02-09 (no zone) a day later, and the US mobilisation with a confidence of 0.25."""
    said = (event.type, event.source, event.target, event.zone, event.date)
    if event.type is PloverType.ASSAULT and event.source == "ISR":
        return {"target": "IRN"}
    if said == (PloverType.CONSULT, "IRN", "TUR", "IDLIB", dt.date(2018, 2, 8)):
        return {"type": PloverType.COOPERATE}
    if said == (PloverType.AGREE, "RUS", "TUR", None, dt.date(2018, 2, 9)):
        return {"date": dt.date(2018, 2, 10)}
    if event.type is PloverType.MOBILIZE and event.source == "USA":
        return {"confidence": 0.25}
    return {}


class LineExtractor:
    """Reads each line ``SOURCE TYPE TARGET [ZONE]`` of an article as one event, credited to the
    outlet the article originates from (as the real extractor credits them).

    A line ``FAIL`` makes it raise. A line ``CRASH`` kills the process the first
    time it is read (see :func:`crash_once`), as a worker dying mid-batch would.
    """

    version = "lines/1"

    def __init__(self, crash_flag: Path | None = None, delay: float = 0.0) -> None:
        self.crash_flag = crash_flag
        self.delay = delay

    def extract(self, article: Article) -> list[Event]:
        time.sleep(self.delay)
        events, start = [], 0
        for line in article.text.splitlines(keepends=True):
            words = line.split()
            if words == ["FAIL"]:
                raise ValueError("unreadable line FAIL")
            if words == ["CRASH"] and self.crash_flag is not None:
                crash_once(self.crash_flag)
            if len(words) in (3, 4):
                events.append(
                    Event(
                        article_id=article.id,
                        type=PloverType(words[1]),
                        source=words[0],
                        target=words[2],
                        zone=words[3] if len(words) == 4 else None,
                        reported=article.published,
                        evidence=Evidence(text=line.strip(), start=start, end=start + len(line.rstrip())),
                        extractor=self.version,
                        outlet=originating(article),
                    )
                )
            start += len(line)
        return events


class CrashingReducer:
    """The real reducer, except that its ``at``-th call (one row of a batch) kills the process (once, see
    :func:`crash_once`)."""

    def __init__(self, crash_flag: Path, at: int) -> None:
        self.crash_flag = crash_flag
        self.at = at
        self.calls = 0

    def __call__(self, table: str, key: str, row: Grown | None, events: Sequence[Event]) -> Stepped | None:
        self.calls += 1
        if self.calls == self.at:
            crash_once(self.crash_flag)
        return reduce_row(table, key, row, events)


def article(article_id: str, *lines: str, published: str = "2026-01-05") -> bytes:
    """An article's JSON whose text is ``lines``, one per line."""
    return Article(id=article_id, text="\n".join(lines), published=dt.date.fromisoformat(published)).dumps()


ACTORS = ("USA", "RUS", "UKR", "TUR", "IRN", "SYR")
KINDS = ("AID", "COOPERATE", "ASSAULT", "ACCUSE", "CONSULT", "THREATEN")
ZONES = ("Z-NORTH", "Z-EAST", "Z-SOUTH")


def corpus(count: int, crash_at: int | None = None) -> list[tuple[str, bytes]]:
    """``count`` articles of two or three events each over a few actors and zones, as publish items.

    With ``crash_at``, that article also carries a ``CRASH`` line.
    """
    items = []
    for n in range(count):
        lines = [
            f"{ACTORS[n % 6]} {KINDS[n % 6]} {ACTORS[(n + 1 + n // 6) % 6]}",
            f"{ACTORS[(n + 2) % 6]} {KINDS[(n + 3) % 6]} {ACTORS[(n + 4) % 6]} {ZONES[n % 3]}",
        ]
        if n % 3 == 0:
            lines.append(f"{ACTORS[(n + 5) % 6]} ASSAULT {ACTORS[n % 6]} {ZONES[(n + 1) % 3]}")
        if n == crash_at:
            lines.insert(1, "CRASH")
        day = f"2026-01-{1 + n % 28:02d}"
        items.append((f"corpus.jsonl:{n + 1}", article(f"a{n:04d}", *lines, published=day)))
    return items


def outcome(runtime: EmbeddedRuntime) -> dict[str, object]:
    """Everything a run produced except wall-clock stamps, to compare two runs of the same input however
    their batches fell (a change is one event's, and they go out in the order of their events)."""
    return {
        "events": [event.model_dump() for event in runtime.events()],
        "changes": stamped_apart(runtime.changes()),
        "state": {
            table: [row.model_dump() for row in runtime.state(table)] for table in ("alliances", "zones")
        },
        "dead_letters": [(dead.input, dead.reason) for dead in runtime.dead_letters()],
        "positions": runtime.log.positions(),
    }


def stamped_apart(changes: list[tuple[int, Change]]) -> list[tuple[int, dict[str, object]]]:
    """``(offset, change)`` pairs with the wall-clock stamp of each change left out."""
    return [(offset, change.model_dump(exclude={"ingested_at"})) for offset, change in changes]


def uninterrupted(
    data_dir: Path,
    items: list[tuple[str, bytes]],
    extract_batch: int = EXTRACT_BATCH,
    reduce_batch: int = REDUCE_BATCH,
) -> dict[str, object]:
    """The :func:`outcome` of publishing ``items`` and running to the end in one go, in batches of
    the sizes given."""
    with EmbeddedRuntime(
        data_dir, extractor=LineExtractor(), extract_batch=extract_batch, reduce_batch=reduce_batch
    ) as runtime:
        runtime.publish_articles(items)
        runtime.run_until_idle()
        return outcome(runtime)
