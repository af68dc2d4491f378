"""Rich tables for events, state tables and changes, and text safe to print on a terminal."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from agents.reduce import ALLIANCES, ZONES, tables
from schemas import Change, Event

STANCE_STYLE = {
    "allied": "bold green",
    "cooperative": "green",
    "neutral": "white",
    "tense": "yellow",
    "hostile": "red",
}


CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
CONTROL_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def plain(value: object, newlines: bool = False) -> str:
    """``value`` as text safe to print: every C0 and C1 control character (a newline too, unless
    ``newlines``) is written as its escape (``\\x1b``), so text from articles cannot drive the terminal."""
    pattern = CONTROL_BUT_NEWLINE if newlines else CONTROL
    return pattern.sub(lambda found: f"\\x{ord(found[0]):02x}", str(value))


def add_row(table: Table, *cells: object) -> None:
    """Add a row of plain cells (control characters escaped, never read as markup); a :class:`Text`
    cell is added as it is."""
    table.add_row(*(cell if isinstance(cell, Text) else Text(plain(cell)) for cell in cells))


def stance_text(stance: str) -> Text:
    """A stance in its colour."""
    return Text(plain(stance), style=STANCE_STYLE.get(stance, "white"))


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
        add_row(
            table,
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
        add_row(
            table,
            f"{row['a']}–{row['b']}",
            stance_text(row["stance"]),
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
        add_row(
            table,
            row["zone"],
            row["status"],
            str(row.get("last") or "-"),
            _names(row.get("parties")),
            _names(row.get("deployed")),
            _names(row.get("controlled_by")),
        )
    return table


def rows_table(name: str, rows: Iterable[dict[str, Any]]) -> Table:
    """The views ``rows`` of the table ``name``: alliances and zones as above, another table one column
    per field of its view."""
    shown = SHOWN.get(name)
    if shown is not None:
        return shown(rows)
    fields = tables.get(name).fields
    table = Table(title=name.capitalize(), expand=True)
    for field in fields:
        table.add_column(field, overflow="fold")
    for row in rows:
        add_row(table, *("-" if row.get(field) is None else row[field] for field in fields))
    return table


SHOWN = {ALLIANCES.name: alliances_table, ZONES.name: zones_table}
"""The tables shown their own way."""


def change_line(offset: int, change: Change) -> str:
    """A one-line human summary of a state change."""
    summary = "removed" if change.after is None else change.after.stance or change.after.status
    was = "new" if change.before is None else change.before.stance or change.before.status
    cause = f"{len(change.event_ids)} event(s), {change.event_time or '-'}"
    return plain(f"#{offset} {change.table}[{change.key}] {was} → {summary} ({cause})")


def console() -> Console:
    """The console every command prints tables to."""
    return Console(soft_wrap=False)
