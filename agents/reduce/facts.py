"""Facts and incidents: what a row keeps of each event, as a set, and how reports corroborate.

A row's facts are a set keyed by event id, stored sorted by id, so a row is a
function of the set of events it was given, whatever their order or repetition.
Reports of one real-world event are grouped into an :class:`Incident`; its independent sources are
the distinct outlets its reports originate from (:mod:`agents.outlets`), its reports its articles.
"""

from __future__ import annotations

import datetime as dt
import sys
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, groupby, islice
from operator import attrgetter, itemgetter
from typing import Annotated, Any, NamedTuple

from pydantic import PlainSerializer, TypeAdapter

from agents.speed import assemble, fields
from schemas.event import Event, PloverType
from schemas.state import Fact, Relation

_event_id = attrgetter("event_id")


_days: dict[dt.date, dt.date] = {}
"""One shared object per date (an interning table, like :func:`sys.intern` for ids): facts span a few
thousand days at most, and a table lookup is cheaper than a bounded cache's."""


def fact(event: Event) -> Fact:
    """The fact a row keeps of ``event``; ids and dates are interned, since many facts share them."""
    return fact_from(fields(event))


def fact_from(fields: dict[str, Any]) -> Fact:
    """:func:`fact` of the event whose fields are ``fields`` (:data:`agents.speed.fields`): a
    fold reads them once, for its fact and its keys."""
    intern = sys.intern
    target, zone, day = fields["target"], fields["zone"], fields["date"] or fields["reported"]
    outlet = fields["outlet"]
    return assemble(
        Fact,
        {
            "event_id": fields["id"],
            "article_id": intern(fields["article_id"]),
            "type": fields["type"],
            "source": intern(fields["source"]),
            "target": None if target is None else intern(target),
            "zone": None if zone is None else intern(zone),
            "date": None if day is None else _days.setdefault(day, day),  # the event date
            "modality": fields["modality"],
            "confidence": fields["confidence"],
            "evidence": fields["evidence"].text,
            "outlet": None if outlet is None else intern(outlet),
        },
    )


def preferred(first: Fact, second: Fact) -> Fact:
    """Of two facts with one event id (a re-extraction), the one every replica keeps, whatever came first."""
    return max(first, second, key=_content)


def _content(item: Fact) -> tuple[object, ...]:
    # Every field an event id leaves out (the rest are equal when ids are).
    return (
        item.confidence,
        item.modality,
        item.evidence,
        (item.date or dt.date.min).toordinal(),
        item.outlet or "",
    )


def find(facts: Sequence[Fact], event_id: str) -> Fact | None:
    """The fact of ``event_id`` in ``facts`` (canonical), if they hold one."""
    if isinstance(facts, Facts):
        return facts.find(event_id)
    at = bisect_left(facts, event_id, key=_event_id)
    return facts[at] if at < len(facts) and facts[at].event_id == event_id else None


