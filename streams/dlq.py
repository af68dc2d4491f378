"""Dead letters as a work queue, on either runtime: list them by offset, show one, replay them.

Replaying a dead letter re-publishes its original value (kept whole by :meth:`DeadLetter.of` up to
:data:`~schemas.dead_letter.ORIGINAL_LIMIT` bytes) to the topic of the stage that rejected it, once
it passes the checks that stage makes on arrival, and marks its offset replayed on
``articles.dlq.replayed``. A dead letter marked replayed is not replayed again; one re-published but
not yet marked (a replay stopped in between) is harmless to replay, for the log is idempotent: an
article is published once by id, an event is counted once by id.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from schemas import DeadLetter, Event
from streams import handlers, topics
from streams.runtime.base import RawRecord, Runtime

TARGETS = {
    "ingest": topics.ARTICLES,
    "decode": topics.ARTICLES,
    "extract": topics.ARTICLES,
    "route": topics.EVENTS,
    "reduce": topics.EVENTS,
}
"""The topic whose stage made a dead letter of each stage's rejections."""
ORIGIN = "origin"
"""The header of an ``articles.raw`` record naming where the article came from."""


class UnknownOffset(ValueError):
    """An offset that is not a number, or names no dead letter."""


@dataclass(frozen=True)
class Entry:
    """One dead letter, at its ``articles.dlq`` offset."""

    offset: int
    dead: DeadLetter
    replayed: bool

    def summary(self) -> dict[str, Any]:
        """What ``dlq list`` shows of it."""
        received = self.dead.received_at
        return {
            "offset": self.offset,
            "received_at": None if received is None else received.isoformat(),
            "stage": self.dead.stage,
            "input": self.dead.input,
            "reason": self.dead.reason,
            "replayed": self.replayed,
        }

    def line(self) -> str:
        """One line of ``dlq list``."""
        item = self.summary()
        mark = " replayed" if self.replayed else ""
        return (
            f"{self.offset} {item['received_at'] or '-'} stage={self.dead.stage}"
            f" input={self.dead.input} reason={self.dead.reason}{mark}"
        )

    def record(self) -> dict[str, Any]:
        """The whole record, its original value as text when it is UTF-8, else as base64 (said so)."""
        record = self.dead.model_dump(mode="json", exclude={"original"})
        return {**record, "offset": self.offset, "replayed": self.replayed, "original": shown(self.dead)}


def shown(dead: DeadLetter) -> dict[str, Any] | None:
    """The original value of ``dead`` shown safely: ``{"encoding": "utf-8" | "base64", "value": ...}``."""
    raw = dead.original_bytes()
    if raw is None:
        return None
    try:
        return {"encoding": "utf-8", "value": raw.decode()}
    except UnicodeDecodeError:
        return {"encoding": "base64", "value": base64.b64encode(raw).decode()}


def entries(runtime: Runtime) -> list[Entry]:
    """Every dead letter, in log order."""
    replayed = runtime.replayed()
    return [Entry(offset, dead, offset in replayed) for offset, dead in runtime.dead_letter_records()]


def parse_offsets(texts: Iterable[str]) -> list[int]:
    """Offsets given as text; one that is not a whole number is :class:`UnknownOffset`."""
    out = []
    for text in texts:
        if not (str(text).isascii() and str(text).isdigit()):
            raise UnknownOffset(f"input={text} reason=not an offset of articles.dlq (a whole number)")
        out.append(int(text))
    return out


def chosen(runtime: Runtime, offsets: Iterable[int]) -> list[Entry]:
    """The dead letters at ``offsets``, each checked before any is used; none given: every one not
    yet replayed."""
    known = {entry.offset: entry for entry in entries(runtime)}
    wanted = list(offsets)
    if not wanted:
        return [entry for entry in known.values() if not entry.replayed]
    for offset in wanted:
        if offset not in known:
            raise UnknownOffset(f"input={offset} reason=no dead letter at this offset of articles.dlq")
    return [known[offset] for offset in dict.fromkeys(wanted)]


