"""A row grown by a few facts in a time independent of its history; built whole once.

A live row grows one event at a time, and :func:`~agents.reduce.rows.build` reads every fact of the
row again. :class:`Grown` keeps, beside a row, the :class:`Parts` its build computed: the reports
and incidents of each identity (no incident spans two); what the incidents of each relation and of
the whole row add up to (their number, outlets, articles, first and last dates); for an alliance each
incident's weight and share, the exact sums of shares and of absolute weights, and its incidents
ranked by weight; for a zone its greatest kind mention, its dated status reports and their runs,
and its facts of each role type.
:func:`grow` groups only the new facts, groups again the incidents around them, and takes the
incidents it replaced out of those sums and the new ones in: a step costs what it changes (and a
chunk of the row's :class:`~agents.reduce.facts.Facts`), not the row's history. When the day an
alliance is weighed from moves (its newest event date), every weight changes and is computed
again: once a day of news at most for a live row, however busy.

The parts are updated in place, for the newest row grown from them: a row grown from again after
that (an older one) has its parts built again from its facts. The row is the very one ``build``
gives for the same facts.
"""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from itertools import chain
from operator import itemgetter, mul
from typing import Any

from agents.reduce import alliances, zones
from agents.reduce.config import Scoring, default
from agents.reduce.facts import (
    Facts,
    Identity,
    Incident,
    Report,
    Tally,
    canonical,
    getter,
    group,
    incident_of,
    incidents_of,
    incidents_until,
    joined,
    preferred,
)
from agents.reduce.rows import State
from agents.reduce.score import exact, magnitude, points, stance, units, weights
from agents.reduce.tables import same_summary
from agents.reduce.zones import Dated, Mention, Run
from agents.speed import assemble
from schemas.event import PloverType
from schemas.state import AllianceState, Fact, Headline, Highlight, Relation, ZoneState, ZoneStep

Name = tuple[str, str, PloverType]
"""A relation's source, target (``""`` if none) and type: its reports' identity less the modality,
so that names sort as relations do."""
Span = tuple[int, list[Incident], list[Incident]]
"""Where in an identity's incidents some (the first list) are replaced by others (the second)."""
_facts = getter("facts")
_VALUES = {kind: kind.value for kind in PloverType}
_dated_key = itemgetter(0, 1, 2)  # day, precedence, event id: unique in a row


@dataclass(frozen=True, slots=True)
class Timeline:
    """What a zone row's build computed for its kind and timeline."""

    mention: Mention | None
    dated: list[Dated]
    runs: list[Run]
    steps: tuple[ZoneStep, ...]


class Sum:
    """What incidents add up to, weights aside: how many, and of their reports the outlets and
    articles and the first and last event dates (each counted, so that one can go). An incident's
    outlets, articles and dates are its reports', so these follow the reports, not their grouping."""

    __slots__ = ("articles", "count", "days", "first", "last", "outlets")

    def __init__(self) -> None:
        self.count = 0
        self.outlets: dict[str, int] = {}
        self.articles: dict[str, int] = {}
        self.days: dict[dt.date, int] = {}
        self.first: dt.date | None = None
        self.last: dt.date | None = None

    def add(self, report: Report) -> None:
        outlets, articles = self.outlets, self.articles
        outlet, article, day = report[7], report[4], report[6]
        outlets[outlet] = outlets.get(outlet, 0) + 1
        articles[article] = articles.get(article, 0) + 1
        if day is not None:
            days = self.days
            days[day] = days.get(day, 0) + 1
            if self.first is None or day < self.first:
                self.first = day
            if self.last is None or day > self.last:
                self.last = day

    def remove(self, report: Report) -> None:
        _drop(self.outlets, report[7])
        _drop(self.articles, report[4])
        if (day := report[6]) is not None and _drop(self.days, day):
            if day == self.first:
                self.first = min(self.days, default=None)
            if day == self.last:
                self.last = max(self.days, default=None)


def _drop(counts: dict[Any, int], key: object) -> bool:
    """One ``key`` less in ``counts``; whether that was its last."""
    left = counts[key] - 1
    if left:
        counts[key] = left
        return False
    del counts[key]
    return True


Ranked = tuple[float, Identity, int, str, str, float, Incident]
"""An incident as an alliance ranks its strongest: minus its absolute weight, then in the order of
the row's incidents (its identity, its first report's day, zone and event id); its weight, itself."""


