"""The step code both runtimes share: decode → :mod:`agents` → result or :class:`DeadLetter`.

A runtime (embedded or Kafka) only moves bytes between topics and stores;
every decision about a record is made here, once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson
from pydantic import ValidationError

from agents import reduce
from agents.extract import BatchExtractor, Extractor
from agents.reduce.corrections import Corrections, Effect, corrected_row, correction_change
from agents.reduce.step import Stepped
from agents.reduce.tables import Held
from schemas import Article, Change, DeadLetter, Event
from schemas.base import validation_reason
from schemas.correction import Correction
from streams.ingest.dedupe import content_hash

ArticleRecord = tuple[bytes | None, str, dt.datetime]
"""An ``articles.raw`` record's value (``None``: a tombstone), where it came from, when it was received."""

NULL_VALUE = "null value (a tombstone), not a record to process"
"""Why a record with no value (a Kafka tombstone) is rejected, on every topic a stage reads."""

EARLIEST_PUBLISHED = dt.date(1900, 1, 1)
CLOCK_SKEW = dt.timedelta(days=1)
"""How far past the time of ingest a published date may lie (the publisher's time zone may be ahead)."""


def published_problem(published: dt.date | None, received_at: dt.datetime) -> str | None:
    """Why ``published`` cannot be the date of an article received at ``received_at``, if it cannot."""
    if published is None:
        return None
    if published > (received_at + CLOCK_SKEW).date():
        return f"published date {published} is after the time of ingest ({received_at:%Y-%m-%dT%H:%M:%SZ})"
    if published < EARLIEST_PUBLISHED:
        return f"published date {published} is before {EARLIEST_PUBLISHED}"
    return None


def decode_article(
    value: bytes | None, origin: str, max_bytes: int, received_at: dt.datetime
) -> Article | DeadLetter:
    """Parse an ``articles.raw`` record received at ``received_at``, or say in one line why it
    cannot be one (a published date after the time of ingest or before 1900 is a reason)."""
    if value is None:
        return DeadLetter.of(origin, NULL_VALUE, value, "decode")
    if not value:
        return DeadLetter.of(origin, "empty value", value, "decode")
    if len(value) > max_bytes:
        return DeadLetter.of(origin, f"too large ({len(value)} bytes > {max_bytes})", value, "decode")
    try:
        article = Article.loads(value)
    except orjson.JSONDecodeError as exc:
        return DeadLetter.of(origin, f"malformed JSON: {_not_json(value, exc)}", value, "decode")
    except ValidationError as exc:
        return DeadLetter.of(origin, f"schema violation: {validation_reason(exc)}", value, "decode")
    if problem := published_problem(article.published, received_at):
        return DeadLetter.of(origin, problem, value, "decode")
    return article


def undecodable_event(error: ValueError) -> str:
    """Why a record of events does not decode, in one line."""
    return f"undecodable event: {type(error).__name__}: {_detail(error)}"


def _detail(error: ValueError) -> str:
    """What is wrong with a record that does not decode: its schema violation, else the error."""
    return validation_reason(error) if isinstance(error, ValidationError) else str(error)


def _extraction_failed(error: Exception) -> str:
    """Why an article's extraction failed, in one line."""
    return f"extraction failed: {type(error).__name__}: {error}"


def _not_json(value: bytes, error: orjson.JSONDecodeError) -> str:
    """Why ``value`` is not JSON: where it is not UTF-8, else the parser's message."""
    try:
        value.decode()
    except UnicodeDecodeError as exc:
        return f"invalid UTF-8 at byte {exc.start}"
    return str(error)


def route_event(
    value: bytes | None, origin: str, corrections: Corrections | None = None
) -> list[str] | DeadLetter:
    """Decode an ``events`` record and name the rows (``table:key``) it goes to, or say why it cannot:
    those of the event as logged, and those of the event as ``corrections`` leave it (where the
    reduce step takes it)."""
    if value is None:
        return DeadLetter.of(origin, NULL_VALUE, value, "route")
    try:
        event = Event.loads(value)
    except ValueError as exc:  # malformed JSON or a schema violation
        return DeadLetter.of(origin, undecodable_event(exc), value, "route")
    live = None if corrections is None else corrections.event(event)
    rows = reduce.keys(event) + ([] if live is None or live is event else reduce.keys(live))
    return [f"{table}:{key}" for table, key in dict.fromkeys(rows)]


def extract_article(record: ArticleRecord, extractor: Extractor, max_bytes: int) -> list[Event] | DeadLetter:
    """Decode one article record and extract its events."""
    return extract_articles([record], extractor, max_bytes)[0]


