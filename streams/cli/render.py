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


def _dyad(source: str, target: str | None) -> str:
    return f"{source} → {target}" if target else source


def events_table(events: Iterable[Event]) -> Table:
    """One line per event: date, type, who → whom, zone, modality, evidence."""
    table = Table(title="Events", expand=True)
    for column in ("date", "type", "who → whom", "zone", "modality"):
        table.add_column(column, no_wrap=True)
    table.add_column("evidence", ratio=1, no_wrap=True, overflow="ellipsis", min_width=20)
    for event in events:
        table.add_row(
            str(event.event_date or "-"),
            event.type.value,
            _dyad(event.source, event.target),
            event.zone or "-",
            event.modality,
            event.evidence.text,
        )
    return table


def alliances_table(rows: Iterable[dict[str, Any]]) -> Table:
    """One line per actor pair: stance, score, events, last date, directed relations."""
    table = Table(title="Alliances", expand=True)
    for column in ("pair", "stance", "score", "events", "last"):
        table.add_column(column, no_wrap=True, justify="right" if column in {"score", "events"} else "left")
    table.add_column("relations", ratio=1, overflow="fold", min_width=20)
    for row in rows:
        relations = ", ".join(
            f"{_dyad(r['source'], r['target'])} {r['type']}×{r.get('count', 1)}"
            for r in row.get("relations", [])
        )
        stance = row["stance"]
        table.add_row(
            f"{row['a']}–{row['b']}",
            f"[{STANCE_STYLE.get(stance, 'white')}]{stance}[/]",
            f"{row['score']:.2f}",
            str(row["events"]),
            str(row.get("last") or "-"),
            relations,
        )
    return table


def zones_table(rows: Iterable[dict[str, Any]]) -> Table:
    """One line per zone: status, last event, parties, forces deployed, control."""
    table = Table(title="Zones", expand=True)
    for column in ("zone", "status", "last"):
        table.add_column(column, no_wrap=True)
    for column in ("parties", "deployed", "controlled by"):
        table.add_column(column, overflow="fold", ratio=1, min_width=8)
    for row in rows:
        table.add_row(
            row["zone"],
            row["status"],
            str(row.get("last") or "-"),
            _names(row.get("parties")),
            _names(row.get("deployed")),
            _names(row.get("controlled_by")),
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
