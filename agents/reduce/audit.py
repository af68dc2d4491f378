"""The audit chain of a row: why it shows the score or status it shows, fact by fact."""

from __future__ import annotations

from typing import Any

from agents.reduce.config import default
from agents.reduce.facts import incidents
from agents.reduce.rows import ALLIANCES, ZONES, State, key_of
from agents.reduce.score import PLACES, decay, share, weight
from agents.reduce.zones import runs, shown
from schemas.event import SYMMETRIC_TYPES, PloverType
from schemas.state import AllianceState, Fact


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
    """Each fact of the row with what it contributes.

    Alliances: every fact's weight, grouped by incident, summing to ``score``.
    Zones: every fact's role (party, deployed, seizure, hostility, status step).
    Facts come in chronological order.
    """
    scoring = default()
    if isinstance(state, AllianceState):
        reference = state.as_of or state.last
        rows = []
        for number, incident in enumerate(incidents(state.facts, scoring.window_days)):
            total = weight(incident, reference, scoring)
            part = share(total, incident)
            common = {
                "incident": number,
                "sources": incident.articles,
                "decay": round(decay(incident.date, reference, scoring), PLACES),
                "incident_weight": round(total, PLACES),
                "contribution": part,
            }
            rows.extend(_fact(item) | common for item in incident.facts)
        return {
            "table": ALLIANCES,
            "key": key_of(state),
            "stance": state.stance,
            "score": state.score,
            "reference": None if reference is None else reference.isoformat(),
            "facts": sorted(rows, key=lambda row: (row["date"] or "", row["event_id"])),
        }
    placed = {
        item.event_id: shown(label, state.kind, scoring)
        for label, members in runs(state.facts, scoring)
        for _, item in members
    }
    return {
        "table": ZONES,
        "key": state.zone,
        "status": state.status,
        "since": None if state.since is None else state.since.isoformat(),
        "kind": state.kind,
        "parties": list(state.parties),
        "deployed": list(state.deployed),
        "controlled_by": list(state.controlled_by),
        "timeline": [step.model_dump(mode="json") for step in state.timeline],
        "facts": [
            _fact(item)
            | {"role": {"kind": _ROLES.get(item.type, "context"), "step": placed.get(item.event_id)}}
            for item in sorted(state.facts, key=lambda item: (str(item.date or ""), item.event_id))
        ],
    }


_ROLES = {
    PloverType.AGREE: "party",
    PloverType.MOBILIZE: "deployment",
    PloverType.RETREAT: "withdrawal",
    PloverType.COERCE: "seizure",
    PloverType.ASSAULT: "hostility",
}
