"""A row grown by a few facts in a time independent of its history; built whole once.

A live row grows one event at a time, and :func:`~agents.reduce.rows.build` reads every fact of the
row again. :class:`Grown` keeps, beside a row, the :class:`Parts` its build computed: the reports
and incidents of each identity (no incident spans two); what the incidents of each relation and of
the whole row add up to (their number, articles, first and last dates); for an alliance each
incident's weight and share, the exact sums of shares and of absolute weights, and its incidents
ranked by weight; for a zone its greatest kind mention, its dated status reports and their runs.
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
from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain
from operator import itemgetter, mul

from sortedcontainers import SortedList

from agents.reduce import alliances, zones
from agents.reduce.config import Scoring, default
from agents.reduce.facts import (
    Facts,
    Identity,
    Incident,
    Report,
    Tally,
    canonical,
    find,
    getter,
    group,
    incidents_of,
    incidents_until,
    preferred,
)
from agents.reduce.rows import ALLIANCES, ZONES, State
from agents.reduce.score import exact, units, weights
from agents.reduce.zones import Dated, Mention, Run
from agents.speed import assemble
from schemas.event import PloverType
from schemas.state import Fact, Highlight, Relation, ZoneStep

Name = tuple[str, str, PloverType]
"""A relation's source, target (``""`` if none) and type: its reports' identity less the modality,
so that names sort as relations do."""
Span = tuple[int, int, list[Incident]]
"""Incidents ``[start:end]`` of an identity's, replaced by new ones."""
_facts = getter("facts")
_dated_key = itemgetter(0, 1, 2)  # day, precedence, event id: unique in a row


@dataclass(frozen=True, slots=True)
class Timeline:
    """What a zone row's build computed for its kind and timeline."""

    mention: Mention | None
    dated: list[Dated]
    runs: list[Run]
    steps: tuple[ZoneStep, ...]


class Sum:
    """What incidents add up to, weights aside: how many, their articles, their first and last event
    dates (each article and date with the number of incidents it counts for, so that one can go)."""

    __slots__ = ("articles", "count", "first", "firsts", "last", "lasts")

    def __init__(self) -> None:
        self.count = 0
        self.articles: Counter[str] = Counter()
        self.firsts: Counter[dt.date] = Counter()
        self.lasts: Counter[dt.date] = Counter()
        self.first: dt.date | None = None
        self.last: dt.date | None = None

    def add(self, incident: Incident) -> None:
        self.count += 1
        self.articles.update(incident.sources)
        if (day := incident.date) is not None:
            self.firsts[day] += 1
            if self.first is None or day < self.first:
                self.first = day
        if (day := incident.last) is not None:
            self.lasts[day] += 1
            if self.last is None or day > self.last:
                self.last = day

    def remove(self, incident: Incident) -> None:
        self.count -= 1
        for article in incident.sources:
            _drop(self.articles, article)
        if (day := incident.date) is not None and _drop(self.firsts, day) and day == self.first:
            self.first = min(self.firsts, default=None)
        if (day := incident.last) is not None and _drop(self.lasts, day) and day == self.last:
            self.last = max(self.lasts, default=None)