def extract_articles(
    records: Sequence[ArticleRecord], extractor: Extractor, max_bytes: int
) -> list[list[Event] | DeadLetter]:
    """Decode article records and extract their events, all at once when the extractor can; an
    article that fails is retried alone, so that only it goes to the dead letters."""
    out: list[list[Event] | DeadLetter] = []
    todo: list[tuple[int, Article]] = []
    for value, origin, received_at in records:
        article = decode_article(value, origin, max_bytes, received_at)
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
        value, origin, _received = records[k]
        try:
            out[k] = extractor.extract(article)
        except Exception as exc:  # one bad article must never stop the pipeline
            out[k] = DeadLetter.of(origin, _extraction_failed(exc), value, "extract")
    return out


def _together(extractor: Extractor, articles: list[Article]) -> list[list[Event]] | None:
    """Every article's events from one batch, or None when there is no batch to make or it failed."""
    if not isinstance(extractor, BatchExtractor) or len(articles) < 2:
        return None
    try:
        return extractor.extract_many(articles)
    except Exception:  # the caller extracts article by article, to tell which one fails
        return None


def reduce_row(table: str, key: str, row: Held | None, events: Sequence[Event]) -> Stepped | None:
    """Grow the one row ``table[key]`` (``None``: not held yet) by ``events``, all of them its own, one
    at a time in the order given: the reduce step of both runtimes. The row, its changes (one for each
    event new to the row, and one for each re-extraction that changed the row's summary, in the order
    of the events) and the facts the events added or changed (the record of facts a store appends);
    ``None`` when the events change none of its facts (see :func:`agents.reduce.step`)."""
    return reduce.step(table, key, row, events)


def stamped(changes: Sequence[Change], carriers: Iterable[tuple[Event, dt.datetime, int]]) -> list[Change]:
    """``changes`` stamped each with where its event was read: ``carriers`` gives the events with the
    time and offset of the record that carried them (of an event carried twice, the first)."""
    carried: dict[str, tuple[dt.datetime, int]] = {}
    for event, received, offset in carriers:
        carried.setdefault(event.id, (received, offset))
    out = []
    for change in changes:
        received, offset = carried[change.event_ids[0]]
        out.append(change.model_copy(update={"ingested_at": received, "offsets": (offset,)}))
    return out


def correction_rows(
    value: bytes | None, origin: str, corrections: Corrections, logged: Iterable[Event]
) -> tuple[Correction, Effect] | DeadLetter:
    """Decode a ``corrections`` record, take it into ``corrections`` (those logged before it) and say
    what it does to the rows, given every ``logged`` event; or say why it cannot be applied."""
    if value is None:
        return DeadLetter.of(origin, NULL_VALUE, value, "correct")
    try:
        correction = Correction.loads(value)
    except ValueError as exc:  # malformed JSON or a schema violation
        return DeadLetter.of(origin, f"undecodable correction: {_detail(exc)}", value, "correct")
    try:
        return correction, corrections.take(correction, logged)
    except ValueError as exc:  # an override whose values its event cannot take
        return DeadLetter.of(origin, f"correction {correction.id} cannot apply: {exc}", value, "correct")


REVISION = "revision"
"""The header of an ``articles.raw`` record that is a new version of an article, naming its revision:
the revision logged its events with it, so the extract stage leaves it alone."""


def new_version(published: Article | None, article: Article) -> bool:
    """Whether ``article`` is a new version of the article ``published`` under its id (another text,
    spacing and case aside)."""
    return published is not None and content_hash(published.text) != content_hash(article.text)


def revised(
    article: Article, origin: str, extractor: Extractor, by: str, at: dt.datetime
) -> tuple[Article, list[Event], Correction] | DeadLetter:
    """A new version of an article from ``origin`` (no copy of itself), its events and the revision
    that makes them the article's (made by ``by`` at ``at``); or the dead letter of an article the
    extractor fails on."""
    if article.copy_of == article.id:
        article = article.model_copy(update={"copy_of": None})
    try:
        events = [] if article.copy_of is not None else extractor.extract(article)  # a copy yields none
    except Exception as exc:  # one bad article must never stop the pipeline
        return DeadLetter.of(origin, _extraction_failed(exc), article.dumps(), "extract")
    correction = Correction.made(
        "revision",
        article.id,
        by=by,
        reason=f"a new version of the article came from {origin}",
        at=at,
        events=tuple(sorted({event.id for event in events})),
    )
    return article, events, correction


@dataclass(frozen=True)
class Corrected:
    """A row a correction concerned, built again (``None``: no fact left), and the change it made."""

    row: Held | None
    change: Change


def correct_row(
    table: str, key: str, row: Held | None, correction: Correction, effect: Effect
) -> Corrected | None:
    """The row ``table[key]`` (``None``: not held) as ``correction`` leaves it (its :class:`Effect`):
    the correct step of both runtimes. ``None`` when the correction changes none of its facts."""
    after = corrected_row(table, key, row, effect.gone, effect.come)
    change = correction_change(table, key, row, after, correction, effect.gone)
    return None if change is None else Corrected(after, change)
