"""What a run of the stages did, on either runtime, and the fault that stops one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RunStats:
    """What the stages did: records read and written, summed over batches."""

    articles: int = 0
    events: int = 0
    dead_letters: int = 0
    reduced: int = 0
    changes: int = 0
    batches: int = 0

    def __add__(self, other: RunStats) -> RunStats:
        return RunStats(
            self.articles + other.articles,
            self.events + other.events,
            self.dead_letters + other.dead_letters,
            self.reduced + other.reduced,
            self.changes + other.changes,
            self.batches + other.batches,
        )

    def __str__(self) -> str:
        return (
            f"{self.articles} articles → {self.events} events ({self.dead_letters} dead letters); "
            f"{self.reduced} events reduced → {self.changes} changes"
        )


class WorkerCrashed(RuntimeError):
    """A stage of a running worker raised past its handling of a record; the message says which and why."""