@dataclass(slots=True)
class Parts:
    """What a row's build computed from its facts, updated in place by :func:`grow` (see the module)."""

    turn: int
    """The turn of the row these parts are of; a row of another turn builds its own."""
    reports: dict[Identity, list[Report]]
    found: dict[Identity, list[Incident]]
    firsts: dict[Identity, list[int]]
    """The day ordinal of each incident's first report (0 when undated), as ``found`` are sorted."""
    sums: dict[Name, Sum]
    relations: dict[Name, Relation]
    names: list[Name]
    """The names of ``sums``, sorted: the order of the row's relations."""
    whole: Sum
    per_type: Counter[PloverType]
    held: dict[str, Fact]
    """Every fact of the row, by event id."""
    timeline: Timeline | None = None
    """A zone row's; ``None`` for an alliance."""
    roles: defaultdict[PloverType, list[Fact]] | None = None
    """A zone row's facts of each of the types that say who is party to, deployed in and holding it
    (:data:`~agents.reduce.zones.ROLES`), in no order."""
    reference: dt.date | None = None
    """The day an alliance row's incidents are weighed from, and below, what they weigh."""
    weighed: dict[Identity, tuple[list[float], list[float]]] | None = None
    score: int = 0
    """The sum of every report's share, in :func:`~agents.reduce.score.units`."""
    gross: int = 0
    """The sum of the incidents' absolute weights, :func:`~agents.reduce.score.exact`."""
    best: tuple[Ranked, ...] | None = None
    """An alliance's strongest incidents (``None``: to find again among all)."""
    rising: dict[int, tuple[Identity, float, Incident]] = field(default_factory=dict)
    """The incidents weighed since ``best`` was read, each with its identity and weight, by object
    id (an incident is the same object from when it is weighed until it is replaced), and below, the
    ids of those weighed before and replaced since: kept aside until the strongest are read."""
    falling: set[int] = field(default_factory=set)
    highlights: tuple[tuple[Ranked, ...], tuple[Highlight, ...]] = ((), ())
    """The strongest incidents the row shows, and their highlights."""
    roll: zones.Roll | None = None
    """A zone's actors of each role, from ``roles`` (``None``: to read again, once one is replaced)."""
    roster: zones.Roster | None = None
    """A zone's parties, forces deployed and controllers, from ``roll`` (``None``: to read again)."""
    stepped: tuple[tuple[ZoneStep, ...], set[str]] = ((), set())
    """A zone's timeline and the actors its steps name."""

    def cast(self, scoring: Scoring) -> zones.Roster:
        """A zone's parties, forces deployed and controllers, read again once its role facts change."""
        assert self.roles is not None
        if self.roster is None:
            if self.roll is None:
                self.roll = zones.roll(self.roles, scoring.window_days)
            self.roster = self.roll.roster()
        return self.roster

    def step_actors(self) -> set[str]:
        """The actors the steps of a zone's timeline name, read again once they change."""
        assert self.timeline is not None
        steps = self.timeline.steps
        if steps is not self.stepped[0]:
            self.stepped = steps, {actor for step in steps for actor in step.actors}
        return self.stepped[1]

    def counted(self, identity: Identity, gone: Iterable[Report], come: Iterable[Report]) -> None:
        """Take an identity's reports ``gone`` out of the sums and put ``come`` in."""
        name: Name = identity[:3]  # type: ignore[assignment]
        summed = self.sums.get(name)
        if summed is None:
            summed = self.sums[name] = Sum()
            insort(self.names, name)
        whole = self.whole
        for report in gone:
            summed.remove(report)
            whole.remove(report)
        for report in come:
            summed.add(report)
            whole.add(report)

    def taken(self, identity: Identity, spans: list[Span]) -> Name:
        """Count an identity's incidents as ``spans`` replace them (its reports :meth:`counted`
        already); their relation's name."""
        name: Name = identity[:3]  # type: ignore[assignment]
        more = 0
        for _, gone, fresh in spans:
            more += len(fresh) - len(gone)
        if more:
            self.sums[name].count += more
            self.whole.count += more
            self.per_type[identity[2]] += more
        return name

    def related(self, names: Iterable[Name]) -> None:
        """The relations of ``names`` summed again (gone when they count no incident)."""
        for name in names:
            summed = self.sums[name]
            if summed.count:
                self.relations[name] = relation(name, summed)
            else:
                del self.sums[name]
                self.relations.pop(name, None)
                del self.names[bisect_left(self.names, name)]

    def tally(self) -> Tally:
        """The row's :class:`~agents.reduce.facts.Tally`, from the sums."""
        counts = dict(sorted((_VALUES[kind], count) for kind, count in self.per_type.items() if count))
        relations = tuple(map(self.relations.__getitem__, self.names))
        whole = self.whole
        return Tally(relations, len(whole.outlets), len(whole.articles), counts, whole.first, whole.last)

    def weigh(self, reference: dt.date | None, scoring: Scoring) -> None:
        """Every incident weighed from ``reference``."""
        self.reference, self.weighed, self.score, self.gross = reference, {}, 0, 0
        for identity, run in self.found.items():
            totals, shares = self.weighed[identity] = weights(run, reference, scoring)
            self.score += sum(map(mul, map(units, shares), map(len, map(_facts, run))))
            self.gross += sum(map(exact, totals))
        self.best, self.rising, self.falling = None, {}, set()

    def reweigh(self, identity: Identity, spans: list[Span], scoring: Scoring) -> None:
        """The weights of an identity's incidents as ``spans`` replace some."""
        assert self.weighed is not None
        rising, falling = self.rising, self.falling
        totals, shares = self.weighed.setdefault(identity, ([], []))
        for start, gone, fresh in reversed(spans):  # from the last, so that places before stand
            end = start + len(gone)
            for incident, total, share in zip(gone, totals[start:end], shares[start:end], strict=True):
                self.score -= units(share) * len(incident.facts)
                self.gross -= exact(total)
                if rising.pop(id(incident), None) is None:  # weighed before ``best`` was read
                    falling.add(id(incident))
            totals[start:end], shares[start:end] = weighed = weights(fresh, self.reference, scoring)
            for incident, total, share in zip(fresh, *weighed, strict=True):
                self.score += units(share) * len(incident.facts)
                self.gross += exact(total)
                rising[id(incident)] = identity, total, incident
        if not totals:
            del self.weighed[identity]

    def strongest(self, scoring: Scoring) -> tuple[Highlight, ...]:
        """The highlights of the strongest incidents.

        The strongest of before, less those gone, and those weighed since that rank above the
        last of them, are the strongest of all as long as they are as many as shown (or all the
        row's incidents): only then, rarely, are all incidents ranked again."""
        most, best = scoring.strongest, self.best
        if best is not None and (self.falling or self.rising):
            floor = best[-1][:5] if len(best) == most else None  # else ``best`` held every incident
            gone = self.falling
            kept = [entry for entry in best if id(entry[6]) not in gone]
            for identity, total, incident in self.rising.values():
                if floor is None or -abs(total) <= floor[0]:
                    entry = _ranked(identity, total, incident)
                    if floor is None or entry[:5] <= floor:
                        kept.append(entry)
            kept.sort(key=_rank)
            best = tuple(kept[:most]) if len(kept) >= min(most, self.whole.count) else None
        if best is None:
            best = self._ranking(most)
        self.best, self.rising, self.falling = best, {}, set()
        if best != self.highlights[0]:
            self.highlights = best, tuple(alliances.highlight(entry[5], entry[6]) for entry in best)
        return self.highlights[1]

    def _ranking(self, most: int) -> tuple[Ranked, ...]:
        """The ``most`` strongest of all the incidents: of those weighing at least the ``most``-th
        greatest weight."""
        assert self.weighed is not None
        weighed = self.weighed
        magnitudes = chain.from_iterable(map(abs, totals) for totals, _ in weighed.values())
        greatest = heapq.nlargest(most, magnitudes)
        if not greatest:
            return ()
        least = greatest[-1]
        entries = [
            _ranked(identity, total, incident)
            for identity, run in self.found.items()
            for total, incident in zip(weighed[identity][0], run, strict=True)
            if abs(total) >= least
        ]
        return tuple(sorted(entries, key=_rank)[:most])


