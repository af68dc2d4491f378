"""A row built again with a few more facts, reusing what its last build computed from the others.

A live row grows a few facts at a time (a reduce batch on Kafka), and :func:`~agents.reduce.rows.build`
reads every fact of the row again, so the cost of each change grows with the row's history.
:class:`Grown` keeps, beside a row, what its build computed that new facts leave as it was: the
reports and incidents of each identity (no incident spans two), and for a zone its greatest kind
mention, its dated status reports and their runs. :func:`grow` groups only the new facts,
recomputes the incidents of the identities they touch and the status runs from the first one they
can change; what the row reads from all its incidents (scores, relations, parties...) is read
again. The row is the very one ``build`` gives for the same facts.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

from agents.reduce import alliances, zones
from agents.reduce.config import Scoring, default
from agents.reduce.facts import (
    Identity,
    Incident,
    Report,
    Summed,
    canonical,
    find,
    getter,
    group,
    incidents_of,
    incidents_until,
    merged,
    preferred,
    relation,
    tally,
)
from agents.reduce.rows import State
from agents.reduce.score import weights
from agents.reduce.zones import Dated, Mention, Run
from schemas.event import PloverType
from schemas.state import AllianceState, Fact, ZoneState, ZoneStep

Name = tuple[str, str, PloverType]
"""A relation's source, target (``""`` if none) and type: its reports' identity less the modality,
so that names sort as relations do."""
_name = itemgetter(0, 1, 2)
_facts = getter("facts")
_dated_key = itemgetter(0, 1, 2)  # day, precedence, event id: unique in a row


@dataclass(frozen=True, slots=True)
class Timeline:
    """What a zone row's build computed for its kind and timeline."""

    mention: Mention | None
    dated: list[Dated]
    runs: list[Run]
    steps: tuple[ZoneStep, ...]


@dataclass(frozen=True, slots=True)
class Grown:
    """A row and what its build computed from its facts; never changed in place (see :func:`grow`)."""

    table: str
    key: str
    state: State
    reports: dict[Identity, list[Report]]
    found: dict[Identity, list[Incident]]
    order: tuple[Identity, ...]
    """The identities of ``found``, sorted: the order of the row's incidents."""
    summed: dict[Name, Summed]
    """Each relation with its articles, under its :data:`Name`."""
    timeline: Timeline | None = None
    """A zone row's; ``None`` for an alliance."""
    weighed: Weights | None = None
    """An alliance row's: the weights of each identity's incidents (the list of ``found`` they were
    weighed from, their totals and shares) relative to the day the row is weighed from."""


def grown(table: str, key: str, facts: tuple[Fact, ...], as_of: dt.date | None = None) -> Grown:
    """The row ``table[key]`` holding ``facts`` (canonical), built whole, with its parts."""
    if table not in (AllianceState.TABLE, ZoneState.TABLE):
        raise ValueError(f"unknown table {table!r}")
    scoring = default()
    reports = group(facts)
    found = {identity: incidents_of(identity, run, scoring.window_days) for identity, run in reports.items()}
    order = tuple(sorted(found))
    timeline = None
    if table == ZoneState.TABLE:
        mention = zones.mention(facts, scoring)
        kind = None if mention is None else mention[1]
        dated = zones.dated(facts, scoring)
        runs = zones.runs_from(dated, scoring)
        timeline = Timeline(mention, dated, runs, zones.steps(runs, kind, scoring))
    summed = _summed(found, order)
    return _assembled(table, key, facts, reports, found, order, summed, timeline, as_of, scoring)


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
    window = scoring.window_days
    facts = merged(held, added, replaced)
    reports, found = dict(row.reports), dict(row.found)
    moved = group(replaced)  # the identities a re-extraction takes reports from: grouped again whole
    for identity, run in moved.items():
        gone = {report[2] for report in run}
        reports[identity] = [report for report in reports[identity] if report[2] not in gone]
    grouped = group(added)
    for identity, run in grouped.items():
        if identity in moved or identity not in reports:
            reports[identity] = [*reports.get(identity, ()), *run]
        else:
            regrouped = _regrouped(identity, reports[identity], found[identity], run, window)
            reports[identity], found[identity] = regrouped
    for identity in moved.keys() | (reports.keys() - row.reports.keys()):
        if reports[identity]:
            found[identity] = incidents_of(identity, reports[identity], window)
        else:
            del reports[identity], found[identity]
    order = row.order if found.keys() == row.found.keys() else tuple(sorted(found))
    summed = dict(row.summed)
    touched = {_name(identity) for identity in chain(moved, grouped)}
    for name in touched:  # summed again below, unless no incident of theirs is left
        summed.pop(name, None)
    summed.update(_summed(found, order, touched))
    timeline = None
    if row.timeline is not None:
        timeline = _timeline(row.timeline, facts, added, replaced, scoring)
    return _assembled(
        row.table,
        row.key,
        facts,
        reports,
        found,
        order,
        summed,
        timeline,
        row.state.as_of,
        scoring,
        row.weighed,
    )