def _drop(counter: Counter[str] | Counter[dt.date], key: str | dt.date) -> bool:
    """One ``key`` less in ``counter``; whether that was its last."""
    if counter[key] == 1:  # type: ignore[index]
        del counter[key]  # type: ignore[arg-type]
        return True
    counter[key] -= 1  # type: ignore[index]
    return False


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
    sums: dict[Name, Sum]
    relations: dict[Name, Relation]
    names: list[Name]
    """The names of ``sums``, sorted: the order of the row's relations."""
    whole: Sum
    per_type: Counter[PloverType]
    timeline: Timeline | None = None
    """A zone row's; ``None`` for an alliance."""
    reference: dt.date | None = None
    """The day an alliance row's incidents are weighed from, and below, what they weigh."""
    weighed: dict[Identity, tuple[list[float], list[float]]] | None = None
    score: int = 0
    """The sum of every report's share, in :func:`~agents.reduce.score.units`."""
    gross: int = 0
    """The sum of the incidents' absolute weights, :func:`~agents.reduce.score.exact`."""
    ranked: SortedList | None = None
    top: tuple[tuple[Ranked, ...], tuple[Highlight, ...]] = ((), ())
    """The strongest incidents the row shows, and their highlights."""

    def taken(self, identity: Identity, gone: Iterable[Incident], fresh: Iterable[Incident]) -> Name:
        """Count ``fresh`` incidents of ``identity`` in place of ``gone`` ones; their relation's name."""
        name: Name = identity[:3]  # type: ignore[assignment]
        summed = self.sums.get(name)
        if summed is None:
            summed = self.sums[name] = Sum()
            insort(self.names, name)
        whole, per_type = self.whole, self.per_type
        for incident in gone:
            summed.remove(incident)
            whole.remove(incident)
            per_type[incident.type] -= 1
        for incident in fresh:
            summed.add(incident)
            whole.add(incident)
            per_type[incident.type] += 1
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
        counts = dict(sorted((kind.value, count) for kind, count in self.per_type.items() if count))
        relations = tuple(map(self.relations.__getitem__, self.names))
        return Tally(relations, len(self.whole.articles), counts, self.whole.first, self.whole.last)

    def weigh(self, reference: dt.date | None, scoring: Scoring) -> None:
        """Every incident weighed from ``reference``."""
        self.reference, self.weighed, self.score, self.gross = reference, {}, 0, 0
        ranked = []
        for identity, run in self.found.items():
            totals, shares = self.weighed[identity] = weights(run, reference, scoring)
            self.score += sum(map(mul, map(units, shares), map(len, map(_facts, run))))
            self.gross += sum(map(exact, totals))
            ranked.extend(_ranked(identity, total, incident) for total, incident in zip(totals, run))
        self.ranked = SortedList(ranked)

    def reweigh(self, identity: Identity, was: list[Incident], spans: list[Span], scoring: Scoring) -> None:
        """The weights of an identity's incidents ``was``, of which ``spans`` were replaced."""
        assert self.weighed is not None and self.ranked is not None
        totals, shares = self.weighed.get(identity, ([], []))
        new_totals: list[float] = []
        new_shares: list[float] = []
        done = 0
        for start, end, fresh in spans:
            for incident, total, share in zip(was[start:end], totals[start:end], shares[start:end]):
                self.score -= units(share) * len(incident.facts)
                self.gross -= exact(total)
                self.ranked.remove(_ranked(identity, total, incident))
            weighed = weights(fresh, self.reference, scoring)
            for incident, total, share in zip(fresh, *weighed):
                self.score += units(share) * len(incident.facts)
                self.gross += exact(total)
                self.ranked.add(_ranked(identity, total, incident))
            new_totals += totals[done:start]
            new_totals += weighed[0]
            new_shares += shares[done:start]
            new_shares += weighed[1]
            done = end
        new_totals += totals[done:]
        new_shares += shares[done:]
        if new_totals:
            self.weighed[identity] = new_totals, new_shares
        else:
            self.weighed.pop(identity, None)

    def strongest(self, scoring: Scoring) -> tuple[Highlight, ...]:
        """The highlights of the strongest incidents."""
        assert self.ranked is not None
        top = tuple(self.ranked.islice(0, scoring.strongest))
        if top != self.top[0]:
            self.top = top, tuple(alliances.highlight(entry[5], entry[6]) for entry in top)
        return self.top[1]


def _ranked(identity: Identity, total: float, incident: Incident) -> Ranked:
    head = incident.facts[0]
    day = head.date
    return -abs(total), identity, day.toordinal() if day else 0, head.zone or "", head.event_id, total, incident


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
            "sources": len(summed.articles),
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


