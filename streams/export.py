"""Exports of the live events and state tables: JSON Lines, CSV, and for events a GDELT-like layout.

The GDELT-like layout has one line per event with GDELT's column names where
one fits: ``SQLDATE`` (the event date, YYYYMMDD), ``Actor1Code`` / ``Actor2Code``
(canonical actor ids), ``EventCode`` (the PLOVER type), ``QuadClass`` (1 verbal
cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict, as
in CAMEO's quad classes), ``GoldsteinScale`` (the type's weight in
``agents/reduce/scoring.yaml``), ``NumSources`` (distinct outlets the reports of the same incident
originate from, :mod:`agents.outlets`), ``NumArticles`` (its distinct articles), ``SOURCEURL``, and
``Zone`` and ``Evidence`` (the sentence).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson

from agents import reduce
from agents.reduce import tables
from agents.reduce.config import default
from agents.reduce.facts import fact, incidents
from schemas import Event, PloverType
from streams.runtime.base import Runtime

EVENTS = "events"
EVENT_FORMATS = ("jsonl", "csv", "gdelt")
TABLE_FORMATS = ("jsonl", "csv")

QUAD_CLASS = {
    PloverType.AGREE: 1,
    PloverType.CONSULT: 1,
    PloverType.SUPPORT: 1,
    PloverType.REQUEST: 1,
    PloverType.COOPERATE: 2,
    PloverType.AID: 2,
    PloverType.CONCEDE: 2,
    PloverType.RETREAT: 2,
    PloverType.ACCUSE: 3,
    PloverType.REJECT: 3,
    PloverType.THREATEN: 3,
    PloverType.PROTEST: 3,
    PloverType.SANCTION: 4,
    PloverType.MOBILIZE: 4,
    PloverType.COERCE: 4,
    PloverType.ASSAULT: 4,
}
QUAD_NAMES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}

EVENT_COLUMNS = (
    "id",
    "article_id",
    "type",
    "source",
    "target",
    "zone",
    "date",
    "reported",
    "event_date",
    "modality",
    "confidence",
    "extractor",
    "outlet",
    "evidence",
    "evidence_start",
    "evidence_end",
)
GDELT_COLUMNS = (
    "GLOBALEVENTID",
    "SQLDATE",
    "Actor1Code",
    "Actor2Code",
    "EventCode",
    "QuadClass",
    "QuadClassName",
    "GoldsteinScale",
    "NumSources",
    "NumArticles",
    "SOURCEURL",
    "Zone",
    "ArticleId",
    "Evidence",
)


def _text(value: Any) -> str:
    """One CSV cell: lists joined by ';', mappings as ``name=value`` pairs, objects as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(
            orjson.dumps(item).decode() if isinstance(item, dict) else _text(item) for item in value
        )
    if isinstance(value, dict):
        return ";".join(f"{name}={_text(item)}" for name, item in value.items())
    return str(value)


def event_row(event: Event) -> dict[str, Any]:
    """An event as flat CSV columns."""
    return {
        "id": event.id,
        "article_id": event.article_id,
        "type": event.type.value,
        "source": event.source,
        "target": event.target,
        "zone": event.zone,
        "date": event.date,
        "reported": event.reported,
        "event_date": event.event_date,
        "modality": event.modality,
        "confidence": event.confidence,
        "extractor": event.extractor,
        "outlet": event.outlet,
        "evidence": event.evidence.text,
        "evidence_start": event.evidence.start,
        "evidence_end": event.evidence.end,
    }


def gdelt_rows(events: list[Event], urls: dict[str, str | None]) -> Iterator[dict[str, Any]]:
    """Events in the GDELT-like layout; ``urls`` maps article ids to their URLs."""
    scoring = default()
    sources = {
        item.event_id: (incident.outlets, len(incident.reports))
        for incident in incidents([fact(event) for event in events], scoring.window_days)
        for item in incident.facts
    }
    for event in events:
        day = event.event_date
        quad = QUAD_CLASS[event.type]
        yield {
            "GLOBALEVENTID": event.id,
            "SQLDATE": "" if day is None else day.strftime("%Y%m%d"),
            "Actor1Code": event.source,
            "Actor2Code": event.target,
            "EventCode": event.type.value,
            "QuadClass": quad,
            "QuadClassName": QUAD_NAMES[quad],
            "GoldsteinScale": scoring.weights[event.type],
            "NumSources": sources[event.id][0],
            "NumArticles": sources[event.id][1],
            "SOURCEURL": urls.get(event.article_id),
            "Zone": event.zone,
            "ArticleId": event.article_id,
            "Evidence": event.evidence.text,
        }


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula in a cell."""


def _cell(value: Any) -> str:
    """One CSV cell: :func:`_text`, with a text cell a spreadsheet would run as a formula quoted by a
    leading ``'`` (numbers, negative ones too, stay numbers)."""
    text = _text(value)
    if not isinstance(value, int | float) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(out: IO[str], columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> int:
    """Write a header and ``rows`` (cells through :func:`_cell`); return the rows written."""
    writer = csv.DictWriter(out, fieldnames=[_cell(name) for name in columns])
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({_cell(name): _cell(value) for name, value in row.items()})
        count += 1
    return count


def write_jsonl(out: IO[str], items: Iterable[dict[str, Any]]) -> int:
    """Write one compact JSON object a line; return the lines written."""
    count = 0
    for item in items:
        out.write(orjson.dumps(item, option=orjson.OPT_SORT_KEYS).decode() + "\n")
        count += 1
    return count


def formats(kind: str) -> tuple[str, ...]:
    """The formats ``kind`` (events, or a state table) exports as; none for anything else."""
    if kind == EVENTS:
        return EVENT_FORMATS
    return TABLE_FORMATS if kind in tables.names() else ()


def export(runtime: Runtime, kind: str, fmt: str, out: IO[str]) -> int:
    """Write the live ``kind`` (events, or a state table: alliances, zones...) to ``out`` in ``fmt``;
    return the rows written."""
    if fmt not in formats(kind):
        raise ValueError(f"cannot export {kind!r} as {fmt!r}; formats: {formats(kind)}")
    if kind == EVENTS:
        events = runtime.events()
        if fmt == "jsonl":
            return write_jsonl(out, (event.model_dump(mode="json") for event in events))
        if fmt == "csv":
            return write_csv(out, EVENT_COLUMNS, map(event_row, events))
        urls = {article.id: article.url for article in runtime.articles()}
        return write_csv(out, GDELT_COLUMNS, gdelt_rows(events, urls))
    views = [reduce.view(row) for row in runtime.state(kind)]
    if fmt == "jsonl":
        return write_jsonl(out, views)
    columns = list(dict.fromkeys(name for view in views for name in view))
    return write_csv(out, columns, views)
