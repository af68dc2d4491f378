"""The reduce stage of :mod:`streams.topology` as a Faust agent: events by row → tables → ``state.changes``.

A record of ``events.by-row`` holds events of one row (``alliances:A|B``, ``zones:Z``); a change
names the offset of the record that carried its event in the row's partition of that stream (the
changes of several events of one record name one offset). The tables are keyed the same way and
their changelogs partitioned by the same partitioner, so a row's state lives on the partition of its
input, and a worker that is assigned a partition recovers exactly the rows it will be sent.

``reduce`` takes its input in batches and grows each row a batch touches by its events, one at a
time in the order of the row's partition (:func:`streams.handlers.reduce_row`, the embedded
runtime's step too): one change per event new to the row, whatever the batches. A row is written
once a batch, as its summary plus one record of the facts the batch added
(:mod:`streams.kafka.stored`), so a busy row costs the changelog what changed, not its size.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from faust.types import EventT, StreamT

from agents.reduce import keys, tables
from agents.reduce.facts import ordered
from agents.reduce.growth import Grown
from agents.reduce.stored import encode_facts, encode_summary, regrown
from agents.reduce.tables import Held
from schemas import Change, DeadLetter, Event
from schemas.state import Fact
from streams.handlers import NULL_VALUE, correct_row, reduce_row, stamped, undecodable_event
from streams.kafka.correct import RowCorrection
from streams.kafka.stages import StageAgent, origin_of, received_at
from streams.kafka.stored import facts_key, index, split_row
from streams.topology import Stage

if TYPE_CHECKING:
    from streams.kafka.app import EntenteApp

REDUCE_BATCH = 4000
"""Most records the reduce stage applies at once (Faust buffers 4096 records a stream)."""


Carried = Event | RowCorrection


def carried(value: bytes | None) -> list[Carried]:
    """What a record of ``events.by-row`` carries: a JSON array of events (or one event alone), or a
    correction of the row (:mod:`streams.kafka.correct`)."""
    if value is None:
        raise ValueError(NULL_VALUE)
    payloads = orjson.loads(value)
    if isinstance(payloads, dict) and "correction" in payloads:
        return [RowCorrection.from_payload(payloads)]
    if not isinstance(payloads, list):
        payloads = [payloads]
    return [Event.from_payload(payload) for payload in payloads]


def not_a_row(key: bytes | None) -> str | None:
    """Why a record of ``events.by-row`` keyed ``key`` goes to no row (``table:key``), or ``None``."""
    if key is None:
        return "no row: the record has no key"
    try:
        table = split_row(key)[0]
    except UnicodeDecodeError:
        table = ""
    if table not in tables.names():
        return f"no row: the key {key[:100]!r} names no row of {', '.join(tables.names())}"
    return None


@dataclass(frozen=True)
class RowBatch:
    """The records of one reduce batch that go to the row ``table:key``, and the row as held.

    The row is ``grown`` when this worker built or read it since its last rebalance; else it is put
    together from ``held`` (its table's value) and ``facts`` (the values of its records of facts).
    """

    row: bytes
    records: list[EventT]
    grown: Grown | None = None
    held: bytes | None = None
    facts: list[bytes] = field(default_factory=list)

    @property
    def table(self) -> str:
        return split_row(self.row)[0]

    @property
    def key(self) -> str:
        return split_row(self.row)[1]


@dataclass(frozen=True)
class RowWrite:
    """A row to write once its changes are acknowledged: its summary (``None``: the row is removed)
    and its record of new facts (encoded), after the records of facts ``dropped`` are removed (a
    row a correction built again is written whole)."""

    row: bytes
    table: str
    grown: Held | None
    summary: bytes | None
    facts: dict[bytes, bytes]
    changes: list[Change]
    dropped: tuple[bytes, ...] = ()


@dataclass
class Reduced:
    """What a reduce batch produced: rows with their changes, and dead letters with their records."""

    rows: list[RowWrite] = field(default_factory=list)
    dead: list[tuple[DeadLetter, EventT]] = field(default_factory=list)


class Reduce(StageAgent):
    """``events.by-row`` → the state tables and ``state.changes``; rejections → the dead letters."""

    def __init__(self, app: EntenteApp, stage: Stage) -> None:
        super().__init__(app, stage)
        self._rows: dict[bytes, Grown] = {}
        """Rows this worker built or read since partitions were last revoked."""
        self._fact_keys: dict[bytes, set[bytes]] | None = None
        """The facts-table keys of each row, gathered from the table on the first need after a rebalance."""
        app.app.on_partitions_revoked.connect(self._forget_rows)

    async def _forget_rows(self, *_args: Any, **_kwargs: Any) -> None:
        """Forget the rows built so far: partitions may move, and other workers update their rows."""
        self._rows = {}
        self._fact_keys = None

    async def run(self, stream: StreamT[Any]) -> None:
        """Apply each batch of events to its rows; publish the changes, then write the rows.

        A batch is what arrives within ``reduce_window`` seconds, at most :data:`REDUCE_BATCH` records:
        one record when input trickles in, a full batch when the stage is behind. Each row it
        touches is decoded, grown and encoded once (see :func:`streams.handlers.reduce_row`), on the event
        loop: in a thread it would wait for the interpreter lock behind the loop and Faust's
        consumer thread, and took several times as long. A row grows from what its last batch
        computed, but its summary is encoded whole, so a busy row still costs more than its new
        events: after each batch the stage waits as long as building it took, so rows are
        rebuilt at most half the time, in batches that grow with the load, and the rest of the
        loop (which feeds the extraction process) keeps its share.
        """
        loop = asyncio.get_running_loop()
        async for records in stream.take_events(REDUCE_BATCH, within=self.app.options.reduce_window):
            began = loop.time()
            done = Reduced()
            groups: dict[bytes, list[EventT]] = {}
            for record in records:
                if (astray := not_a_row(record.message.key)) is not None:
                    dead = DeadLetter.of(origin_of(record), astray, record.message.value, self.stage.name)
                    done.dead.append((dead, record))
                else:
                    groups.setdefault(record.message.key, []).append(record)
            if any((record.message.value or b"").startswith(RowCorrection.PREFIX) for record in records):
                await self.app.feed.caught_up()  # corrections in the order logged, this one among them
            rows = self._rows
            self._reduce_rows([self._held(row, group) for row, group in groups.items()], done)
            building = loop.time() - began
            for dead, record in done.dead:
                await self.dead_letter(dead, record)
            changes = [(row.row, change) for row in done.rows for change in row.changes]
            sent = [await self.output.send(key=row, value=change) for row, change in changes]
            await asyncio.gather(*sent)
            for row in done.rows:
                self._write(row, remember=rows is self._rows)
            self.stats.changes += len(changes)
            await asyncio.sleep(building)  # see the docstring

    def _held(self, row: bytes, records: list[EventT]) -> RowBatch:
        """The batch of ``records`` for ``row``, with the row as this worker knows it or as held."""
        if (known := self._rows.get(row)) is not None:
            return RowBatch(row, records, grown=known)
        table = self.app.tables.get(split_row(row)[0])
        held = None if table is None else table.get(row)
        if held is None:
            return RowBatch(row, records)
        facts = [self.app.facts[key] for key in self._keys_of(row)]
        return RowBatch(row, records, held=held, facts=facts)

    def _write(self, row: RowWrite, remember: bool) -> None:
        """Write a row's new facts, then its summary; remember the row unless partitions moved meanwhile."""
        for key in row.dropped:
            if key not in row.facts:
                self.app.facts.pop(key, None)
        for key, value in row.facts.items():
            self.app.facts[key] = value
        if row.summary is None:
            self.app.tables[row.table].pop(row.row, None)
        else:
            self.app.tables[row.table][row.row] = row.summary
        if remember:
            if row.grown is None:
                self._rows.pop(row.row, None)
            else:
                self._rows[row.row] = row.grown  # type: ignore[assignment]
            if self._fact_keys is not None:
                held = self._fact_keys.setdefault(row.row, set())
                held.difference_update(row.dropped)
                held.update(row.facts)

    def _reduce_rows(self, batches: list[RowBatch], out: Reduced) -> None:
        """Every row of a batch with its events applied, added to ``out``."""
        for batch in batches:
            try:
                events = self._events_of(batch, out)
                if events:
                    self._reduce_row(batch, events, out)
            except Exception as exc:  # one bad row must never stop the agent
                reason = f"reduce failed: {type(exc).__name__}: {exc}"
                out.dead.extend(
                    (DeadLetter.of(origin_of(record), reason, record.message.value, self.stage.name), record)
                    for record in batch.records
                )

    def _events_of(self, batch: RowBatch, out: Reduced) -> list[tuple[Carried, EventT]]:
        """The batch's events and corrections with their records; undecodable records become dead
        letters in ``out``."""
        events = []
        for record in batch.records:
            value = record.message.value
            try:
                events.extend((event, record) for event in carried(value))
            except ValueError as exc:
                reason = undecodable_event(exc)
                out.dead.append((DeadLetter.of(origin_of(record), reason, value, self.stage.name), record))
        return events

    def _reduce_row(self, batch: RowBatch, items: list[tuple[Carried, EventT]], out: Reduced) -> None:
        """Apply ``items`` to the batch's row in order: events as the worker's corrections leave them,
        corrections of the row (which build it again whole); add the row and its changes to ``out``
        if it changed."""
        table, key = batch.table, batch.key
        first = batch.grown
        if first is None and batch.held is not None:
            first = regrown(table, key, tables.get(table).model, batch.held, batch.facts)
        held: Held | None = first
        changes: list[Change] = []
        events: list[tuple[Event, EventT]] = []
        added: dict[str, Fact] = {}  # the facts the events added or changed, by event id
        whole = False

        def grow() -> None:
            nonlocal held
            reduced = reduce_row(table, key, held, [event for event, _record in events])
            if reduced is not None:
                carriers = ((event, received_at(record), record.message.offset) for event, record in events)
                changes.extend(stamped(reduced.changes, carriers))
                held = reduced.row
                added.update((item.event_id, item) for item in reduced.facts)
            events.clear()

        for item, record in items:
            if isinstance(item, Event):
                live = self.app.corrections.event(item)
                if live is not None and (table, key) in keys(live):  # not retracted, dropped or moved away
                    events.append((live, record))
                continue
            grow()
            self.app.corrections.add(item.correction)
            corrected = correct_row(table, key, held, item.correction, item.effect)
            if corrected is not None:
                stamp = {"ingested_at": received_at(record), "offsets": (record.message.offset,)}
                changes.append(corrected.change.model_copy(update=stamp))
                held, whole = corrected.row, True
        grow()
        if held is first:
            return
        written = list(held.state.facts) if whole and held is not None else ordered(added)
        facts = {}
        if written:
            value = encode_facts(written)
            facts[facts_key(batch.row, value)] = value
        dropped = tuple(self._keys_of(batch.row)) if whole else ()
        summary = None if held is None else encode_summary(held.state)
        out.rows.append(RowWrite(batch.row, table, held, summary, facts, changes, dropped))

    def _keys_of(self, row: bytes) -> set[bytes]:
        """The facts-table keys of ``row``'s records of facts."""
        if self._fact_keys is None:
            self._fact_keys = {key: set(keys) for key, keys in index(self.app.facts.keys()).items()}
        return set(self._fact_keys.get(row, ()))