def grown(table: str, key: str, facts: Sequence[Fact], as_of: dt.date | None = None) -> Grown:
    """The row ``table[key]`` holding ``facts`` (canonical), built whole, with its parts."""
    if table not in (ALLIANCES, ZONES):
        raise ValueError(f"unknown table {table!r}")
    scoring = default()
    held = Facts.of(facts)
    reports = group(held)
    found = {identity: incidents_of(identity, run, scoring.window_days) for identity, run in reports.items()}
    parts = Parts(0, reports, found, {}, {}, [], Sum(), Counter())
    parts.related({parts.taken(identity, (), run) for identity, run in found.items()})
    if table == ZONES:
        mention = zones.mention(held, scoring)
        kind = None if mention is None else mention[1]
        dated = zones.dated(held, scoring)
        runs = zones.runs_from(dated, scoring)
        parts.timeline = Timeline(mention, dated, runs, zones.steps(runs, kind, scoring))
    return _assembled(table, key, held, parts, as_of, scoring, None)


def grow(row: Grown, new: Iterable[Fact]) -> Grown:
    """``row`` with ``new`` facts added; ``row`` itself when they change none of its facts.

    Of two facts with one event id, the row keeps the one :func:`~agents.reduce.facts.preferred`
    keeps, as a build of all of them does.
    """
    held = row.state.facts
    added: list[Fact] = []
    replaced: list[Fact] = []
    for item in canonical(list(new)):
        if (old := find(held, item.event_id)) is not None:
            better = preferred(old, item)
            if better is old or better == old:
                continue
            replaced.append(old)
            item = better
        added.append(item)
    if not added:
        return row
    scoring = default()
    as_of = row.state.as_of
    parts = row.parts if row.parts.turn == row.turn else grown(row.table, row.key, held, as_of).parts
    parts.turn = -1  # no row's until this growth is done (should it fail half way)
    facts = Facts.of(held).merged(added, replaced)
    changed = _regroup(parts, added, replaced, scoring.window_days)
    parts.related({parts.taken(identity, _gone(was, spans), _fresh(spans)) for identity, was, spans in changed})
    if parts.timeline is not None:
        parts.timeline = _timeline(parts.timeline, facts, added, replaced, scoring)
    return _assembled(row.table, row.key, facts, parts, as_of, scoring, changed, row.turn + 1)


def _gone(was: list[Incident], spans: list[Span]) -> Iterable[Incident]:
    return chain.from_iterable(was[start:end] for start, end, _ in spans)


def _fresh(spans: list[Span]) -> Iterable[Incident]:
    return chain.from_iterable(fresh for _, _, fresh in spans)


def _regroup(
    parts: Parts, added: list[Fact], replaced: list[Fact], window: int
) -> list[tuple[Identity, list[Incident], list[Span]]]:
    """The reports and incidents of ``parts`` with ``added`` facts, in place of ``replaced`` ones:
    each identity they touch, with its incidents before and the spans of them replaced, in the
    order they were (a re-extraction's report taken out, then new ones put in)."""
    reports, found = parts.reports, parts.found
    changed = []
    for identity, gone in sorted(group(replaced).items()):
        for report in gone:
            was = found[identity]
            run, found[identity], spans = _without(identity, reports[identity], was, report, window)
            changed.append((identity, was, spans))
            if run:
                reports[identity] = run
            else:
                del reports[identity], found[identity]
    for identity, new in sorted(group(added).items()):
        was = found.get(identity, [])
        if identity in reports:
            reports[identity], found[identity], spans = _regrouped(identity, reports[identity], was, new, window)
        else:
            reports[identity], found[identity] = new, incidents_of(identity, new, window)
            spans = [(0, 0, found[identity])]
        changed.append((identity, was, spans))
    return changed


def _without(
    identity: Identity, run: list[Report], found: list[Incident], gone: Report, window: int
) -> tuple[list[Report], list[Incident], list[Span]]:
    """The reports of one identity less ``gone``, their incidents, grouped again from the nearest
    report no incident reaches before it up to where the grouping settles, and the span replaced."""
    out = bisect_left(run, gone)
    low = out
    while low > 0 and not _quiet(run, found, low, window):
        low -= 1
    rest = [*run[low:out], *run[out + 1 :]]

    def settled(index: int) -> bool:
        return _quiet(run, found, low + index + 1, window)  # a report after the one gone

    grouped, stop = incidents_until(identity, rest, window, settled, out - low) if rest else ([], 0)
    end = len(found) if stop == len(rest) else _placed(run, found, low + stop + 1, 0)
    span = _trimmed(found, _placed(run, found, low, 0), end, grouped)
    return [*run[:out], *run[out + 1 :]], _spliced(found, [span]), [span]