_rank = itemgetter(slice(0, 5))
"""Where a :data:`Ranked` incident ranks: unique in a row."""


def _ranked(identity: Identity, total: float, incident: Incident) -> Ranked:
    return -abs(total), identity, *_head(incident), total, incident


def relation(name: Name, summed: Sum) -> Relation:
    """The relation ``name`` of incidents adding up to ``summed``."""
    source, target, kind = name
    return assemble(
        Relation,
        {
            "source": source,
            "target": target or None,
            "type": kind,
            "count": summed.count,
            "sources": len(summed.outlets),
            "reports": len(summed.articles),
            "first": summed.first,
            "last": summed.last,
        },
    )


@dataclass(frozen=True, slots=True)
class Grown:
    """A row and what its build computed from its facts (see the module)."""

    table: str
    key: str
    state: State
    parts: Parts
    turn: int = 0
    headline: Headline | None = None
    """The row's headline, when its growth read it already."""


def grown(table: str, key: str, facts: Sequence[Fact], as_of: dt.date | None = None) -> Grown:
    """The row ``table[key]`` holding ``facts`` (canonical), built whole, with its parts."""
    if table not in (AllianceState.TABLE, ZoneState.TABLE):
        raise ValueError(f"unknown table {table!r}")
    scoring = default()
    held = Facts.of(facts)
    reports = group(held)
    found = {identity: incidents_of(identity, run, scoring.window_days) for identity, run in reports.items()}
    firsts = {identity: list(map(_first, run)) for identity, run in found.items()}
    by_id = {item.event_id: item for item in held}
    parts = Parts(0, reports, found, firsts, {}, {}, [], Sum(), Counter(), by_id)
    for identity, run in reports.items():
        parts.counted(identity, (), run)
    parts.related({parts.taken(identity, [(0, [], run)]) for identity, run in found.items()})
    if table == ZoneState.TABLE:
        mention = zones.mention(held, scoring)
        kind = None if mention is None else mention[1]
        dated = zones.dated(held, scoring)
        runs = zones.runs_from(dated, scoring)
        parts.timeline = Timeline(mention, dated, runs, zones.steps(runs, kind, scoring))
        parts.roles = defaultdict(list)
        _cast(parts, held, ())
    return _assembled(table, key, held, parts, as_of, scoring)


