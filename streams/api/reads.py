"""What the API reads: state rows live or as of a date, events filtered and paged, articles.

Live listings follow ``state.changes`` (see :class:`LiveViews`); as-of
listings are cached under the end of ``events`` they were folded from, so a
repeated read costs an index lookup.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import orjson

from agents import reduce
from agents.reduce import tables
from agents.reduce.corrections import Corrections
from schemas import Article, Change, Correction, Event
from schemas.state import Row
from streams import topics
from streams.log import record_ms
from streams.log.interface import LogStore
from streams.log.tables import read_article
from streams.stored import read_row

CACHE_ENTRIES = 32
PAGE_READ = 1_000


Moment = dt.date | None
"""An ``as_of`` day (event time), or none."""
Known = dt.datetime | None
"""A ``known_at`` time (ingestion time), or none."""
Fields = tuple[str, ...] | None
"""The fields a listing keeps, or all."""


@dataclass(frozen=True)
class EventFilter:
    """Which events a reader wants; ``None`` fields match everything.

    ``actor`` is either side; ``since``/``until`` bound the event date (own date,
    else the article's), inclusive, and leave out events with no date at all.
    """

    actor: str | None = None
    zone: str | None = None
    type: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def __call__(self, event: Event) -> bool:
        """Whether ``event`` passes every given criterion."""
        if self.actor is not None and self.actor not in (event.source, event.target):
            return False
        if self.zone is not None and event.zone != self.zone:
            return False
        if self.type is not None and event.type != self.type:
            return False
        if self.since is None and self.until is None:
            return True
        day = event.event_date
        return (
            day is not None
            and (self.since is None or day >= self.since)
            and (self.until is None or day <= self.until)
        )


def event_view(offset: int, event: Event) -> dict[str, Any]:
    """An event as the API shows it: its log offset, then its fields."""
    return {"offset": offset, **event.model_dump(mode="json")}


class LiveViews:
    """The views of every table's rows, kept current by following ``state.changes``.

    Built once from the state store; then the row of every change, and every row
    written since (it takes a record of facts with each write; on Kafka's mirror
    a row may be written after its change), is read again from the state store
    (its summary: a view holds no facts), so a read after a change costs the rows
    changed since the last read, not a decode of every row. The positions are
    taken before the rows are read: a row read again leaves the same view. Each
    row's encoding is kept, per field selection, until the row changes.
    """

    def __init__(self, log: LogStore) -> None:
        self.log = log
        self.position = log.end(topics.CHANGES)
        self.written = log.facts_end()
        self.views: dict[str, dict[str, dict[str, Any]]] = {
            table.name: {
                key: reduce.view(table.model.loads(value)) for key, value in log.state_rows(table.name)
            }
            for table in tables.every()
        }
        self._order: dict[str, list[str]] = {table: sorted(rows) for table, rows in self.views.items()}
        self._rows: dict[tuple[str, tuple[str, ...] | None], dict[str, bytes]] = {}
        self._bodies: dict[tuple[str, tuple[str, ...] | None], bytes] = {}

    def catch_up(self) -> None:
        """Apply the changes committed since the last call."""
        while batch := self.log.read(topics.CHANGES, self.position, PAGE_READ):
            changed = {(change.table, change.key) for change in (Change.loads(r.value) for r in batch)}
            for table, key in changed:
                self._refresh(table, key)
            self.position = batch[-1].offset + 1
            self._bodies.clear()
        self.written, written = self.log.written_since(self.written)
        for table, key in written:
            self._refresh(table, key)
        if written:
            self._bodies.clear()

    def _refresh(self, table: str, key: str) -> None:
        """Read the row ``table[key]`` again from the state store."""
        rows, order = self.views[table], self._order[table]
        summary = self.log.get_state(table, key)
        if summary is None:
            if rows.pop(key, None) is not None:
                order.remove(key)
        else:
            if key not in rows:
                bisect.insort(order, key)
            rows[key] = reduce.view(tables.get(table).model.loads(summary))
        for (name, _fields), encoded in self._rows.items():
            if name == table:
                encoded.pop(key, None)

    def body(self, table: str, fields: tuple[str, ...] | None) -> bytes:
        """Every view of ``table`` (only ``fields`` if given) as one JSON array, sorted by key."""
        self.catch_up()
        if (body := self._bodies.get((table, fields))) is None:
            encoded = self._rows.setdefault((table, fields), {})
            rows = self.views[table]
            for key in self._order[table]:
                if key not in encoded:
                    view = rows[key]
                    encoded[key] = orjson.dumps(
                        view if fields is None else {name: view[name] for name in fields}
                    )
            body = self._bodies[(table, fields)] = (
                b"[" + b",".join(encoded[key] for key in self._order[table]) + b"]"
            )
        return body


class Reads:
    """Queries over one log connection (used from one thread, the event loop's)."""

    def __init__(self, log: LogStore, entries: int = CACHE_ENTRIES) -> None:
        self.log = log
        self.entries = entries
        self._live: LiveViews | None = None
        self._encoded: OrderedDict[tuple[str, Moment, Known, str, Fields], bytes] = OrderedDict()
        self._folds: OrderedDict[tuple[Moment, Known, str], reduce.Tables] = OrderedDict()
        self._ranked: OrderedDict[tuple[str, str], tuple[object, Row, dict[str, Any]]] = OrderedDict()

    @property
    def live(self) -> LiveViews:
        """The live views, built on first use."""
        if self._live is None:
            self._live = LiveViews(self.log)
        return self._live

    def table(
        self,
        table: str,
        as_of: dt.date | None,
        fields: tuple[str, ...] | None = None,
        known_at: dt.datetime | None = None,
    ) -> tuple[str, bytes]:
        """The views of every row of ``table`` as a JSON array, sorted by key; only ``fields`` if given.

        Returned with its entity tag: the log position it was built at and what
        was asked, so a client holding the same tag can be told nothing changed.
        """
        selection = "*" if fields is None else ",".join(fields)
        if as_of is None and known_at is None:
            body = self.live.body(table, fields)
            return f'"{table};c{self.live.position};{selection}"', body
        position = self.logged()
        key = (table, as_of, known_at, position, fields)
        if (body := self._encoded.get(key)) is None:
            folded = self.folded(as_of, known_at)[table]
            views = [reduce.view(folded[name]) for name in sorted(folded)]
            if fields is not None:
                views = [{name: view[name] for name in fields} for view in views]
            body = orjson.dumps(views)
            _remember(self._encoded, key, body, self.entries)
        known = "" if known_at is None else known_at.isoformat()
        return f'"{table};e{position};{as_of};{known};{selection}"', body

    def row(
        self, table: str, key: str, as_of: dt.date | None, known_at: dt.datetime | None = None
    ) -> Row | None:
        """One row, live, as of a date, or as known at an ingestion time."""
        if as_of is not None or known_at is not None:
            return self.folded(as_of, known_at)[table].get(key)
        return read_row(self.log, table, key)

    def ranked(
        self, table: str, key: str, as_of: dt.date | None, known_at: dt.datetime | None = None
    ) -> tuple[Row, dict[str, Any]] | None:
        """One row (as :meth:`row` reads it) and its facts ranked strongest first (its audit,
        :func:`agents.reduce.strongest`, every fact listed); a live row's kept while it is unchanged."""
        if as_of is not None or known_at is not None:
            row = self.row(table, key, as_of, known_at)
            return None if row is None else (row, reduce.strongest(row, None))
        version = (self.log.state_version(table, key), self.log.facts_version(table, key))
        kept = self._ranked.get((table, key))
        if kept is not None and kept[0] == version:
            return kept[1], kept[2]
        row = read_row(self.log, table, key)
        if row is None:
            return None
        ranked = reduce.strongest(row, None)
        _remember(self._ranked, (table, key), (version, row, ranked), self.entries)
        return row, ranked

    def folded(self, as_of: dt.date | None, known_at: dt.datetime | None = None) -> reduce.Tables:
        """Both tables rebuilt from the event log as of ``as_of`` (event time), from the events
        logged by ``known_at`` (ingestion time) when given."""
        key = (as_of, known_at, self.logged())
        if (tables := self._folds.get(key)) is None:
            limit = None if known_at is None else record_ms(known_at)
            events = (
                Event.loads(record.value)
                for record in self.log.read(topics.EVENTS)
                if limit is None or record.ts <= limit
            )
            tables = reduce.fold(self.corrections(limit).events(events), as_of=as_of)
            _remember(self._folds, key, tables, self.entries)
        return tables

    def corrections(self, limit: int | None = None) -> Corrections:
        """The corrections logged (by ``limit``, a record time, when given)."""
        return Corrections(
            Correction.loads(record.value)
            for record in self.log.read(topics.CORRECTIONS)
            if limit is None or record.ts <= limit
        )

    def logged(self) -> str:
        """How far the log the folds read goes: the ends of ``events`` and ``corrections``."""
        return f"{self.log.end(topics.EVENTS)}c{self.log.end(topics.CORRECTIONS)}"

    def events(self, wanted: EventFilter, after: int, limit: int) -> tuple[list[dict[str, Any]], int | None]:
        """Up to ``limit`` matching events after offset ``after`` (as the corrections leave them: none of
        a retracted article), and the cursor of the next page.

        The cursor is the offset of the last event returned, ``None`` when no more matched.
        """
        found: list[dict[str, Any]] = []
        position = after + 1
        live = self.corrections()
        while batch := self.log.read(topics.EVENTS, position, PAGE_READ):
            for record in batch:
                event = live.event(Event.loads(record.value))
                if event is not None and wanted(event):
                    found.append(event_view(record.offset, event))
                    if len(found) == limit:
                        return found, record.offset
            position = batch[-1].offset + 1
        return found, None

    def article(self, article_id: str) -> Article | None:
        """A published article by id."""
        return read_article(self.log, article_id)


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any, entries: int) -> None:
    """Put ``value`` in a bounded cache, forgetting the least recently stored entry."""
    cache[key] = value
    while len(cache) > entries:
        cache.popitem(last=False)
