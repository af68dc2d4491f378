"""How a state row is kept on Kafka: its summary in its table, each of its facts in the facts table.

A row holds the fact of every event it counts, and its summary (stance, score, relations...) is
rebuilt from all of them. Written whole, a busy row would cost its full size on the changelog at
every update, and the bytes written would grow with the square of its history. So the row's
table keeps the row without its facts (``alliances:RUS|TUR`` → summary), and the ``facts`` table
keeps each fact under the row and the event (``alliances:RUS|TUR#<event id>`` → fact); an
update writes the new summary and only the facts that are new or changed.

A fact's key goes to the partition of its row, so a worker that is assigned a partition recovers
every fact of the rows it will be sent. Readers put the two back together with :func:`assemble`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import faust
import orjson
from aiokafka.partitioner import murmur2

from agents import reduce
from agents.reduce.facts import canonical
from schemas import AllianceState, Event, ZoneState
from schemas.state import Fact

State = AllianceState | ZoneState
FACTS = "facts"
SEPARATOR = b"#"


def rows_of(event: Event) -> tuple[bytes, ...]:
    """The rows (``table:key``) an event goes to: the reducer's ``keys(event)``."""
    return tuple(f"{table}:{key}".encode() for table, key in reduce.keys(event))


def split_row(row: bytes) -> tuple[str, str]:
    """The table and the key of a row (``table:key``)."""
    table, _, key = row.decode().partition(":")
    return table, key


def fact_key(row: bytes, event_id: str) -> bytes:
    """The facts-table key of the fact of ``event_id`` in ``row`` (``table:key``)."""
    return row + SEPARATOR + event_id.encode()


def row_of(key: bytes) -> bytes:
    """The row (``table:key``) a facts-table key belongs to."""
    return key.rpartition(SEPARATOR)[0]


def partition_of(key: bytes, partitions: int) -> int:
    """The partition the producer's default partitioner gives ``key`` (murmur2, as Kafka's own)."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


def encode_fact(item: Fact) -> bytes:
    return item.model_dump_json().encode()


def decode_fact(value: bytes) -> Fact:
    return Fact.model_validate_json(value)


def encode_summary(state: State, view: dict[str, Any]) -> bytes:
    """The table record of ``state``: the row without its facts, from its public ``view`` (the row
    without its facts and version), an encoding its change has already paid for."""
    return orjson.dumps({"schema_version": state.schema_version, **view, "facts": []})


def assemble(model: type[State], value: bytes, facts: Iterable[bytes]) -> State:
    """The whole row from its table's ``value`` and the values of its facts."""
    return model.loads(value).model_copy(update={"facts": canonical([decode_fact(item) for item in facts])})


class FactsTable(faust.Table):
    """A Faust table that writes each key to the changelog partition of the row it belongs to."""

    def partition_for_key(self, key: Any) -> int | None:
        return partition_of(row_of(key), self.partitions or self.app.conf.topic_partitions)


def index(keys: Iterable[bytes]) -> dict[bytes, list[bytes]]:
    """Facts-table keys grouped by their row."""
    rows: dict[bytes, list[bytes]] = {}
    for key in keys:
        rows.setdefault(row_of(key), []).append(key)
    return rows