def grow(row: Grown, new: Iterable[Fact]) -> Grown:
    """``row`` with ``new`` facts added; ``row`` itself when they change none of its facts.

    Of two facts with one event id, the row keeps the one :func:`~agents.reduce.facts.preferred`
    keeps, as a build of all of them does.
    """
    growth = Growing(row)
    growth.add(new)
    return growth.done()


class Growing:
    """A grown row taking facts a few at a time (:meth:`add`), its row made once, at the end
    (:meth:`done`); meanwhile :meth:`headline` reads what its parts add up to, not a row.

    The facts added are kept aside (by event id) and merged into the row's :class:`Facts` when a
    row is made, and the relations they touch are summed again then."""

    __slots__ = ("_added", "_facts", "_new", "_parts", "_related", "_replaced", "_row", "scoring")

    def __init__(self, row: Grown) -> None:
        self._row = row
        self._parts: Parts | None = None
        self._facts = Facts.of(row.state.facts)
        self._new: dict[str, Fact] = {}
        """The facts added and not merged yet, by event id."""
        self._replaced: dict[str, Fact] = {}
        """The facts of ``_facts`` that some of ``_new`` replace."""
        self._related: set[Name] = set()
        """The relations to sum again."""
        self._added: dict[str, Fact] = {}
        """The facts added or changed, by event id."""
        self.scoring = default()

    def find(self, event_id: str) -> Fact | None:
        """The fact of ``event_id`` the row holds as grown so far, if any."""
        if self._parts is not None:
            return self._parts.held.get(event_id)
        row = self._row
        if row.parts.turn == row.turn:
            return row.parts.held.get(event_id)
        return self._facts.find(event_id)

    def added(self) -> dict[str, Fact]:
        """The facts added or changed so far, by event id: what a store appends."""
        return self._added

    def add(self, new: Iterable[Fact]) -> bool | None:
        """Add ``new`` facts: ``None`` if they change none of the row's facts, else whether they
        change its summary (always, when one is new to the row)."""
        added: list[Fact] = []
        replaced: list[Fact] = []
        for item in new if isinstance(new, tuple) and len(new) == 1 else canonical(list(new)):
            if (old := self.find(item.event_id)) is not None:
                better = preferred(old, item)
                if better is old or better == old:
                    continue
                replaced.append(old)
                item = better
            added.append(item)
        if not added:
            return None
        parts, scoring = self._parts, self.scoring
        if parts is None:
            row = self._row
            if (parts := row.parts).turn != row.turn:
                parts = grown(row.table, row.key, self._facts, row.state.as_of).parts
            parts.turn = -1  # no row's until this growth is done (should it fail half way)
            self._parts = parts
        before = self._summary(parts) if replaced else None
        pending = self._new
        for item in replaced:
            if pending.pop(item.event_id, None) is None:
                self._replaced[item.event_id] = item
        held, fresh = parts.held, self._added
        for item in added:
            pending[item.event_id] = held[item.event_id] = fresh[item.event_id] = item
        changed = _regroup(parts, added, replaced, scoring.window_days)
        self._related.update(parts.taken(identity, spans) for identity, spans in changed)
        if parts.timeline is not None and parts.roles is not None:
            facts = self._merged() if replaced else ()  # a re-extraction reads every fact
            parts.timeline = _timeline(parts.timeline, facts, added, replaced, scoring)
            _cast(parts, added, replaced)
        else:
            _weighed(parts, self._row.state.as_of, scoring, changed)
        return before is None or not same_summary(before, self._summary(parts))

    def headline(self) -> Headline:
        """The headline of the row grown so far."""
        parts = self._parts
        if parts is None:
            return self._row.headline or self._row.state.headline()
        if parts.timeline is not None:
            self._sum(parts)  # a zone's headline names the actors of its hostilities
        events = len(self._facts) + len(self._new) - len(self._replaced)
        return _headline(self._row.key, events, parts, self.scoring)

    def done(self) -> Grown:
        """The row grown; the one given if no fact changed."""
        parts, row = self._parts, self._row
        if parts is None:
            return row
        state = self._state(parts)
        headline = self.headline()
        parts.turn = turn = row.turn + 1
        return Grown(row.table, row.key, state, parts, turn, headline)

    def _merged(self) -> Facts:
        """The row's facts as grown so far, the facts kept aside merged in."""
        if self._new:
            self._facts = self._facts.merged(list(self._new.values()), list(self._replaced.values()))
            self._new, self._replaced = {}, {}
        return self._facts

    def _sum(self, parts: Parts) -> None:
        if self._related:
            parts.related(self._related)
            self._related = set()

    def _summary(self, parts: Parts) -> State:
        """The row with no facts (and so no events): what a re-extraction, which leaves the number
        of facts as it was, compares before and after."""
        self._sum(parts)
        return _row(self._row.key, (), parts, self._row.state.as_of, self.scoring)

    def _state(self, parts: Parts) -> State:
        self._sum(parts)
        return _row(self._row.key, self._merged(), parts, self._row.state.as_of, self.scoring)


