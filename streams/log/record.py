"""A record of a topic and its timestamps, as every log store keeps them."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

Headers = dict[str, str]
Items = Iterable[tuple[str | None, bytes]]
"""Records to append: ``(key, value)`` pairs."""


def now_ms() -> int:
    """The wall clock in milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


def timestamp(ts: int) -> dt.datetime:
    """A record timestamp (milliseconds since the epoch) as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(ts / 1000, tz=dt.UTC)


def record_ms(when: dt.datetime) -> int:
    """A time as a record timestamp (milliseconds since the epoch); a naive ``when`` is UTC."""
    return int((when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class Record:
    """One record of a topic."""

    topic: str
    offset: int
    key: str | None
    value: bytes
    ts: int
    headers: Headers = field(default_factory=dict)

    @property
    def timestamp(self) -> dt.datetime:
        """``ts`` as an aware UTC datetime."""
        return timestamp(self.ts)

    @property
    def origin(self) -> str:
        """Where the record is, in the form error lines use: ``topic@offset``."""
        return f"{self.topic}@{self.offset}"
