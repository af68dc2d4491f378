"""Corrections of the record (:class:`~schemas.correction.Correction`) applied to events and rows.

The live events are the logged ones corrected: an event of a retracted article is no longer one,
nor is an event of a revised article that its last version does not hold, and an override drops an
event or sets some of its fields (the last override of an event is the one that holds). Every path
that reduces or folds takes its events through :meth:`Corrections.events`, and a row a new
correction concerns is built again whole from its remaining facts (:func:`corrected_row`): a rare
event, so the row's history is read once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from agents.reduce.facts import canonical, fact
from agents.reduce.rows import keys
from agents.reduce.tables import Held, grown
from schemas.base import validation_reason
from schemas.change import Change, Headline
from schemas.correction import Correction
from schemas.event import Event
from schemas.ids import digest

EMPTIABLE = frozenset({"target", "zone", "date"})
"""The fields an override may empty (an empty text sets them to none)."""


@dataclass(frozen=True)
class Effect:
    """What a correction does to the rows: the facts of the events ``gone`` leave the ``rows``,
    and those of the events ``come`` (their corrected versions) enter them."""

    gone: frozenset[str]
    come: tuple[Event, ...]
    rows: tuple[tuple[str, str], ...]


class Corrections:
    """The corrections of a log up to some point, in the order logged."""

    def __init__(self, corrections: Iterable[Correction] = ()) -> None:
        self.retracted: dict[str, Correction] = {}
        """The retraction of each retracted article, by article id."""
        self.overrides: dict[str, Correction] = {}
        """The override that holds of each overridden event, by event id."""
        self.revised: dict[str, frozenset[str]] = {}
        """The events of the last version of each revised article, by article id."""
        self.logged: list[Correction] = []
        self._ids: set[str] = set()
        for correction in corrections:
            self.add(correction)

    def add(self, correction: Correction) -> None:
        """Take in a correction logged after those held (one held already changes nothing)."""
        if correction.id in self._ids:
            return
        self._ids.add(correction.id)
        self.logged.append(correction)
        if correction.kind == "retraction":
            self.retracted.setdefault(correction.target, correction)
        elif correction.kind == "revision":
            self.revised[correction.target] = frozenset(correction.events)
        else:
            self.overrides[correction.target] = correction

    def event(self, event: Event) -> Event | None:
        """``event`` as corrected: ``None`` when its article is retracted, the last version of its
        revised article does not hold it, or an override drops it. An override whose values the
        event cannot take (refused when made: one written by another producer) leaves it as
        logged; the correct stage dead-letters it."""
        if event.article_id in self.retracted:
            return None
        if (version := self.revised.get(event.article_id)) is not None and event.id not in version:
            return None
        override = self.overrides.get(event.id)
        if override is None:
            return event
        try:
            return overridden(event, override)
        except ValueError:
            return event

    def events(self, events: Iterable[Event]) -> list[Event]:
        """The corrected ``events`` that remain, in the order given."""
        return [live for event in events if (live := self.event(event)) is not None]

    def take(self, correction: Correction, logged: Iterable[Event]) -> Effect:
        """Take in ``correction``, logged after those held, and say what it does to the ``logged``
        events (every event of the log, as logged)."""
        concerned = [event for event in logged if concerns(correction, event)]
        if correction.kind == "override":
            for event in concerned:
                overridden(event, correction)  # raises when the event cannot take its values
        was = self.events(concerned)
        self.add(correction)
        now = self.events(concerned)
        ids = frozenset(event.id for event in concerned)
        return Effect(ids, tuple(now), tuple(rows_of([*concerned, *was, *now])))

    def of_row(self, table: str, key: str, logged: Iterable[Event]) -> list[Correction]:
        """The corrections of events that go, or went, to the row ``table[key]`` (as logged, or as an
        override sets them), in the order logged: what an audit of the row shows beside its facts."""
        events = list(logged)
        out = []
        for correction in self.logged:
            for event in events:
                if not concerns(correction, event):
                    continue
                versions = (
                    [event] if correction.kind != "override" else [event, self._overridden(event, correction)]
                )
                if any(version is not None and (table, key) in keys(version) for version in versions):
                    out.append(correction)
                    break
        return out

    @staticmethod
    def _overridden(event: Event, correction: Correction) -> Event | None:
        try:
            return overridden(event, correction)
        except ValueError:
            return None


def concerns(correction: Correction, event: Event) -> bool:
    """Whether ``correction`` corrects ``event`` (retracts or revises its article, or overrides it)."""
    return correction.target == (event.id if correction.kind == "override" else event.article_id)


def overridden(event: Event, correction: Correction) -> Event | None:
    """``event`` with the override ``correction`` applied: ``None`` when it drops the event.

    Raises :class:`ValueError` naming the field when a value set is not one the field takes."""
    if correction.drop:
        return None
    values = event.model_dump(mode="json")
    for name, text in correction.set.items():
        if not text.strip() and name not in EMPTIABLE:
            raise ValueError(f"{name} must not be empty")
        values[name] = text.strip() or None
    try:
        return Event.model_validate(values)
    except ValidationError as exc:
        raise ValueError(validation_reason(exc)) from exc


@dataclass(frozen=True)
class Refusal:
    """Why a correction cannot be logged, in one line; ``unknown`` when its target is not known."""

    reason: str
    unknown: bool = False


def refusal(
    correction: Correction, corrections: Corrections, article_known: bool, logged: Sequence[Event]
) -> Refusal | None:
    """Why ``correction`` cannot be logged after ``corrections``, if it cannot: ``article_known``
    says whether its target article was published (for a retraction), ``logged`` holds the events
    it may target (for an override)."""
    target = correction.target
    if correction.kind == "revision":
        return None if article_known else Refusal(f"unknown article {target}", unknown=True)
    if correction.kind == "retraction":
        if not article_known:
            return Refusal(f"unknown article {target}", unknown=True)
        if (earlier := corrections.retracted.get(target)) is not None:
            return Refusal(
                f"article {target} is already retracted (by {earlier.by} at {earlier.at.isoformat()})"
            )
        return None
    event = next((event for event in logged if event.id == target), None)
    if event is None:
        return Refusal(f"unknown event {target}", unknown=True)
    if (retraction := corrections.retracted.get(event.article_id)) is not None:
        return Refusal(f"event {target} is of the retracted article {event.article_id} (by {retraction.by})")
    try:
        overridden(event, correction)
    except ValueError as exc:
        return Refusal(f"cannot set {', '.join(correction.set)}: {exc}")
    return None


def rows_of(events: Iterable[Event]) -> list[tuple[str, str]]:
    """Every row one of ``events`` goes to, sorted by table and key."""
    return sorted({row for event in events for row in keys(event)})


def corrected_row(
    table: str, key: str, row: Held | None, gone: Collection[str], come: Sequence[Event]
) -> Held | None:
    """The row ``table[key]`` with the facts of the events ``gone`` taken out and those of ``come``
    that go to it put in, built whole (``None``: no fact left)."""
    facts = [item for item in (() if row is None else row.state.facts) if item.event_id not in gone]
    facts.extend(fact(event) for event in come if (table, key) in keys(event))
    if not facts:
        return None
    return grown(table, key, canonical(facts), None if row is None else row.state.as_of)


def correction_change(
    table: str,
    key: str,
    before: Held | None,
    after: Held | None,
    correction: Correction,
    moved: Collection[str],
) -> Change | None:
    """The change ``correction`` made to ``table[key]`` (``None`` when it made none): ``moved`` are
    the events it took out or put in."""
    old = {} if before is None else {item.event_id: item for item in before.state.facts}
    new = {} if after is None else {item.event_id: item for item in after.state.facts}
    touched = sorted(name for name in moved if old.get(name) != new.get(name))
    if not touched:
        return None
    articles = {item.article_id for name in touched for item in (old.get(name), new.get(name)) if item}
    headline = None if after is None else Headline.of(after.state)
    return Change(
        id=digest(
            "change",
            table,
            key,
            correction.id,
            None if headline is None else headline.model_dump(mode="json"),
        ),
        table=table,
        key=key,
        before=None if before is None else Headline.of(before.state),
        after=headline,
        event_ids=tuple(touched),
        article_ids=tuple(sorted(articles)),
        cause=correction.kind,
        reason=correction.reason,
    )
