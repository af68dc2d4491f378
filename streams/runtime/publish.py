"""Publishing what the readers of :mod:`streams.ingest` yield, through either runtime, in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from schemas import DeadLetter
from streams.ingest import Item
from streams.runtime.base import Runtime

BATCH = 500


@dataclass
class IngestSummary:
    """What one ingest did with its inputs."""

    read: int = 0
    published: int = 0
    duplicates: int = 0
    rejected: list[DeadLetter] = field(default_factory=list)

    def add(self, other: IngestSummary) -> None:
        """Fold another summary into this one."""
        self.read += other.read
        self.published += other.published
        self.duplicates += other.duplicates
        self.rejected.extend(other.rejected)

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "published": self.published,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
            "errors": [dl.line() for dl in self.rejected],
        }


def ingest_items(
    runtime: Runtime, items: Iterable[Item], on_read: Callable[[IngestSummary], None] | None = None
) -> IngestSummary:
    """Publish every article to ``articles.raw`` in batches; dead letters go to ``articles.dlq``.

    ``on_read`` is told the summary so far after each item read.
    """
    summary = IngestSummary()
    batch: list[tuple[str, bytes]] = []

    def flush() -> None:
        result = runtime.publish_articles(batch)
        summary.published += result.published
        summary.duplicates += result.duplicates
        summary.rejected.extend(result.dead_letters)
        batch.clear()

    for origin, item in items:
        summary.read += 1
        if isinstance(item, DeadLetter):
            runtime.publish_dead_letter(item)
            summary.rejected.append(item)
        else:
            batch.append((origin, item.dumps()))
            if len(batch) >= BATCH:
                flush()
        if on_read is not None:
            on_read(summary)
    if batch:
        flush()
    return summary