class StillRejected(ValueError):
    """A dead letter's value that the checks of its stage still refuse."""


@dataclass(frozen=True)
class Outcome:
    """What replaying one dead letter did."""

    offset: int
    result: str
    """``replayed``, ``skipped`` (already replayed), ``rejected`` (still failing) or ``unreplayable``."""
    detail: str

    def line(self) -> str:
        return f"offset={self.offset} {self.result}: {self.detail}"

    def as_dict(self) -> dict[str, Any]:
        return {"offset": self.offset, "result": self.result, "detail": self.detail}

    def note(self, at: str) -> dict[str, Any]:
        """The value of the mark of a replayed dead letter, made at ``at``."""
        return {"offset": self.offset, "at": at, "detail": self.detail}


def replay(runtime: Runtime, offsets: Iterable[int] = ()) -> list[Outcome]:
    """Replay the dead letters at ``offsets`` (all not yet replayed when none), in order.

    The values to re-publish go out in one :meth:`~streams.runtime.base.Runtime.publish_records`
    call, and the marks of the replayed ones in a second, once the values are on the log.
    """
    planned = [_planned(runtime, entry) for entry in chosen(runtime, offsets)]
    runtime.publish_records(record for _outcome, record in planned if record is not None)
    now = dt.datetime.now(dt.UTC).isoformat()
    runtime.publish_records(
        RawRecord(topics.DLQ_REPLAYED, str(outcome.offset).encode(), orjson.dumps(outcome.note(now)))
        for outcome, _record in planned
        if outcome.result == "replayed"
    )
    return [outcome for outcome, _record in planned]


def _planned(runtime: Runtime, entry: Entry) -> tuple[Outcome, RawRecord | None]:
    """What replaying one dead letter does, and the record it re-publishes where its stage reads
    (``None``: nothing, or an article published already, as new)."""
    dead, offset = entry.dead, entry.offset
    if entry.replayed:
        return Outcome(offset, "skipped", "already replayed, nothing published"), None
    target, value = TARGETS.get(dead.stage), dead.original_bytes()
    if target is None or value is None:
        why = f"stage {dead.stage} reads no topic" if target is None else "its original value was not kept"
        return Outcome(offset, "unreplayable", why), None
    publish = _article if target == topics.ARTICLES else _event
    try:
        detail, record = publish(runtime, dead, value)
    except StillRejected as exc:
        return Outcome(offset, "rejected", f"still rejected: {exc}"), None
    return Outcome(offset, "replayed", detail), record


def _article(runtime: Runtime, dead: DeadLetter, value: bytes) -> tuple[str, RawRecord | None]:
    """An article again: one the extract stage failed goes back on ``articles.raw`` as it is (it was
    published); any other is published as new here, unless an article of its id is there."""
    now = dt.datetime.now(dt.UTC)
    article = handlers.decode_article(value, dead.input, runtime.settings.max_article_bytes, now)
    if isinstance(article, DeadLetter):
        raise StillRejected(article.reason)
    if dead.stage == "extract":
        record = RawRecord(topics.ARTICLES, article.id.encode(), value, [(ORIGIN, dead.input.encode())])
        return f"article {article.id} published to {topics.ARTICLES} for extraction", record
    result = runtime.publish_articles([(dead.input, value)])
    if result.duplicates:
        return f"article {article.id} already on {topics.ARTICLES}, nothing published", None
    return f"article {article.id} published to {topics.ARTICLES}", None


def _event(_runtime: Runtime, _dead: DeadLetter, value: bytes) -> tuple[str, RawRecord]:
    """An event again, to ``events`` keyed by its article; the reduce stage counts it once."""
    try:
        event = Event.loads(value)
    except ValueError as exc:
        raise StillRejected(handlers.undecodable_event(exc)) from exc
    record = RawRecord(topics.EVENTS, event.article_id.encode(), value)
    return f"event {event.id} published to {topics.EVENTS}", record
