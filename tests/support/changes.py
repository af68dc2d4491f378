"""The change records of the bundled seeds, which every runtime must make alike, and their golden file.

``tests/data/seeds.changes.jsonl`` holds the changes the seeds make (all fields but ``ingested_at``
and ``offsets``, which say where and when a runtime read each event), row by row, each row's in the
order made. Regenerate it only when the reduce rules change on purpose, and read the diff::

    python -m tests.support.changes
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import orjson

from agents.extract import DEFAULT_MODEL, load_extractor
from schemas import Change
from schemas.change import Headline
from streams.config import Settings
from streams.log.memory import MemoryLog
from streams.runtime.base import Runtime
from streams.runtime.embedded import EmbeddedRuntime

DATA = Path(__file__).parents[1] / "data"
SEEDS = DATA / "seeds" / "seeds.jsonl"
GOLDEN = DATA / "seeds.changes.jsonl"
STAMPS = frozenset({"ingested_at", "offsets"})
"""The fields of a change that say where and when a runtime read its event."""


def seed_items() -> list[tuple[str, bytes]]:
    """The seed articles as publish items (origin, JSON)."""
    lines = SEEDS.read_bytes().splitlines()
    return [(f"{SEEDS.name}:{number}", line) for number, line in enumerate(lines, 1) if line.strip()]


def publish_one_by_one(runtime: Runtime) -> None:
    """Publish the seeds one article at a time, processing each until the runtime is idle: so every
    row receives the articles in the order of the seeds on every runtime (on Kafka, articles published
    together may reach a row in either order: see the conformance test)."""
    for item in seed_items():
        runtime.publish_articles([item])
        runtime.run_until_idle()


def records(runtime: Runtime) -> list[dict[str, Any]]:
    """The runtime's changes without their :data:`STAMPS`, as JSON: rows sorted by table and key, each
    row's changes in the order the runtime made them."""
    changes = [change for _offset, change in runtime.changes()]
    changes.sort(key=lambda change: (change.table, change.key))  # stable: a row's changes keep their order
    return [orjson.loads(change.model_dump_json(exclude=set(STAMPS))) for change in changes]


def golden() -> list[dict[str, Any]]:
    """The records of :data:`GOLDEN`."""
    return [orjson.loads(line) for line in GOLDEN.read_bytes().splitlines()]


def adds(change: Change) -> bool:
    """Whether ``change`` adds an event to its row (else it is a re-extraction's, of an event held)."""
    return held(change.before) < held(change.after)


def held(headline: Headline | None) -> int:
    """How many events a headline says its row holds."""
    return 0 if headline is None else headline.events


def main() -> None:
    """Write :data:`GOLDEN` from the embedded runtime, in memory, with the default extractor."""
    with tempfile.TemporaryDirectory() as name:
        home = Path(name)
        runtime = EmbeddedRuntime(
            home, Settings(home=home), extractor=load_extractor(DEFAULT_MODEL), store=MemoryLog(home)
        )
        with runtime:
            publish_one_by_one(runtime)
            lines = [orjson.dumps(record, option=orjson.OPT_SORT_KEYS) for record in records(runtime)]
    GOLDEN.write_bytes(b"".join(line + b"\n" for line in lines))
    print(f"wrote {len(lines)} changes to {GOLDEN}")


if __name__ == "__main__":
    main()
