"""Rich tables for events, alliances, zones and changes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table

from schemas import Change, Event

STANCE_STYLE = {
    "allied": "bold green",
    "cooperative": "green",
    "neutral": "white",
    "tense": "yellow",
    "hostile": "red",
}


def _names(values: Iterable[str] | None) -> str:
    return ", ".join(values or []) or "-"


def events_table(events: Iterable[Event]) -> Table:
    """One row per event: date, type, who → whom, zone, modality, evidence."""
    table = Table(title="Events", show_lines=False, expand=True)
    for column in ("date", "type", "source", "target", "zone", "modality"):
        table.add_column(column, no_wrap=True)
    table.add_column("evidence", ratio=1, overflow="fold")
    for event in events:
        table.add_row(
            str(event.event_date or "-"),
            event.type.value,
            event.source,
            event.target or "-",
            event.zone or "-",
            event.modality,
            event.evidence.text[:160],
        )
    return table


def alliances_table(rows: Iterable[dict[str, Any]]) -> Table:
    """One row per actor pair: stance, score, directed relations, dates."""
    table = Table(title="Alliances", expand=True)
    for column in ("a", "b", "stance", "score", "events", "first", "last"):
        table.add_column(column, no_wrap=True)
    table.add_column("relations", ratio=1, overflow="fold")
    for row in rows:
        relations = "; ".join(
            f"{r['source']}→{r['target']} {r['type']}×{r.get('count', 1)}" for r in row.get("relations", [])
        )
        stance = row["stance"]
        table.add_row(
            row["a"],
            row["b"],
            f"[{STANCE_STYLE.get(stance, 'white')}]{stance}[/]",
            f"{row['score']:.2f}",
            str(row["events"]),
            str(row.get("first") or "-"),
            str(row.get("last") or "-"),
            relations,
        )
    return table


def zones_table(rows: Iterable[dict[str, Any]]) -> Table:
    """One row per zone: status, parties, forces deployed, control, dates."""
    table = Table(title="Zones", expand=True)
    for column in ("zone", "status", "parties", "deployed", "controlled by", "events", "first", "last"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row["zone"],
            row["status"],
            _names(row.get("parties")),
            _names(row.get("deployed")),
            _names(row.get("controlled_by")),
            str(row["events"]),
            str(row.get("first") or "-"),
            str(row.get("last") or "-"),
        )
    return table


def change_line(offset: int, change: Change) -> str:
    """A one-line human summary of a state change."""
    after = change.after or {}
    summary = after.get("stance") or after.get("status") or "removed"
    was = (change.before or {}).get("stance") or (change.before or {}).get("status") or "new"
    cause = f"{len(change.event_ids)} event(s), {change.event_time or '-'}"
    return f"#{offset} {change.table}[{change.key}] {was} → {summary} ({cause})"


def console() -> Console:
    """The console every command prints tables to."""
    return Console(soft_wrap=False)
