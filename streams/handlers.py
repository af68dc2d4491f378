"""The step code both runtimes share: decode → :mod:`agents` → result or :class:`DeadLetter`.

A runtime (embedded or Kafka) only moves bytes between topics and stores;
every decision about a record is made here, once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import orjson
from pydantic import ValidationError

from agents import reduce
from agents.extract import BatchExtractor, Extractor
from schemas import Article, Change, DeadLetter, Event
from schemas.base import validation_reason
from schemas.state import AllianceState, ZoneState

State = AllianceState | ZoneState
StateGetter = Callable[[str, str], State | None]
NULL_VALUE = "null value (a tombstone), not a record to process"
"""Why a record with no value (a Kafka tombstone) is rejected, on every topic a stage reads."""


def decode_article(value: bytes | None, origin: str, max_bytes: int) -> Article | DeadLetter:
    """Parse an ``articles.raw`` record, or say in one line why it cannot be one."""
    if value is None:
        return DeadLetter.of(origin, NULL_VALUE, value, "decode")
    if not value:
        return DeadLetter.of(origin, "empty value", value, "decode")
    if len(value) > max_bytes:
        return DeadLetter.of(origin, f"too large ({len(value)} bytes > {max_bytes})", value, "decode")
    try:
        return Article.loads(value)
    except orjson.JSONDecodeError as exc:
        return DeadLetter.of(origin, f"malformed JSON: {_not_json(value, exc)}", value, "decode")
    except ValidationError as exc:
        return DeadLetter.of(origin, f"schema violation: {validation_reason(exc)}", value, "decode")


def undecodable_event(error: ValueError) -> str:
    """Why a record of events does not decode, in one line."""
    detail = validation_reason(error) if isinstance(error, ValidationError) else str(error)
    return f"undecodable event: {type(error).__name__}: {detail}"


def _not_json(value: bytes, error: orjson.JSONDecodeError) -> str:
    """Why ``value`` is not JSON: where it is not UTF-8, else the parser's message."""
    try:
        value.decode()
    except UnicodeDecodeError as exc:
        return f"invalid UTF-8 at byte {exc.start}"
    return str(error)


def extract_article(
    value: bytes | None, origin: str, extractor: Extractor, max_bytes: int
) -> list[Event] | DeadLetter:
    """Decode one article record and extract its events."""
    return extract_articles([(value, origin)], extractor, max_bytes)[0]


def extract_articles(
    records: Sequence[tuple[bytes | None, str]], extractor: Extractor, max_bytes: int
) -> list[list[Event] | DeadLetter]:
    """Decode article records and extract their events, all at once when the extractor can; an
    article that fails is retried alone, so that only it goes to the dead letters."""
    out: list[list[Event] | DeadLetter] = []
    todo: list[tuple[int, Article]] = []
    for value, origin in records:
        article = decode_article(value, origin, max_bytes)
        if not isinstance(article, DeadLetter) and article.copy_of is None:
            todo.append((len(out), article))
        # a republished copy stays on articles.raw as a mention, not an independent report
        out.append(article if isinstance(article, DeadLetter) else [])
    together = _together(extractor, [article for _, article in todo])
    if together is not None:
        for (k, _), events in zip(todo, together, strict=True):
            out[k] = events
        return out
    for k, article in todo:
        value, origin = records[k]
        try:
            out[k] = extractor.extract(article)
        except Exception as exc:  # one bad article must never stop the pipeline
            out[k] = DeadLetter.of(
                origin, f"extraction failed: {type(exc).__name__}: {exc}", value, "extract"
            )
    return out


def _together(extractor: Extractor, articles: list[Article]) -> list[list[Event]] | None:
    """Every article's events from one batch, or None when there is no batch to make or it failed."""
    if not isinstance(extractor, BatchExtractor) or len(articles) < 2:
        return None
    try:
        return extractor.extract_many(articles)
    except Exception:  # the caller extracts article by article, to tell which one fails
        return None


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