def _regrouped(
    identity: Identity, run: list[Report], found: list[Incident], new: list[Report], window: int
) -> tuple[list[Report], list[Incident], list[Span]]:
    """The reports of one identity with ``new`` ones, their incidents, grouped again only around
    the new reports, and the spans of ``found`` replaced (those that came out the same left out).

    ``run`` is sorted and ``found`` are its incidents, by first report. Grouping again starts at
    the nearest report before a new one at which no incident is open, the grouping having read
    the reports before it (:func:`_quiet`); after a new report, it stops at the first report at
    which none is open, in the grouping before as in this one: from there to the next new report,
    the incidents are those found before.
    """
    merged = list(run)
    for report in new:
        insort(merged, report)
    places = sorted(bisect_left(merged, report) for report in new)

    def quiet(index: int) -> bool:
        return _quiet(merged, found, index, window)

    def settled(index: int, low: int) -> bool:
        return quiet(low + index)

    def placed(index: int) -> int:
        return _placed(merged, found, index, bisect_left(places, index))

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
    return merged, _spliced(found, spans), spans


def _quiet(run: list[Report], found: list[Incident], index: int, window: int) -> bool:
    """Whether no incident of ``found`` is open at the report ``index`` of ``run``: none begun by a
    report before it within ``window`` days (undated reports are each an incident of their own, and
    come first). ``found`` are the incidents of ``run``'s reports before ``index``, and maybe of more."""
    day = run[index][0]
    if day == 0:
        return True
    reach = bisect_left(found, day - window, key=_first)
    return reach == len(found) or _head(found[reach]) >= run[index][:3]


def _placed(run: list[Report], found: list[Incident], index: int, new: int) -> int:
    """How many incidents of ``found`` come before the report ``index`` of ``run``, at which none is
    open (:func:`_quiet`); ``new`` of the reports before it are not ``found``'s."""
    day = run[index][0]
    return bisect_left(found, day, key=_first) if day else index - new


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
    return start + head, end - tail, grouped[head : len(grouped) - tail]


def _spliced(found: list[Incident], spans: list[Span]) -> list[Incident]:
    """``found`` with each span replaced by its new incidents."""
    out: list[Incident] = []
    done = 0
    for start, end, fresh in spans:
        out += found[done:start]
        out += fresh
        done = end
    out += found[done:]
    return out


_AHEAD = 32
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
        dated = sorted([*(entry for entry in old if entry[2] not in gone), *fresh], key=_dated_key)
        runs, first = _runs_after(was.runs, dated, changed, len(old), scoring)
    if kind == (None if was.mention is None else was.mention[1]):
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
    table: str,
    key: str,
    facts: Facts,
    parts: Parts,
    as_of: dt.date | None,
    scoring: Scoring,
    changed: list[tuple[Identity, list[Incident], list[Span]]] | None,
    turn: int = 0,
) -> Grown:
    """The row from its parts; ``changed`` (see :func:`_regroup`) are the incidents to weigh again,
    ``None`` for all."""
    counted = parts.tally()
    state: State
    if parts.timeline is None:
        reference = alliances.reference(as_of, counted)
        if changed is None or reference != parts.reference:
            parts.weigh(reference, scoring)
        else:
            for identity, was, spans in changed:
                parts.reweigh(identity, was, spans, scoring)
        sums = parts.score, parts.gross
        strongest = parts.strongest(scoring)
        state = alliances.state(key, facts, counted, parts.whole.count, sums, strongest, as_of, scoring)
    else:
        typed: defaultdict[PloverType, list[Fact]] = defaultdict(list)
        for identity in sorted(parts.found):
            if identity[2] in zones.ROLES:
                typed[identity[2]].extend(chain.from_iterable(map(_facts, parts.found[identity])))
        timeline = parts.timeline
        kind = None if timeline.mention is None else timeline.mention[1]
        state = zones.row(key, facts, typed, counted, kind, timeline.steps, as_of, scoring)
    parts.turn = turn
    return Grown(table, key, state, parts, turn)
