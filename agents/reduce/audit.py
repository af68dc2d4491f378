"""The audit chain of a row: why it shows the score or status it shows, fact by fact."""

from __future__ import annotations

from typing import Any

from agents.reduce import tables
from agents.reduce.config import default
from agents.reduce.facts import Incident, incidents
from agents.reduce.rows import State
from agents.reduce.score import PLACES, decay, weights
from agents.reduce.zones import runs, shown
from schemas.event import SYMMETRIC_TYPES, PloverType
from schemas.state import AllianceState, Fact, ZoneState


def direction(item: Fact) -> str:
    """``A→B`` for a directed type, ``A↔B`` for a symmetric one, ``A`` with no target."""
    if item.target is None:
        return item.source
    arrow = "↔" if item.type in SYMMETRIC_TYPES else "→"
    return f"{item.source}{arrow}{item.target}"


def _fact(item: Fact) -> dict[str, Any]:
    return {
        "event_id": item.event_id,
        "article_id": item.article_id,
        "type": item.type.value,
        "direction": direction(item),
        "zone": item.zone,
        "date": None if item.date is None else item.date.isoformat(),
        "modality": item.modality,
        "confidence": item.confidence,
        "sentence": item.evidence,
    }


def why(state: State) -> dict[str, Any]:
    """Each fact of the row with what it contributes, as its table lists them (:mod:`agents.reduce.tables`).

    Alliances: every fact's weight, grouped by incident, summing to ``score``.
    Zones: every fact's role (party, deployed, seizure, hostility, status step).
    Another table, unless it says otherwise: its facts. Facts come in chronological order.
    """
    listed = tables.get(state.TABLE).why
    if listed is not None:
        return listed(state)
    return _head(state) | {"facts": [_fact(item) for item in sorted(state.facts, key=_fact_date)]}


def strongest(state: State, limit: int | None) -> dict[str, Any]:
    """The audit of the row as :func:`why` gives it, its facts :func:`ranked`, ``limit`` of them.

    ``facts_total`` counts them all. Only the listed facts are written out: for a
    pair, incidents are weighed and the strongest ones expanded, which keeps a
    page of a row of 100k facts to a fraction of the whole audit.
    """
    found = tables.get(state.TABLE).strongest
    if found is not None:
        return found(state, limit)
    newest = _newest(state, limit)
    return _head(state) | {"facts": [_fact(item) for item in newest], "facts_total": len(state.facts)}


def ranked(facts: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    """Audit facts strongest first: by absolute contribution (then date and id); zones and any table
    that does not rank its own, newest first."""
    order = tables.get(table).ranked
    if order is not None:
        return order(facts)
    return sorted(facts, key=_chronological, reverse=True)


def alliance_why(state: AllianceState) -> dict[str, Any]:
    """:func:`why` of a pair."""
    facts = [row for scored in _scored(state) for row in _rows(scored)]
    return _alliance_head(state) | {"facts": sorted(facts, key=_chronological)}


def zone_why(state: ZoneState) -> dict[str, Any]:
    """:func:`why` of a zone."""
    return _zone_head(state) | {"facts": _zone_facts(state, sorted(state.facts, key=_fact_date))}


def alliance_strongest(state: AllianceState, limit: int | None) -> dict[str, Any]:
    """:func:`strongest` of a pair."""
    scored = sorted(_scored(state), key=lambda item: -abs(item[1]["contribution"]))
    if limit is not None and limit < len(state.facts):
        scored = _covering(scored, limit)
    facts = by_strength([row for item in scored for row in _rows(item)])
    return _alliance_head(state) | {
        "facts": facts[:limit] if limit is not None else facts,
        "facts_total": len(state.facts),
    }


def zone_strongest(state: ZoneState, limit: int | None) -> dict[str, Any]:
    """:func:`strongest` of a zone."""
    facts = _zone_facts(state, _newest(state, limit))
    return _zone_head(state) | {"facts": facts, "facts_total": len(state.facts)}


def by_strength(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Audit facts by absolute contribution, then date and id (a pair's :func:`ranked`)."""
    return sorted(facts, key=_strength)


def _newest(state: State, limit: int | None) -> list[Fact]:
    newest = sorted(state.facts, key=_fact_date, reverse=True)
    return newest if limit is None else newest[:limit]


def _head(state: State) -> dict[str, Any]:
    return {"table": state.TABLE, "key": state.key}


Scored = tuple[Incident, dict[str, Any]]


def _scored(state: AllianceState) -> list[Scored]:
    """Each incident of the pair with what every one of its reports contributes."""
    scoring = default()
    reference = state.as_of or state.last
    found = incidents(state.facts, scoring.window_days)
    totals, shares = weights(found, reference, scoring)
    return [
        (
            incident,
            {
                "incident": number,
                "sources": incident.outlets,
                "reports": len(incident.reports),
                "decay": round(decay(incident.date, reference, scoring), PLACES),
                "incident_weight": round(total, PLACES),
                "contribution": contribution,
            },
        )
        for number, (incident, total, contribution) in enumerate(zip(found, totals, shares, strict=True))
    ]


def _covering(scored: list[Scored], limit: int) -> list[Scored]:
    """The strongest incidents (``scored`` strongest first) holding ``limit`` reports, and every
    incident tied with the last one needed, since their reports' dates and ids break the tie."""
    held = 0
    for end, (incident, common) in enumerate(scored):
        held += len(incident.facts)
        if held >= limit:
            bound = abs(common["contribution"])
            while end + 1 < len(scored) and abs(scored[end + 1][1]["contribution"]) == bound:
                end += 1
            return scored[: end + 1]
    return scored


def _rows(scored: Scored) -> list[dict[str, Any]]:
    incident, common = scored
    return [_fact(item) | common for item in incident.facts]


def _alliance_head(state: AllianceState) -> dict[str, Any]:
    reference = state.as_of or state.last
    return _head(state) | {
        "stance": state.stance,
        "score": state.score,
        "reference": None if reference is None else reference.isoformat(),
    }


def _zone_head(state: ZoneState) -> dict[str, Any]:
    return _head(state) | {
        "status": state.status,
        "since": None if state.since is None else state.since.isoformat(),
        "kind": state.kind,
        "parties": list(state.parties),
        "deployed": list(state.deployed),
        "controlled_by": list(state.controlled_by),
        "timeline": [step.model_dump(mode="json") for step in state.timeline],
    }


def _zone_facts(state: ZoneState, facts: list[Fact]) -> list[dict[str, Any]]:
    """``facts`` of the zone, each with its role (and the status step it is placed in)."""
    scoring = default()
    placed = {
        item.event_id: shown(label, state.kind, scoring)
        for label, members in runs(state.facts, scoring)
        for _, item in members
    }
    return [
        _fact(item) | {"role": {"kind": _ROLES.get(item.type, "context"), "step": placed.get(item.event_id)}}
        for item in facts
    ]


def _strength(row: dict[str, Any]) -> tuple[float, str, str]:
    return -abs(row["contribution"]), row["date"] or "", row["event_id"]


def _chronological(row: dict[str, Any]) -> tuple[str, str]:
    return row["date"] or "", row["event_id"]


def _fact_date(item: Fact) -> tuple[str, str]:
    return str(item.date or ""), item.event_id


_ROLES = {
    PloverType.AGREE: "party",
    PloverType.MOBILIZE: "deployment",
    PloverType.RETREAT: "withdrawal",
    PloverType.COERCE: "seizure",
    PloverType.ASSAULT: "hostility",
}
