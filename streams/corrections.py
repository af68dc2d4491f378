"""Making a correction of the record, from the command line or the API: check it, log it.

A correction is refused with one line (:class:`~streams.runtime.base.Refused`) when its reason or
author is empty, a field it sets is not one an override may set or takes no such value, or its target
is unknown or already retracted; nothing is logged then. What a correction does to the state is
:mod:`agents.reduce.corrections`; the correct stage applies it (:mod:`streams.topology`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import ValidationError

from schemas import Correction
from schemas.base import validation_reason
from schemas.correction import OVERRIDABLE, CorrectionKind
from streams.runtime.base import Refused


def correction(
    kind: CorrectionKind,
    target: str,
    *,
    by: str,
    reason: str | None,
    drop: bool = False,
    fields: dict[str, str] | None = None,
) -> Correction:
    """The correction of ``target`` made now by ``by`` for ``reason``, or :class:`Refused` saying what
    is wrong with it."""
    if reason is None or not reason.strip():
        raise Refused("empty reason: a correction says why it is made")
    if not by.strip():
        raise Refused("empty author: a correction says who made it")
    if kind == "override" and drop == bool(fields):
        raise Refused("an override either drops its event (drop) or sets fields (set), one of the two")
    try:
        return Correction.made(
            kind, target, by=by, reason=reason, at=dt.datetime.now(dt.UTC), drop=drop, fields=fields
        )
    except ValidationError as exc:
        raise Refused(validation_reason(exc)) from exc


def assignments(pairs: Iterable[str]) -> dict[str, str]:
    """``field=value`` pairs as a mapping, or :class:`Refused` naming the pair that is not one."""
    fields: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or name.strip() not in OVERRIDABLE:
            raise Refused(f"bad --set {pair!r}: expected FIELD=VALUE, FIELD one of {', '.join(OVERRIDABLE)}")
        fields[name.strip()] = value
    return fields
