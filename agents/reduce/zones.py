"""The zone table: one row per zone, its status and who is party to, deployed in and holding it.

All derived from the set of the zone's facts (see ``README.md``):

- ``parties``: both actors of every AGREE about the zone (its guarantors);
- ``deployed``: sources of MOBILIZE not followed by a later RETREAT of theirs;
- ``controlled_by``: sources of the latest seizure (COERCE within the corroboration
  window of the newest one), less those who later RETREAT;
- ``timeline``: runs of one status (types listed under ``zones.status`` in the
  scoring file, see :func:`runs`); ``status`` and ``since`` are the last step's;
- ``kind``: from words in the evidence, the newest mention winning.

Planned reports never move status, deployment or control; only asserted reports
place status steps, on their event date (own date, else the article's).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, islice

from agents.reduce.config import Scoring
from agents.reduce.facts import Incident, Tally, counts, incidents, relations, reports, sources, span
from agents.speed import assemble
from schemas.event import SYMMETRIC_TYPES, PloverType
from schemas.state import Fact, ZoneState, ZoneStep


def build(zone: str, facts: tuple[Fact, ...], as_of: dt.date | None, scoring: Scoring) -> ZoneState:
    """The row of ``zone`` holding ``facts`` (canonical: one per id, sorted by id)."""
    found = incidents(facts, scoring.window_days)
    typed = by_type(found)
    kind = kind_of(facts, scoring)
    status = chain.from_iterable(typed[plover] for plover in scoring.zone_status)
    timeline = steps(runs(status, scoring), kind, scoring)
    first, last = span(found)
    hostile = relations(incident for incident in found if incident.type == PloverType.ASSAULT)
    hostilities = tuple(item for item, _, _ in hostile)
    summed = Tally(hostilities, sources(found), reports(found), counts(found), first, last)
    return row(zone, facts, roll(typed, scoring.window_days).roster(), summed, kind, timeline, as_of, scoring)


Roster = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
"""A zone's parties, forces deployed and controllers."""


def row(
    zone: str,
    facts: tuple[Fact, ...],
    cast: Roster,
    summed: Tally,
    kind: str | None,
    timeline: tuple[ZoneStep, ...],
    as_of: dt.date | None,
    scoring: Scoring,
) -> ZoneState:
    """The row of ``zone`` holding ``facts``, from its :meth:`Roll.roster`, the tally of their
    incidents, its kind and its timeline."""
    status, since = current(timeline, kind)
    return assemble(
        ZoneState,
        {
            "zone": zone,
            "kind": kind,
            "status": status,
            "since": since,
            "parties": cast[0],
            "deployed": cast[1],
            "controlled_by": cast[2],
            "hostilities": tuple(item for item in summed.relations if item.type == PloverType.ASSAULT),
            "timeline": timeline,
            "counts": summed.counts,
            "first": summed.first,
            "last": summed.last,
            "events": len(facts),
            "incidents": sum(summed.counts.values()),
            "sources": summed.sources,
            "reports": summed.reports,
            "as_of": as_of,
            "facts": facts,
        },
    )


ROLES = frozenset({PloverType.AGREE, PloverType.MOBILIZE, PloverType.RETREAT, PloverType.COERCE})
"""The types whose facts say who is party to, deployed in and holding a zone."""


def by_type(found: Iterable[Incident]) -> defaultdict[PloverType, list[Fact]]:
    """The facts of each PLOVER type (an empty list for a type with none), from the row's incidents:
    just made, they are cheaper to read than a large row's facts, scattered in memory."""
    out: defaultdict[PloverType, list[Fact]] = defaultdict(list)
    for incident in found:
        out[incident.type].extend(incident.facts)
    return out


def _sides(item: Fact) -> tuple[str, ...]:
    """Who a step names: the source, and the target too when the type is symmetric."""
    if item.target is not None and item.type in SYMMETRIC_TYPES:
        return item.source, item.target
    return (item.source,)


def step_date(item: Fact) -> dt.date | None:
    """The day a report places a status step on: its event date if asserted; planned or background: none."""
    return item.date if item.modality == "asserted" else None


Mention = tuple[tuple[int, int], str]
"""A report's naming of a kind: its order (event day ordinal, minus the kind's rank) and the kind."""


def kind_of(facts: Iterable[Fact], scoring: Scoring) -> str | None:
    """The kind the newest report naming one gives (same day: the first kind listed)."""
    best = mention(facts, scoring)
    return None if best is None else best[1]


def mention(facts: Iterable[Fact], scoring: Scoring) -> Mention | None:
    """The greatest :data:`Mention` of ``facts``: the one :func:`kind_of` reads its kind from.

    Equal orders name the same kind (a rank is a kind's), so the greatest of two sets of
    facts' mentions is their union's."""
    best: Mention | None = None
    named, mentions = scoring.kinds.items(), scoring.mentions.search
    for item in facts:
        text = item.evidence.lower()
        if mentions(text) is None:  # most reports name no kind: one search, not one a word
            continue
        for word, (rank, kind) in named:
            if word in text:
                order = ((item.date or dt.date.min).toordinal(), -rank)
                if best is None or order > best[0]:
                    best = order, kind
    return best


Run = tuple[str, list[tuple[dt.date, Fact]]]
Dated = tuple[dt.date, int, str, str, Fact]
"""A status report as :func:`runs` orders it: day, precedence, event id, status label, the fact."""


def runs(facts: Iterable[Fact], scoring: Scoring) -> list[Run]:
    """The zone's status runs: each a status label and its (day, report) members, in order.

    Reports are ordered by day, then (same day) by the precedence of the scoring
    file, then by event id. A report of lower precedence within the corroboration
    window after a run belongs to that run (the fighting reported with a seizure
    does not undo it).
    """
    return runs_from(dated(facts, scoring), scoring)


