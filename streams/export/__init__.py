"""Exports of the live events and state tables: JSON Lines, CSV and Parquet, and for events the layouts
of GDELT 2.0's event table and of ACLED's data (see ``streams/export/README.md``).

A table's CSV and Parquet columns are its rows flattened (:func:`streams.export.cells.flatten`): no
object in a cell, a list's values joined by ``;`` in CSV and a list in Parquet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import IO, Any, NamedTuple

from agents import reduce
from agents.reduce import tables
from agents.reduce.tables import HIDDEN
from schemas import Event
from streams.export import acled, gdelt, parquet
from streams.export.cells import flat_columns, flat_types, flatten, write_csv, write_jsonl, write_tsv
from streams.export.coverage import Coverage
from streams.runtime.base import Runtime

Track = Callable[[list[Any]], Iterable[Any]]
"""How an export reads the events or rows it writes: as they are (``iter``), or through a progress bar."""

EVENTS = "events"
EVENT_FORMATS = ("jsonl", "csv", "gdelt", "acled", "parquet")
TABLE_FORMATS = ("jsonl", "csv", "parquet")
BINARY_FORMATS = ("parquet",)
"""The formats written to a binary stream (:func:`export_binary`); the others are text (:func:`export`)."""
FORMATS = tuple(dict.fromkeys((*EVENT_FORMATS, *TABLE_FORMATS)))

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


def event_row(event: Event) -> dict[str, Any]:
    """An event as flat columns."""
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


def formats(kind: str) -> tuple[str, ...]:
    """The formats ``kind`` (events, or a state table) exports as; none for anything else."""
    if kind == EVENTS:
        return EVENT_FORMATS
    return TABLE_FORMATS if kind in tables.names() else ()


def _check(kind: str, fmt: str, binary: bool) -> None:
    """:class:`ValueError` unless ``kind`` exports as ``fmt``, to a stream of the kind ``fmt`` needs."""
    if fmt not in formats(kind):
        raise ValueError(f"cannot export {kind!r} as {fmt!r}; formats: {formats(kind)}")
    if (fmt in BINARY_FORMATS) != binary:
        raise ValueError(f"{fmt!r} is written to a {'binary' if fmt in BINARY_FORMATS else 'text'} stream")


def _coverage(runtime: Runtime, track: Track) -> Coverage:
    """The live events (read through ``track``) with their incidents, articles and knowledge base."""
    return Coverage(track(runtime.events()), runtime.articles())


class Flat(NamedTuple):
    """A kind's flat columns, its rows and the type of each column (:func:`cells.flat_types`)."""

    columns: list[str]
    rows: list[dict[str, Any]]
    types: dict[str, Any]


EVENT_TYPES = {
    **{name: info.annotation for name, info in Event.model_fields.items() if name in EVENT_COLUMNS},
    "event_date": dt.date | None,
    "evidence": str,
    "evidence_start": int,
    "evidence_end": int,
}


def flat(runtime: Runtime, kind: str, track: Track = iter) -> Flat:
    """The live ``kind`` as flat rows: the events' columns, or a table's rows flattened
    (:func:`cells.flatten`; a mapping's entries as many columns as the rows hold names)."""
    if kind == EVENTS:
        return Flat(list(EVENT_COLUMNS), list(map(event_row, track(runtime.events()))), EVENT_TYPES)
    rows = [flatten(row, HIDDEN) for row in track(runtime.state(kind))]
    types = flat_types(tables.get(kind).model, HIDDEN)
    return Flat(flat_columns(types, rows), rows, types)


def export(runtime: Runtime, kind: str, fmt: str, out: IO[str], track: Track = iter) -> int:
    """Write the live ``kind`` (events, or a state table: alliances, zones...) to ``out`` in the text
    format ``fmt``; return the rows written. The events or rows are read through ``track`` (a
    progress bar's, say)."""
    _check(kind, fmt, binary=False)
    if fmt == "jsonl":
        if kind == EVENTS:
            return write_jsonl(out, (event.model_dump(mode="json") for event in track(runtime.events())))
        return write_jsonl(out, (reduce.view(row) for row in track(runtime.state(kind))))
    if fmt == "csv":
        table = flat(runtime, kind, track)
        return write_csv(out, table.columns, table.rows)
    if fmt == "gdelt":
        return write_tsv(out, gdelt.COLUMNS, gdelt.rows(_coverage(runtime, track)))
    return write_csv(out, acled.COLUMNS, acled.rows(_coverage(runtime, track)))


def export_binary(runtime: Runtime, kind: str, fmt: str, out: IO[bytes], track: Track = iter) -> int:
    """Write the live ``kind`` to ``out`` in the binary format ``fmt`` (Parquet), read through
    ``track``; return the rows written. :class:`~streams.export.parquet.ParquetUnavailable` without
    pyarrow."""
    _check(kind, fmt, binary=True)
    return parquet.write(out, *flat(runtime, kind, track))