def _cast(parts: Parts, added: Iterable[Fact], replaced: Iterable[Fact]) -> None:
    """A zone's facts of each role type with ``added`` ones, in place of ``replaced`` ones."""
    roles = parts.roles
    assert roles is not None
    for item in replaced:
        if item.type in zones.ROLES:
            roles[item.type].remove(item)
            parts.roll = parts.roster = None
    for item in added:
        if item.type in zones.ROLES:
            roles[item.type].append(item)
            parts.roster = None
            if parts.roll is not None:
                parts.roll.add(item)


def _regroup(
    parts: Parts, added: list[Fact], replaced: list[Fact], window: int
) -> list[tuple[Identity, list[Span]]]:
    """The reports and incidents of ``parts`` with ``added`` facts, in place of ``replaced`` ones
    (in place): each identity they touch, with the spans of its incidents replaced, in the order
    they were (a re-extraction's report taken out, then new ones put in)."""
    reports, found, firsts = parts.reports, parts.found, parts.firsts
    changed = []
    for identity, gone in sorted(group(replaced).items()):
        parts.counted(identity, gone, ())
        for report in gone:
            spans = _without(identity, reports[identity], found[identity], firsts[identity], report, window)
            changed.append((identity, spans))
            if not reports[identity]:
                del reports[identity], found[identity], firsts[identity]
    for identity, new in sorted(group(added).items()):
        parts.counted(identity, (), new)
        if identity in reports:
            spans = _regrouped(identity, reports[identity], found[identity], firsts[identity], new, window)
        else:
            reports[identity], found[identity] = new, incidents_of(identity, new, window)
            firsts[identity] = list(map(_first, found[identity]))
            spans = [(0, [], list(found[identity]))]
        changed.append((identity, spans))
    return changed


