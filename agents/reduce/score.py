"""Goldstein-style scoring of incidents: type weight × modality × confidence × corroboration × decay.

An incident's weight is shared equally by its reports, each share rounded to
:data:`PLACES` decimals; a pair's score is the sum of those shares, so the
contributions the audit lists add up to the score shown.
"""

from __future__ import annotations

import datetime as dt

from agents.reduce.config import Scoring
from agents.reduce.facts import Incident
from schemas.state import Stance

PLACES = 4


def decay(day: dt.date | None, reference: dt.date | None, scoring: Scoring) -> float:
    """``0.5 ** (age / half_life)``, age in days before ``reference`` (never negative).

    An incident with no date, or a row with no reference date, takes ``scoring.undated``.
    """
    if day is None or reference is None:
        return scoring.undated
    age = max(0, (reference - day).days)
    return 0.5 ** (age / scoring.half_life_days)


def weight(incident: Incident, reference: dt.date | None, scoring: Scoring) -> float:
    """The signed weight of one incident relative to ``reference``.

    Its modality and highest confidence count; ``n`` independent articles
    multiply it by ``n ** exponent``.
    """
    modality, confidence = scoring.modality[incident.modality], incident.confidence
    corroboration = 1.0 if incident.articles == 1 else incident.articles**scoring.exponent
    return (
        scoring.weights[incident.type]
        * modality
        * confidence
        * corroboration
        * decay(incident.date, reference, scoring)
    )


def share(total: float, incident: Incident) -> float:
    """What each report of an incident of weight ``total`` contributes, rounded to :data:`PLACES`."""
    return round(total / len(incident.facts), PLACES)


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
