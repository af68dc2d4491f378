"""The alliance table: one row per unordered actor pair, scored from the set of its facts."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Sequence
from operator import mul

from agents.reduce.config import Scoring
from agents.reduce.facts import Incident, Tally, getter, incidents, relations, tally
from agents.reduce.score import PLACES, Weighed, exact, magnitude, points, stance, units, weights
from agents.speed import assemble
from schemas.state import AllianceState, Fact, Highlight


def build(key: str, facts: tuple[Fact, ...], as_of: dt.date | None, scoring: Scoring) -> AllianceState:
    """The row of pair ``key`` (``"A|B"``) holding ``facts`` (canonical: one per id, sorted by id).

    ``score`` sums every report's share of its incident's weight, relative to
    ``as_of``, else to the newest event date of the row.
    """
    found = incidents(facts, scoring.window_days)
    return row(key, facts, found, tally(relations(found)), as_of, scoring)


def row(
    key: str,
    facts: tuple[Fact, ...],
    found: Sequence[Incident],
    summed: Tally,
    as_of: dt.date | None,
    scoring: Scoring,
    weighed: Weighed | None = None,
) -> AllianceState:
    """The row of pair ``key`` holding ``facts``, from their incidents (in the order of
    ``incidents``) and their tally; ``weighed`` are their :func:`~agents.reduce.score.weights`
    relative to :func:`reference`, when known."""
    totals, shares = weighed or weights(found, reference(as_of, summed), scoring)
    score = sum(map(mul, map(units, shares), map(len, map(_facts, found))))
    gross = sum(map(exact, totals))
    magnitudes = list(map(abs, totals))
    strongest = heapq.nlargest(scoring.strongest, range(len(found)), key=magnitudes.__getitem__)
    highlights = tuple(highlight(totals[at], found[at]) for at in strongest)
    return state(key, facts, summed, len(found), (score, gross), highlights, as_of, scoring)


def state(
    key: str,
    facts: Sequence[Fact],
    summed: Tally,
    incidents: int,
    sums: tuple[int, int],
    strongest: tuple[Highlight, ...],
    as_of: dt.date | None,
    scoring: Scoring,
) -> AllianceState:
    """The row of pair ``key`` holding ``facts``, from the tally of its ``incidents``, the sums of
    their shares (:func:`~agents.reduce.score.units`) and of their absolute weights
    (:func:`~agents.reduce.score.exact`), and its strongest incidents' highlights."""
    a, b = key.split("|")
    score = points(sums[0])
    return assemble(
        AllianceState,
        {
            "a": a,
            "b": b,
            "stance": stance(score, magnitude(sums[1]), scoring),
            "score": score,
            "relations": summed.relations,
            "counts": summed.counts,
            "first": summed.first,
            "last": summed.last,
            "events": len(facts),
            "incidents": incidents,
            "sources": summed.sources,
            "reports": summed.reports,
            "strongest": strongest,
            "as_of": as_of,
            "facts": facts,
        },
    )


def reference(as_of: dt.date | None, summed: Tally) -> dt.date | None:
    """The day a pair's incidents are weighed relative to: ``as_of``, else its newest event date."""
    return as_of or summed.last


_facts = getter("facts")


def highlight(total: float, incident: Incident) -> Highlight:
    """How an incident of weight ``total`` shows among a row's strongest: by its first report."""
    head = incident.facts[0]
    return assemble(
        Highlight,
        {
            "event_id": head.event_id,
            "article_id": head.article_id,
            "type": head.type,
            "source": head.source,
            "target": head.target,
            "date": head.date,
            "evidence": head.evidence,
            "sources": incident.outlets,
            "reports": len(incident.reports),
            "weight": round(total, PLACES),
        },
    )