def _without(
    identity: Identity, run: list[Report], found: list[Incident], firsts: list[int], gone: Report, window: int
) -> list[Span]:
    """Take ``gone`` out of the reports of one identity and group their incidents again (in place),
    from the nearest report no incident reaches before it up to where the grouping settles; the
    span replaced."""
    out = bisect_left(run, gone)
    low = out
    while low > 0 and not _quiet(run, found, firsts, low, window):
        low -= 1

    def settled(index: int) -> bool:
        return _quiet(run, found, firsts, low + index + 1, window)  # a report after the one gone

    span = _AHEAD
    while True:  # grouped on a slice that grows until it settles or holds the rest of the run
        rest = [*run[low:out], *run[out + 1 : out + 1 + span]]
        grouped, stop = incidents_until(identity, rest, window, settled, out - low) if rest else ([], 0)
        if stop < len(rest) or out + 1 + span >= len(run):
            break
        span *= 2
    end = len(found) if stop == len(rest) else _placed(run, firsts, low + stop + 1, 0)
    spans = [_trimmed(found, _placed(run, firsts, low, 0), end, grouped)]
    del run[out]
    _splice(found, firsts, spans)
    return spans


def _regrouped(
    identity: Identity,
    run: list[Report],
    found: list[Incident],
    firsts: list[int],
    new: list[Report],
    window: int,
) -> list[Span]:
    """Put ``new`` reports in the reports of one identity and group their incidents again only
    around them (in place); the spans replaced (less the incidents that came out the same).

    ``run`` is sorted and ``found`` are its incidents, by first report. Grouping again starts at
    the nearest report before a new one at which no incident is open, the grouping having read
    the reports before it (:func:`_quiet`); after a new report, it stops at the first report at
    which none is open, in the grouping before as in this one: from there to the next new report,
    the incidents are those found before.
    """
    merged = run
    if len(new) == 1:  # the one event of a step: one bisection
        places = [bisect_left(merged, new[0])]
        merged.insert(places[0], new[0])
        if (simple := _simple(identity, merged, found, firsts, places[0], window)) is not None:
            _splice(found, firsts, [simple])
            return [simple]
    else:
        for report in new:
            insort(merged, report)
        places = sorted(bisect_left(merged, report) for report in new)

    def quiet(index: int) -> bool:
        return _quiet(merged, found, firsts, index, window)

    def settled(index: int, low: int) -> bool:
        return quiet(low + index)

    def placed(index: int) -> int:
        return _placed(merged, firsts, index, bisect_left(places, index))

    spans: list[Span] = []
    end = 0  # the first report not grouped yet
    at = 0
    while at < len(places):
        low = places[at]
        while low > end and not quiet(low):
            low -= 1
        after = places[at] - low + 1
        span = after + _AHEAD
        while True:  # grouped on a slice that grows until it settles or holds the rest of the run
            grouped, stop = incidents_until(
                identity, merged[low : low + span], window, partial(settled, low=low), after
            )
            if stop < span or low + span >= len(merged):
                break
            span *= 2
        end = low + stop
        spans.append(_trimmed(found, placed(low), len(found) if end == len(merged) else placed(end), grouped))
        at = bisect_left(places, end)
    _splice(found, firsts, spans)
    return spans


