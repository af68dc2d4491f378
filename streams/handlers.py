"""The step code both runtimes share: decode → :mod:`agents` → result or :class:`DeadLetter`.

A runtime (embedded or Kafka) only moves bytes between topics and stores;
every decision about a record is made here, once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from pydantic import ValidationError

from agents import reduce
from agents.extract import Extractor
from schemas import Article, Change, DeadLetter, Event
from schemas.base import validation_reason
from schemas.state import AllianceState, ZoneState

State = AllianceState | ZoneState
StateGetter = Callable[[str, str], State | None]


def decode_article(value: bytes, origin: str, max_bytes: int) -> Article | DeadLetter:
    """Parse an ``articles.raw`` record, or say in one line why it cannot be one."""
    if len(value) > max_bytes:
        return DeadLetter.of(origin, f"too large ({len(value)} bytes > {max_bytes})", value, "decode")
    try:
        return Article.loads(value)
    except orjson.JSONDecodeError as exc:
        return DeadLetter.of(origin, f"malformed JSON: {exc}", value, "decode")
    except ValidationError as exc:
        return DeadLetter.of(origin, f"schema violation: {validation_reason(exc)}", value, "decode")


def extract_article(
    value: bytes, origin: str, extractor: Extractor, max_bytes: int
) -> list[Event] | DeadLetter:
    """Decode one article record and extract its events."""
    article = decode_article(value, origin, max_bytes)
    if isinstance(article, DeadLetter):
        return article
    if article.copy_of is not None:
        return []  # a republished copy: kept on articles.raw as a mention, not an independent report
    try:
        return extractor.extract(article)
    except Exception as exc:  # one bad article must never stop the pipeline
        return DeadLetter.of(origin, f"extraction failed: {type(exc).__name__}: {exc}", value, "extract")


@dataclass
class Reduced:
    """New rows to store and the changes to publish, for one event."""

    rows: list[tuple[str, str, State]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def reduce_event(event: Event, get: StateGetter) -> Reduced:
    """Apply one event to every state row it touches; rows that did not change are left out."""
    out = Reduced()
    for table, key in reduce.keys(event):
        row = reduce_row(table, key, event, get(table, key))
        out.rows.extend(row.rows)
        out.changes.extend(row.changes)
    return out


def reduce_row(table: str, key: str, event: Event, state: State | None) -> Reduced:
    """Apply one event to the one row ``table[key]``: the step of a runtime that partitions rows by key."""
    after, changes = reduce.apply(table, state, event)
    return Reduced([(table, key, after)], changes) if changes else Reduced()