def dated(facts: Iterable[Fact], scoring: Scoring) -> list[Dated]:
    """The status reports of ``facts`` that place a step, in the order of :func:`runs`."""
    rank = scoring.status_rank
    out = []
    for item in facts:
        label = scoring.zone_status.get(item.type)
        day = step_date(item)
        if label is not None and day is not None:
            out.append((day, rank[label], item.event_id, label, item))
    out.sort()
    return out


def runs_from(
    items: Sequence[Dated], scoring: Scoring, before: Sequence[Run] = (), start: int = 0
) -> list[Run]:
    """The runs of ``items`` (:func:`dated`), found again from ``items[start:]``: ``before`` are the
    runs found earlier for ``items[:start]``, then unchanged, and the item at ``start`` began a
    run of its own then (so it does again, and none of ``before`` grows)."""
    rank = scoring.status_rank
    out: list[Run] = list(before)
    for day, order, _, label, item in islice(items, start, None):
        if out and out[-1][0] != label:
            held, members = out[-1]
            if order < rank[held] and (day - members[-1][0]).days <= scoring.window_days:
                label = held
        if not out or out[-1][0] != label:
            out.append((label, []))
        out[-1][1].append((day, item))
    return out


def steps(found: Iterable[Run], kind: str | None, scoring: Scoring) -> tuple[ZoneStep, ...]:
    """The zone's timeline: one step a run (:func:`runs`)."""
    return tuple(step(label, members, kind, scoring) for label, members in found)


def step(label: str, members: list[tuple[dt.date, Fact]], kind: str | None, scoring: Scoring) -> ZoneStep:
    """The step of one run; an agreement shows as the zone's kind when known."""
    return assemble(
        ZoneStep,
        {
            "date": members[0][0],
            "until": members[-1][0],
            "status": shown(label, kind, scoring),
            "actors": tuple(sorted({actor for _, item in members for actor in _sides(item)})),
            "events": len(members),
        },
    )


def shown(label: str, kind: str | None, scoring: Scoring) -> str:
    """How a step's status shows: an agreement as the zone's kind when one is known."""
    return kind if kind and label == scoring.zone_status.get(PloverType.AGREE) else label


def current(timeline: Sequence[ZoneStep], kind: str | None) -> tuple[str, dt.date | None]:
    """The status of the last step and the day it began; with no step, the kind or ``reported``."""
    if not timeline:
        return kind or "reported", None
    return timeline[-1].status, timeline[-1].date


class Roll:
    """Who is party to, deployed in and holding a zone, kept as its role facts come (:meth:`add`,
    in any order): each actor's latest report of each role, from which :meth:`roster` reads.

    - parties: both actors of every AGREE;
    - deployed: sources of non-planned MOBILIZE with no RETREAT of theirs dated after their latest one;
    - controllers: sources of the non-planned seizures (COERCE) within the corroboration window of
      the newest dated one (all of them, if none is dated), less those who RETREAT after it.
    """

    __slots__ = ("agreed", "arrived", "left", "seized", "unseized", "window")

    def __init__(self, window_days: int) -> None:
        self.window = window_days
        self.agreed: set[str] = set()
        self.arrived: dict[str, dt.date | None] = {}
        """Each actor's latest non-planned arrival (``None``: undated ones only)."""
        self.left: dict[str, dt.date] = {}
        """Each actor's latest dated, non-planned withdrawal."""
        self.seized: dict[str, dt.date] = {}
        """Each actor's latest dated, non-planned seizure."""
        self.unseized: set[str] = set()
        """The sources of undated non-planned seizures."""

    def add(self, item: Fact) -> None:
        """Count a report of the zone (of a type of :data:`ROLES`, or none of them)."""
        kind, source = item.type, item.source
        if kind is PloverType.AGREE:
            self.agreed.add(source)
            if item.target:
                self.agreed.add(item.target)
        elif kind in ROLES and item.modality != "planned":
            day = item.date
            if kind is PloverType.MOBILIZE:
                held = self.arrived.get(source)
                self.arrived[source] = day if held is None else max(held, day or held)
            elif day is None:
                if kind is PloverType.COERCE:
                    self.unseized.add(source)
            else:
                latest = self.left if kind is PloverType.RETREAT else self.seized
                if day > latest.get(source, day - _DAY):
                    latest[source] = day

    def roster(self) -> Roster:
        """The zone's parties, forces deployed and controllers."""
        seized: dict[str, dt.date | None]
        if self.seized:
            newest = max(self.seized.values())
            seized = {actor: day for actor, day in self.seized.items() if (newest - day).days <= self.window}
        else:
            seized = dict.fromkeys(self.unseized)
        return tuple(sorted(self.agreed)), self._present(self.arrived), self._present(seized)

    def _present(self, latest: dict[str, dt.date | None]) -> tuple[str, ...]:
        """The actors of ``latest`` with no withdrawal dated after their latest report."""
        left = self.left
        return tuple(
            sorted(
                actor
                for actor, day in latest.items()
                if not (actor in left and day is not None and left[actor] > day)
            )
        )


_DAY = dt.timedelta(days=1)


def roll(typed: Mapping[PloverType, Sequence[Fact]], window_days: int) -> Roll:
    """The :class:`Roll` of a zone whose facts of each type (:data:`ROLES` at least) are ``typed``."""
    out = Roll(window_days)
    for kind in ROLES:
        for item in typed[kind]:
            out.add(item)
    return out