def _regrouped(
    identity: Identity, run: list[Report], found: list[Incident], new: list[Report], window: int
) -> tuple[list[Report], list[Incident]]:
    """The reports of one identity with ``new`` ones, and their incidents, grouped again only
    around the new reports.

    ``run`` is sorted and ``found`` are its incidents, by first report. Grouping again starts at a
    report no incident reaches whatever came before it: one more than ``window`` days after the
    report before it (undated reports, each an incident of its own, come first). After a new
    report, it stops at the first report of a day that no incident reaches, in the grouping before
    as in this one: from there to the next new report, the incidents are those found before.
    """
    merged = list(run)
    for report in new:
        insort(merged, report)
    places = sorted(bisect_left(merged, report) for report in new)
    out: list[Incident] = []
    taken = 0  # the incidents of ``found`` before the first report not grouped yet
    end = 0  # that report
    at = 0
    while at < len(places):
        low = places[at]
        while low > end and merged[low][0] - merged[low - 1][0] <= window:
            low -= 1
        start = bisect_left(found, merged[low][0], key=_first) if low > end else taken
        out.extend(found[taken:start])

        def settled(index: int, low: int = low) -> bool:
            """Whether no incident found before reaches the report ``low + index``, first of its day."""
            day = merged[low + index][0]
            if day == 0 or merged[low + index - 1][0] == day:
                return False
            reach = bisect_left(found, day - window, key=_first)
            return reach == len(found) or _first(found[reach]) >= day

        after = places[at] - low + 1
        span = after + _AHEAD
        while True:  # grouped on a slice that grows until it settles or holds the rest of the run
            grouped, stop = incidents_until(identity, merged[low : low + span], window, settled, after)
            if stop < span or low + span >= len(merged):
                break
            span *= 2
        out.extend(grouped)
        end = low + stop
        if end == len(merged):
            return merged, out
        taken = bisect_left(found, merged[end][0], key=_first)
        at = bisect_left(places, end)
    out.extend(found[taken:])
    return merged, out


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


def _summed(
    found: dict[Identity, list[Incident]], order: Sequence[Identity], names: Set[Name] | None = None
) -> dict[Name, Summed]:
    """The relations of the incidents ``found`` (of ``names`` only, if given), each under its name."""
    runs: dict[Name, list[Incident]] = {}
    for identity in order:
        name = _name(identity)
        if names is None or name in names:
            runs.setdefault(name, []).extend(found[identity])
    return {name: relation(run) for name, run in runs.items()}


def _assembled(
    table: str,
    key: str,
    facts: tuple[Fact, ...],
    reports: dict[Identity, list[Report]],
    found: dict[Identity, list[Incident]],
    order: tuple[Identity, ...],
    summed: dict[Name, Summed],
    timeline: Timeline | None,
    as_of: dt.date | None,
    scoring: Scoring,
    known: Weights | None = None,
) -> Grown:
    counted = tally(map(summed.__getitem__, sorted(summed)))
    state: State
    weighed = None
    if timeline is None:
        every = list(chain.from_iterable(map(found.__getitem__, order)))
        weighed = _weighed(found, order, alliances.reference(as_of, counted), known, scoring)
        totals = list(chain.from_iterable(weighed.parts[identity][1] for identity in order))
        shares = list(chain.from_iterable(weighed.parts[identity][2] for identity in order))
        state = alliances.row(key, facts, every, counted, as_of, scoring, (totals, shares))
    else:
        typed: defaultdict[PloverType, list[Fact]] = defaultdict(list)
        for identity in order:
            if identity[2] in zones.ROLES:
                typed[identity[2]].extend(chain.from_iterable(map(_facts, found[identity])))
        kind = None if timeline.mention is None else timeline.mention[1]
        state = zones.row(key, facts, typed, counted, kind, timeline.steps, as_of, scoring)
    return Grown(table, key, state, reports, found, order, summed, timeline, weighed)


@dataclass(frozen=True, slots=True)
class Weights:
    """The weights of an alliance row's incidents, identity by identity, relative to ``reference``."""

    reference: dt.date | None
    parts: dict[Identity, tuple[list[Incident], list[float], list[float]]]


def _weighed(
    found: dict[Identity, list[Incident]],
    order: Sequence[Identity],
    reference: dt.date | None,
    known: Weights | None,
    scoring: Scoring,
) -> Weights:
    """The weights of ``found`` relative to ``reference``: those ``known`` relative to the same day
    are kept, of every incident that is the very one they were weighed from."""
    kept = {} if known is None or known.reference != reference else known.parts
    parts = {}
    for identity in order:
        run = found[identity]
        held = kept.get(identity)
        if held is None:
            parts[identity] = (run, *weights(run, reference, scoring))
        elif held[0] is run:
            parts[identity] = held
        else:
            parts[identity] = _reweighed(run, held, reference, scoring)
    return Weights(reference, parts)


def _reweighed(
    run: list[Incident],
    held: tuple[list[Incident], list[float], list[float]],
    reference: dt.date | None,
    scoring: Scoring,
) -> tuple[list[Incident], list[float], list[float]]:
    """The weights of ``run``, those of the incidents ``held`` weighed already kept."""
    was, totals, shares = held
    place = {id(incident): at for at, incident in enumerate(was)}
    spots = [place.get(id(incident)) for incident in run]
    fresh = [incident for incident, at in zip(run, spots, strict=True) if at is None]
    new_totals, new_shares = weights(fresh, reference, scoring) if fresh else ([], [])
    out_totals, out_shares = [], []
    taken = 0
    for at in spots:
        if at is None:
            out_totals.append(new_totals[taken])
            out_shares.append(new_shares[taken])
            taken += 1
        else:
            out_totals.append(totals[at])
            out_shares.append(shares[at])
    return run, out_totals, out_shares
