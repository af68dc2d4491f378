"""Goldstein-style scoring of incidents: type weight × modality × confidence × corroboration × decay.

An incident's weight is shared equally by its reports, each share rounded to
:data:`PLACES` decimals; a pair's score is the sum of those shares, so the
contributions the audit lists add up to the score shown. Sums are kept exact, as integers
(:func:`units`, :func:`exact`), so that a score or a magnitude added up one incident at a time, in
any order, is the very float a sum over all of them gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache

from agents.reduce.config import Scoring
from agents.reduce.facts import Incident
from schemas.state import Stance

PLACES = 4
_SCALE = 10.0**PLACES
_EXACT = 2.0**46

Weighed = tuple[list[float], list[float]]


def decay(day: dt.date | None, reference: dt.date | None, scoring: Scoring) -> float:
    """``0.5 ** (age / half_life)``, age in days before ``reference`` (never negative).

    An incident with no date, or a row with no reference date, takes ``scoring.undated``.
    """
    if day is None or reference is None:
        return scoring.undated
    return halving(reference.toordinal() - day.toordinal(), scoring.half_life_days)


@cache
def halving(age: int, half_life: float) -> float:
    """``0.5 ** (age / half_life)``, an age in days counted as 0 when negative.

    Computed once an age: rows span a few thousand days at most, and a cache lookup
    is cheaper than the power.
    """
    return 0.5 ** (max(0, age) / half_life)


def rounded(value: float) -> float:
    """``round(value, PLACES)``, the very same float, mostly without the decimal string ``round`` makes.

    ``round`` rounds the exact decimal value half to even and returns the float nearest that
    decimal: ``whole / 10 ** PLACES`` for an integer ``whole`` (float division rounds correctly).
    Below :data:`_EXACT`, ``value * 10 ** PLACES`` is off its exact value by under 0.01, so when
    it is further than that from a half its nearest integer is ``whole``. Near a half, at zero
    (whose sign ``round`` keeps) and far out, ``round`` it is.
    """
    scaled = value * _SCALE
    if -_EXACT < scaled < _EXACT and (whole := round(scaled)) and abs(scaled - whole) < 0.49:
        return whole / _SCALE
    return round(value, PLACES)


def units(share: float) -> int:
    """A share (:func:`rounded` to :data:`PLACES`) in units of ``10 ** -PLACES``: exactly its decimal."""
    return round(share * _SCALE)


def points(total: int) -> float:
    """The score of shares summing to ``total`` :func:`units`: the float nearest their exact sum."""
    return total / _SCALE


def exact(value: float) -> int:
    """``abs(value)`` exactly, in units of ``2 ** -_BITS`` (every float is a whole number of them)."""
    numerator, denominator = abs(value).as_integer_ratio()
    return numerator << (_BITS + 1 - denominator.bit_length())


def magnitude(total: int) -> float:
    """The float nearest a sum of :func:`exact` values adding up to ``total`` (correctly rounded)."""
    return total / _UNIT


_BITS = 1074
"""The exponent of the smallest positive float, ``2 ** -1074``."""
_UNIT = 1 << _BITS


def weights(found: Sequence[Incident], reference: dt.date | None, scoring: Scoring) -> Weighed:
    """The signed weight of each incident relative to ``reference``, and what each of its reports
    contributes (the weight shared by its reports, :func:`rounded` to :data:`PLACES`).

    An incident's modality and highest confidence count; ``n`` independent sources (the distinct
    outlets its reports originate from) multiply it by ``n ** exponent``. One loop over a row's
    incidents, :func:`decay` inlined: this runs once per incident of every row a fold builds.
    """
    kinds, modalities, exponent = scoring.weights, scoring.modality, scoring.exponent
    if len(found) > _FEW:  # plain dicts: read once an incident, faster to index than the read-only views
        kinds, modalities = dict(kinds), dict(modalities)
    half_life, undated = scoring.half_life_days, scoring.undated
    end = None if reference is None else reference.toordinal()
    totals, shares = [], []
    for kind, _, _, _, day, _, facts, outlets, modality, confidence, _, _ in found:
        factor = undated if day is None or end is None else halving(end - day.toordinal(), half_life)
        corroboration = 1.0 if outlets == 1 else outlets**exponent
        total = kinds[kind] * modalities[modality] * confidence * corroboration * factor
        totals.append(total)
        shares.append(rounded(total / len(facts)))
    return totals, shares


_FEW = 8
"""Up to this many incidents (a step's), copying the scoring's tables costs more than it saves."""


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