def _simple(
    identity: Identity, run: list[Report], found: list[Incident], firsts: list[int], place: int, window: int
) -> Span | None:
    """The span of ``found`` that the one report just put in ``run`` at ``place`` replaces, when it
    changes no other incident (``None`` otherwise: grouped again around it).

    That is when it is undated (an incident of its own), or no incident is open at it and the
    report after it lies beyond its window (an incident of its own), or it names no zone and joins
    the earliest incident open at it, which names none: such an incident took every report in its
    window, so its reports are the run from its first with this one. So too when none is open at it
    and it comes first of the reports of an incident begun the same day: that incident's window is
    its own, and it takes them all.
    """
    report = run[place]
    ordinal = report[0]
    if ordinal:
        at = bisect_left(firsts, max(ordinal - window, 1))
        head = _head(found[at]) if at < len(found) and firsts[at] <= ordinal else None
        if head is not None and head < report[:3]:  # open at it
            incident = found[at]
            if report[1] or incident.zone is not None:
                return None
            return at, [incident], [joined(incident, report, place - bisect_left(run, head))]
        if place + 1 < len(run) and run[place + 1][0] <= ordinal + window:
            if at == len(found) or firsts[at] != ordinal or report[1] or found[at].zone is not None:
                return None
            incident = found[at]  # begun the same day, after it: this one begins it instead
            return at, [incident], [joined(incident, report, 0)]
    else:
        at = place  # undated reports come first, an incident each
    return at, [], [incident_of(identity, [report])]


def _quiet(run: list[Report], found: list[Incident], firsts: list[int], index: int, window: int) -> bool:
    """Whether no incident of ``found`` is open at the report ``index`` of ``run``: none begun by a
    report before it within ``window`` days (undated reports are each an incident of their own, and
    come first). ``found`` are the incidents of ``run``'s reports before ``index``, and maybe of more."""
    day = run[index][0]
    if day == 0:
        return True
    reach = bisect_left(firsts, day - window)
    return reach == len(found) or _head(found[reach]) >= run[index][:3]


def _placed(run: list[Report], firsts: list[int], index: int, new: int) -> int:
    """How many incidents of ``found`` come before the report ``index`` of ``run``, at which none is
    open (:func:`_quiet`); ``new`` of the reports before it are not ``found``'s."""
    day = run[index][0]
    return bisect_left(firsts, day) if day else index - new


def _head(incident: Incident) -> tuple[int, str, str]:
    """The day ordinal, zone and event id of an incident's first report: where it sorts."""
    head = incident.facts[0]
    day = head.date
    return day.toordinal() if day else 0, head.zone or "", head.event_id


def _trimmed(found: list[Incident], start: int, end: int, grouped: list[Incident]) -> Span:
    """The span of ``found[start:end]`` that ``grouped`` replaces, less the incidents at either end
    that came out the same."""
    most = min(end - start, len(grouped))
    head = 0
    while head < most and grouped[head] == found[start + head]:
        head += 1
    tail = 0
    while tail < most - head and grouped[-1 - tail] == found[end - 1 - tail]:
        tail += 1
    return start + head, found[start + head : end - tail], grouped[head : len(grouped) - tail]


def _splice(found: list[Incident], firsts: list[int], spans: list[Span]) -> None:
    """Replace in ``found`` the incidents of each span (and their first days in ``firsts``)."""
    for start, gone, fresh in reversed(spans):  # from the last, so that places before stand
        found[start : start + len(gone)] = fresh
        firsts[start : start + len(gone)] = map(_first, fresh)


_AHEAD = 8
"""How many reports past a new one a grouping again first takes in, to find where it settles."""


def _first(incident: Incident) -> int:
    """The day ordinal of an incident's first report (0 when undated), as its reports are sorted."""
    day = incident.date
    return day.toordinal() if day else 0


def _timeline(
    was: Timeline, facts: tuple[Fact, ...], kept: list[Fact], replaced: list[Fact], scoring: Scoring
) -> Timeline:
    """A zone's kind and timeline with ``kept`` facts added, in place of ``replaced`` ones."""
    if replaced:  # a re-extraction: its old mention may have been the greatest
        mention = zones.mention(facts, scoring)
    else:
        mention = max(filter(None, (was.mention, zones.mention(kept, scoring))), key=_order, default=None)
    kind = None if mention is None else mention[1]
    fresh = zones.dated(kept, scoring)
    gone = {item.event_id for item in replaced}
    old = was.dated
    if not fresh and not (gone and any(entry[2] in gone for entry in old)):
        dated, runs, first = old, was.runs, len(was.runs)
    else:
        changed = min(
            chain(
                (at for at, entry in enumerate(old) if entry[2] in gone),
                (bisect_left(old, _dated_key(entry), key=_dated_key) for entry in fresh),
            )
        )
        if gone:
            dated = sorted([*(entry for entry in old if entry[2] not in gone), *fresh], key=_dated_key)
        else:
            dated = old[:]
            for entry in fresh:
                insort(dated, entry, key=_dated_key)
        runs, first = _runs_after(was.runs, dated, changed, len(old), scoring)
    if kind == (None if was.mention is None else was.mention[1]):
        if first == len(runs) == len(was.steps):
            return Timeline(mention, dated, runs, was.steps)  # the same steps: the same actors
        steps = (*was.steps[:first], *zones.steps(runs[first:], kind, scoring))
    else:
        steps = zones.steps(runs, kind, scoring)
    return Timeline(mention, dated, runs, steps)


