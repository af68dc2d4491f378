"""Goldstein-style scoring of incidents: type weight × modality × confidence × corroboration × decay.

An incident's weight is shared equally by its reports, each share rounded to
:data:`PLACES` decimals; a pair's score is the sum of those shares, so the
contributions the audit lists add up to the score shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from agents.reduce.config import Scoring
from agents.reduce.facts import Incident
from schemas.state import Stance

PLACES = 4

Weighed = tuple[list[float], list[float]]


def decay(day: dt.date | None, reference: dt.date | None, scoring: Scoring) -> float:
    """``0.5 ** (age / half_life)``, age in days before ``reference`` (never negative).

    An incident with no date, or a row with no reference date, takes ``scoring.undated``.
    """
    if day is None or reference is None:
        return scoring.undated
    age = max(0, (reference - day).days)
    return 0.5 ** (age / scoring.half_life_days)


def weights(found: Sequence[Incident], reference: dt.date | None, scoring: Scoring) -> Weighed:
    """The signed weight of each incident relative to ``reference``, and what each of its reports
    contributes (the weight shared by its reports, rounded to :data:`PLACES`).

    An incident's modality and highest confidence count; ``n`` independent articles
    multiply it by ``n ** exponent``. One loop over a row's incidents, the decay
    computed once a date: this runs once per incident of every row a fold builds.
    """
    # plain dicts: read once an incident, they are faster to index than the read-only views
    kinds, modalities, exponent = dict(scoring.weights), dict(scoring.modality), scoring.exponent
    decays: dict[dt.date | None, float] = {}
    totals, shares = [], []
    for kind, _, _, _, day, _, facts, articles, modality, confidence, _ in found:
        factor = decays.get(day)
        if factor is None:
            factor = decays[day] = decay(day, reference, scoring)
        corroboration = 1.0 if articles == 1 else articles**exponent
        total = kinds[kind] * modalities[modality] * confidence * corroboration * factor
        totals.append(total)
        shares.append(round(total / len(facts), PLACES))
    return totals, shares


def stance(score: float, magnitude: float, scoring: Scoring) -> Stance:
    """The stance of a pair with net ``score`` and gross ``magnitude`` (sum of absolute weights).

    Its tone, ``score / magnitude``, and its score must both reach a stance's
    thresholds in ``scoring``; the friendliest (or most hostile) one reached wins.
    """
    tone = score / magnitude if magnitude else 0.0
    for name in ("allied", "cooperative"):
        min_tone, min_score = scoring.thresholds[name]
        if tone >= min_tone and score >= min_score:
            return name
    for name in ("hostile", "tense"):
        max_tone, max_score = scoring.thresholds[name]
        if tone <= max_tone and score <= max_score:
            return name
    return "neutral"