class Facts(Sequence[Fact]):
    """A row's facts (canonical: one per id, sorted by id) in a shallow tree: groups of
    :data:`_FANOUT` to twice as many chunks of :data:`_CHUNK` to twice as many facts.

    A copy with more facts (:meth:`merged`) shares the tree and keeps the facts it adds aside,
    until it is read or they grow to half the tree: then they are put in at once, each
    chunk they fall in copied once, the rest shared. A live row growing by a few facts a step, and
    read seldom, so copies each chunk once in many steps, not once a fact.

    Equal to the tuple of the same facts (and serialised as one); a grown row holds its facts so.
    The lists it holds are never changed once made; what it keeps aside is put in once, in a tree
    of its own stored in one step (a reader in another thread sees the tree before or after).
    """

    __slots__ = ("_held", "_size")

    def __init__(self, groups: list[Group], size: int, aside: Aside | None = None) -> None:
        self._size = size
        self._held: Tree = (groups, [heads[0] for _, heads in groups], aside)

    @classmethod
    def of(cls, facts: Sequence[Fact]) -> Facts:
        """``facts`` (canonical) in a tree."""
        if isinstance(facts, Facts):
            return facts
        return cls(_grouped(_cut(list(facts), _CHUNK)), len(facts))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Fact]:
        return chain.from_iterable(chain.from_iterable(map(_chunks, self._tree()[0])))

    def __reversed__(self) -> Iterator[Fact]:
        return reversed(tuple(self))

    def __getitem__(self, index: Any) -> Any:  # an int gives a fact, a slice a tuple of facts
        if isinstance(index, slice):
            return tuple(self)[index]
        at = index + self._size if index < 0 else index
        if not 0 <= at < self._size:
            raise IndexError("fact index out of range")
        for chunk in chain.from_iterable(map(_chunks, self._tree()[0])):
            if at < len(chunk):
                return chunk[at]
            at -= len(chunk)
        raise AssertionError("the chunks hold fewer facts than counted")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Facts | tuple):
            return len(self) == len(other) and tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Facts({tuple(self)!r})"

    def find(self, event_id: str) -> Fact | None:
        """The fact of ``event_id``, if held: a bisection of the groups' first ids, of the group's
        chunks' first ids, then of one chunk."""
        groups, heads = self._tree()
        at = bisect_right(heads, event_id) - 1
        if at < 0:
            return None
        chunks, firsts = groups[at]
        chunk = chunks[bisect_right(firsts, event_id) - 1]
        place = bisect_left(chunk, event_id, key=_event_id)
        return chunk[place] if place < len(chunk) and chunk[place].event_id == event_id else None

    def merged(self, new: Sequence[Fact], replaced: Sequence[Fact] = ()) -> Facts:
        """These facts less ``replaced``, with ``new`` (one per id, none of the ids left, the ids
        of ``replaced`` among them), kept aside until read (see the class)."""
        groups, _, aside = self._held
        gone = tuple(item.event_id for item in replaced)
        kept = (aside, tuple(new), gone, (0 if aside is None else aside[3]) + len(new))
        merged = Facts(groups, self._size + len(new) - len(replaced), kept)
        if kept[3] > max(_CHUNK, merged._size // _ASIDE):
            merged._tree()
        return merged

    def _tree(self) -> tuple[list[Group], list[str]]:
        """The groups and their first ids, once the facts kept aside are put in."""
        groups, heads, aside = self._held
        if aside is not None:
            groups = _put(groups, heads, aside)
            heads = [firsts[0] for _, firsts in groups]
            self._held = groups, heads, None
        return groups, heads


def _put(groups: list[Group], heads: list[str], aside: Aside) -> list[Group]:
    """The groups of a tree with the facts kept ``aside`` put in: each chunk they fall in is copied,
    with its group's list of chunks and the list of groups, and the rest shared (a fact put in later
    replaces one put in earlier or held, of its id)."""
    batches: list[tuple[Fact, ...]] = []
    gone: set[str] = set()
    link: Aside | None = aside
    while link is not None:
        link, batch, replaced, _ = link
        batches.append(batch)
        gone.update(replaced)
    latest = {item.event_id: item for batch in reversed(batches) for item in batch}
    if not groups:
        return _grouped(_cut(sorted(latest.values(), key=_event_id), _CHUNK))
    groups = groups[:]
    places: dict[int, dict[int, list[Fact]]] = {}
    for ident in sorted(latest):
        at = max(bisect_right(heads, ident) - 1, 0)
        place = max(bisect_right(groups[at][1], ident) - 1, 0)
        places.setdefault(at, {}).setdefault(place, []).append(latest[ident])
    for at in sorted(places, reverse=True):  # from the last, so that places before stand
        chunks, firsts = groups[at][0][:], groups[at][1][:]
        for place, items in sorted(places[at].items(), reverse=True):
            chunk = chunks[place]
            if gone:
                chunk = [item for item in chunk if item.event_id not in gone]
            chunk = sorted(chunk + items, key=_event_id)  # two sorted runs: merged in one pass
            cut = _cut(chunk, _CHUNK) if len(chunk) > 2 * _CHUNK else [chunk]
            chunks[place : place + 1] = cut
            firsts[place : place + 1] = [part[0].event_id for part in cut]
        if len(chunks) > 2 * _FANOUT:
            groups[at : at + 1] = zip(_cut(chunks, _FANOUT), _cut(firsts, _FANOUT), strict=True)
        else:
            groups[at] = chunks, firsts
    return groups


Group = tuple[list[list[Fact]], list[str]]
"""A group of :class:`Facts`: its chunks, and the event id of each one's first fact."""
Aside = tuple[Any, tuple[Fact, ...], tuple[str, ...], int]
"""Facts a :class:`Facts` keeps aside: those kept before (an ``Aside`` or ``None``), the last
added and the ids of the facts they replace, and how many were added in all."""
Tree = tuple[list[Group], list[str], Aside | None]
"""What a :class:`Facts` holds: its groups, the event id of each one's first fact (bisected with no
key function, a C loop), and the facts it keeps aside."""


def _grouped(chunks: list[list[Fact]]) -> list[Group]:
    """``chunks`` in groups of :data:`_FANOUT`."""
    return [(part, [chunk[0].event_id for chunk in part]) for part in _cut(chunks, _FANOUT)]


def _cut(items: list[Any], size: int) -> list[list[Any]]:
    """``items`` cut in lists of ``size`` (the last maybe fewer)."""
    return [items[at : at + size] for at in range(0, len(items), size)]


_chunks = itemgetter(0)


Facts.__pydantic_serializer__ = TypeAdapter(  # type: ignore[attr-defined]
    Annotated[Any, PlainSerializer(tuple, return_type=tuple[Fact, ...])]
).serializer
"""A full dump of a row serialises its facts as the tuple they equal (pydantic warns that the field
is not a tuple, and serialises it through this)."""

_CHUNK = 32
"""The least size of a chunk of :class:`Facts` cut in two (chunks hold up to twice as many)."""
_FANOUT = 32
"""The least number of chunks of a group of :class:`Facts` cut in two (groups hold up to twice as
many): a row of 100k facts holds about fifty groups of forty chunks of fifty facts."""
_ASIDE = 2
"""A :class:`Facts` puts the facts it keeps aside in once they are more than this part of it (a
half: each chunk is copied about once in as many facts added as it holds)."""


def canonical(facts: list[Fact]) -> tuple[Fact, ...]:
    """A set of facts (ids may repeat; the list is sorted in place) in canonical form: one per id, by id."""
    facts.sort(key=_event_id)
    if len(set(map(_event_id, facts))) == len(facts):
        return tuple(facts)
    out: list[Fact] = []
    for item in facts:
        if out and out[-1].event_id == item.event_id:
            out[-1] = preferred(out[-1], item)
        else:
            out.append(item)
    return tuple(out)


def ordered(held: dict[str, Fact]) -> tuple[Fact, ...]:
    """A set of facts keyed by event id in canonical form, sorted by id."""
    return tuple(map(held.__getitem__, sorted(held)))


class Incident(NamedTuple):
    """One real-world event: the reports (facts) of the same type, actors, modality and zone close in time.

    ``date`` and ``last`` are its first and last reports' event dates; ``sources``
    are the distinct outlets its reports originate from (its independent sources: a report of no
    outlet counts as one of its own, named by its article), ``outlets`` their number; ``reports``
    are its distinct articles; ``confidence`` is its reports' highest.
    """

    type: PloverType
    source: str
    target: str | None
    zone: str | None
    date: dt.date | None
    last: dt.date | None
    facts: tuple[Fact, ...]
    outlets: int
    modality: str
    confidence: float
    sources: tuple[str, ...]
    reports: tuple[str, ...]


def getter(*names: str) -> itemgetter[Any]:
    """A getter of fields ``names`` of an :class:`Incident`, by position: cheaper than by name."""
    return itemgetter(*map(Incident._fields.index, names))


Report = tuple[int, str, str, Fact, str, float, "dt.date | None", str]
"""A fact as :func:`incidents` sorts it (day ordinal, zone, event id), with the fields it reads once:
its article, confidence, event date, and the source it counts as: the outlet it originates from,
else its article."""


Identity = tuple[str, str, PloverType, str]
"""What the reports of one incident share: source, target (``""`` if none), type and modality."""


def incidents(facts: Iterable[Fact], window_days: int) -> list[Incident]:
    """Group reports into incidents, deterministically for a given set of facts.

    Reports share an incident when they have the same source, target, type and
    modality, name the same zone or leave it unknown, and their event
    dates (own date, else the article's) lie within ``window_days`` after the
    incident's first report. A report with no date at all is an incident of its own.
    Incidents come sorted by source, target, type and modality, then by first report,
    so the incidents of one relation are contiguous.
    """
    groups = group(facts)
    out: list[Incident] = []
    for identity in sorted(groups):
        out.extend(incidents_of(identity, groups[identity], window_days))
    return out


def group(facts: Iterable[Fact]) -> dict[Identity, list[Report]]:
    """The reports of ``facts`` by :data:`Identity`, each in the order given. Each fact is read
    once: on large rows, memory reads, not arithmetic, are what a fold spends its time on."""
    groups: defaultdict[Identity, list[Report]] = defaultdict(list)
    for item in facts:
        day, source, target, kind, modality, zone, ident, article, confidence, outlet = _read(fields(item))
        identity = (source, target or "", kind, modality)
        ordinal = day.toordinal() if day else 0
        report = (ordinal, zone or "", ident, item, article, confidence, day, outlet or article)
        groups[identity].append(report)
    return groups


def incidents_of(identity: Identity, run: list[Report], window_days: int) -> list[Incident]:
    """The incidents of the reports ``run`` of one identity (see :func:`incidents`), by first
    report; ``run`` is sorted in place."""
    return incidents_until(identity, run, window_days)[0]


def incidents_until(
    identity: Identity,
    run: list[Report],
    window_days: int,
    settled: Callable[[int], bool] | None = None,
    after: int = 0,
) -> tuple[list[Incident], int]:
    """:func:`incidents_of` the reports ``run``, stopping at the first report from ``after`` on
    that no open incident reaches and for which ``settled(index)`` holds (the incidents from there
    on are known already); the incidents before it and its index (``len(run)`` if none)."""
    source, target, kind, modality = identity
    target = target or None
    head = (kind, source, target)
    out: list[Incident] = []
    opened: deque[_Open] | tuple[()]
    if len(run) == 1:  # on a large row, most relations are reported once a window: no setup
        opened, following = (), _LAST
    else:
        run.sort()
        opened = deque()
        # a report its successor's window does not reach, with no incident open, is alone
        following = chain(islice(map(_ordinal, run), 1, None), _LAST)
    for index, (report, later) in enumerate(zip(run, following, strict=True)):
        ordinal, zone = report[0], report[1]
        while opened and ordinal - opened[0].start > window_days:
            out.append(opened.popleft().close(head, modality))
        if settled is not None and index >= after and not opened and settled(index):
            return out, index
        if ordinal == 0 or (not opened and ordinal + window_days < later):
            _, _, _, item, article, confidence, day, outlet = report
            where = zone or None
            alone = (
                kind, source, target, where, day, day, (item,), 1, modality, confidence, (outlet,), (article,)
            )  # fmt: skip
            out.append(_tuple(Incident, alone))
            continue
        joined = _joinable(opened, zone) if opened else None
        if joined is None:
            joined = _Open(ordinal, zone, report[6])
            opened.append(joined)
        joined.take(report)
    if opened:
        out.extend(incident.close(head, modality) for incident in opened)
    return out, len(run)


def incident_of(identity: Identity, run: Sequence[Report]) -> Incident:
    """The one incident of the reports ``run`` (sorted, and :func:`incidents_until` would find them
    one incident: a report alone, or dated reports within a window of the first, each joining it)."""
    source, target, kind, modality = identity
    first = run[0]
    opened = _Open(first[0], first[1], first[6])
    for report in run:
        opened.take(report)
    return opened.close((kind, source, target or None), modality)


def joined(incident: Incident, report: Report, place: int) -> Incident:
    """``incident`` with one more report, its ``place``-th (:func:`incident_of` its reports)."""
    _, _, _, item, article, confidence, day, outlet = report
    members = incident.facts
    found, articles = incident.sources, incident.reports
    if outlet not in found:
        found = tuple(sorted((*found, outlet)))
    if article not in articles:
        articles = tuple(sorted((*articles, article)))
    return _tuple(
        Incident,
        (
            incident.type,
            incident.source,
            incident.target,
            incident.zone,
            incident.date,
            day if place == len(members) else incident.last,
            (*members[:place], item, *members[place:]),
            len(found),
            incident.modality,
            max(confidence, incident.confidence),
            found,
            articles,
        ),
    )


_LAST = (sys.maxsize,)
"""What follows a run's last report: a day no window reaches."""


class _Open:
    """An incident still taking reports: its first date, its zone (once one is named) and members,
    with the outlets and articles of its reports."""

    __slots__ = ("articles", "confidence", "first", "last", "members", "sources", "start", "zone")

    def __init__(self, start: int, zone: str, first: dt.date | None) -> None:
        self.start, self.zone, self.first, self.last = start, zone, first, first
        self.members: list[Fact] = []
        self.sources: list[str] = []
        self.articles: list[str] = []
        self.confidence = 0.0

    def take(self, report: Report) -> None:
        """Take ``report`` in (the zone of the first that names one is the incident's)."""
        _, zone, _, item, article, confidence, day, outlet = report
        self.members.append(item)
        self.sources.append(outlet)
        self.articles.append(article)
        self.last = day
        if confidence > self.confidence:
            self.confidence = confidence
        if not self.zone:
            self.zone = zone

    def close(self, head: tuple[PloverType, str, str | None], modality: str) -> Incident:
        found = _distinct(self.sources)
        # tuple.__new__ is what Incident._make does, minus a Python-level call: this runs once a report.
        return _tuple(
            Incident,
            (
                *head,
                self.zone or None,
                self.first,
                self.last,
                tuple(self.members),
                len(found),
                modality,
                self.confidence,
                found,
                _distinct(self.articles),
            ),
        )


def _distinct(names: list[str]) -> tuple[str, ...]:
    """``names`` once each, sorted."""
    return tuple(names) if len(names) == 1 else tuple(sorted(set(names)))


def _joinable(opened: deque[_Open], zone: str) -> _Open | None:
    """The open incident a report of ``zone`` joins: one of the same zone, else one with a zone unknown
    on either side, else none."""
    loose = None
    for incident in opened:
        if incident.zone == zone:
            return incident
        if loose is None and (not incident.zone or not zone):
            loose = incident
    return loose


_tuple = tuple.__new__
# What incidents() reads of a fact, from its instance dict: one attribute lookup, not ten (see fact()).
_read = itemgetter(
    "date", "source", "target", "type", "modality", "zone", "event_id", "article_id", "confidence", "outlet"
)
_ordinal = itemgetter(0)


def span(found: Sequence[Incident]) -> tuple[dt.date | None, dt.date | None]:
    """The first and last event dates of ``found``."""
    # A date is never false, so filter(None, ...) keeps exactly the dated incidents.
    first = min(filter(None, map(_date, found)), default=None)
    return first, max(filter(None, map(_last, found)), default=None)


_date = getter("date")
_last = getter("last")


def bounds(summaries: Sequence[Relation]) -> tuple[dt.date | None, dt.date | None]:
    """The first and last event dates of the incidents ``summaries`` (their :func:`relations`)
    summarise: their :func:`span`, read from a few relations rather than every incident."""
    first = min(filter(None, (relation.first for relation in summaries)), default=None)
    return first, max(filter(None, (relation.last for relation in summaries)), default=None)


Summed = tuple[Relation, set[str], set[str]]
"""A relation with the outlets and the articles reporting it."""


class Tally(NamedTuple):
    """What a row reads from its relations: the relations, sorted (a zone's: those of its
    hostilities at least), its numbers of distinct outlets (its sources) and articles (its
    reports), its incidents per PLOVER type (keys sorted), its first and last event dates."""

    relations: tuple[Relation, ...]
    sources: int
    reports: int
    counts: dict[str, int]
    first: dt.date | None
    last: dt.date | None


def tally(summed: Iterable[Summed]) -> Tally:
    """The :class:`Tally` of a row's relations (:func:`relations`), with their outlets and articles."""
    pairs = list(summed)
    found = tuple(relation for relation, _, _ in pairs)
    per_type: dict[PloverType, int] = {}
    for relation in found:
        kind = relation.type
        per_type[kind] = per_type.get(kind, 0) + relation.count
    first, last = bounds(found)
    outlets = len(set().union(*(outlets for _, outlets, _ in pairs)))
    articles = len(set().union(*(articles for _, _, articles in pairs)))
    typed = dict(sorted((kind.value, count) for kind, count in per_type.items()))
    return Tally(found, outlets, articles, typed, first, last)


def relations(found: Iterable[Incident]) -> Iterator[Summed]:
    """Directed summaries, each with its outlets and articles: per (source, target, type), incidents,
    outlets, articles and first/last dates.

    ``found`` comes in the order :func:`incidents` gives, so the incidents of one relation
    are contiguous and relations come sorted.
    """
    for _, run in groupby(found, key=_relation_key):
        yield relation(list(run))


def relation(run: list[Incident]) -> Summed:
    """The relation of incidents ``run`` (all of one source, target and type), with its outlets and
    articles."""
    head = run[0]
    first, last = span(run)
    outlets = set(chain.from_iterable(map(_sources, run)))
    articles = set(chain.from_iterable(map(_reports, run)))
    summary = assemble(
        Relation,
        {
            "source": head.source,
            "target": head.target,
            "type": head.type,
            "count": len(run),
            "sources": len(outlets),
            "reports": len(articles),
            "first": first,
            "last": last,
        },
    )
    return summary, outlets, articles


_relation_key = getter("source", "target", "type")


def sources(found: Iterable[Incident]) -> int:
    """How many distinct outlets ``found`` originate from."""
    return len(set(chain.from_iterable(map(_sources, found))))


def reports(found: Iterable[Incident]) -> int:
    """How many distinct articles report ``found``."""
    return len(set(chain.from_iterable(map(_reports, found))))


_sources = getter("sources")
_reports = getter("reports")


def counts(found: Iterable[Incident]) -> dict[str, int]:
    """Incidents per PLOVER type, keys sorted."""
    tally = Counter(map(_type, found))
    return dict(sorted((kind.value, number) for kind, number in tally.items()))


_type = getter("type")