def _runs_after(
    runs: Sequence[Run], dated: list[Dated], changed: int, length: int, scoring: Scoring
) -> tuple[list[Run], int]:
    """The runs of ``dated``, whose entries before ``changed`` are those of the ``length`` that made
    ``runs``; and how many of ``runs`` stand as they were (found again from the run before the change)."""
    standing = min(changed, length) - 1  # the last entry that stands as it was
    start, kept = length, len(runs)
    while kept and start > standing:
        kept -= 1
        start -= len(runs[kept][1])
    return zones.runs_from(dated, scoring, runs[:kept], start), kept


def _order(found: Mention) -> tuple[int, int]:
    return found[0]


def _assembled(
    table: str, key: str, facts: Facts, parts: Parts, as_of: dt.date | None, scoring: Scoring
) -> Grown:
    """The row from the parts its build computed, every incident weighed."""
    if parts.timeline is None:
        _weighed(parts, as_of, scoring, None)
    parts.turn = 0
    return Grown(table, key, _row(key, facts, parts, as_of, scoring), parts)


def _weighed(
    parts: Parts, as_of: dt.date | None, scoring: Scoring, changed: list[tuple[Identity, list[Span]]] | None
) -> None:
    """An alliance's incidents weighed: ``changed`` (see :func:`_regroup`) again, ``None`` for all
    (and all when the day they are weighed from moves)."""
    reference = as_of or parts.whole.last  # :func:`~agents.reduce.alliances.reference`
    if changed is None or reference != parts.reference:
        parts.weigh(reference, scoring)
    else:
        for identity, spans in changed:
            parts.reweigh(identity, spans, scoring)


def _row(key: str, facts: Sequence[Fact], parts: Parts, as_of: dt.date | None, scoring: Scoring) -> State:
    """The row its weighed parts add up to."""
    counted = parts.tally()
    if parts.timeline is None:
        sums = parts.score, parts.gross
        strongest = parts.strongest(scoring)
        return alliances.state(key, facts, counted, parts.whole.count, sums, strongest, as_of, scoring)
    assert parts.roles is not None
    timeline = parts.timeline
    kind = None if timeline.mention is None else timeline.mention[1]
    return zones.row(key, facts, parts.cast(scoring), counted, kind, timeline.steps, as_of, scoring)


@cache
def _pair(key: str) -> tuple[str, ...]:
    """The actors of the pair ``key``: one tuple a row, shared by its headlines."""
    return tuple(key.split("|"))


def _headline(key: str, events: int, parts: Parts, scoring: Scoring) -> Headline:
    """The headline of the row of ``events`` facts its weighed parts add up to (as
    :meth:`~schemas.state.Row.headline` reads it from the row)."""
    whole = parts.whole
    timeline = parts.timeline
    if timeline is None:
        score = points(parts.score)
        return assemble(
            Headline,
            {
                "stance": stance(score, magnitude(parts.gross), scoring),
                "score": score,
                "status": None,
                "since": None,
                "events": events,
                "first": whole.first,
                "last": whole.last,
                "actors": _pair(key),
            },
        )
    kind = None if timeline.mention is None else timeline.mention[1]
    status, since = zones.current(timeline.steps, kind)
    named = set(parts.step_actors()).union(*parts.cast(scoring))
    for source, target, kind_of in parts.names:
        if kind_of is PloverType.ASSAULT:
            named.add(source)
            if target:
                named.add(target)
    return assemble(
        Headline,
        {
            "stance": None,
            "score": None,
            "status": status,
            "since": since,
            "events": events,
            "first": whole.first,
            "last": whole.last,
            "actors": tuple(sorted(named)),
        },
    )
