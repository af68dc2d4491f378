"""How a state row is kept on Kafka: its summary in its table, its facts in records of the facts table.

A row holds the fact of every event it counts, and its summary (stance, score, relations...) is
rebuilt from all of them. Written whole, a busy row would cost its full size on the changelog at
every update, and the bytes written would grow with the square of its history. So the row's
table keeps the row without its facts (``alliances:RUS|TUR`` → summary), and the ``facts`` table
keeps the facts each update added or changed, in one record under the row and a digest of the
record (``alliances:RUS|TUR#<digest>`` → facts): an update writes the new summary and one record
of facts, however many events it took in. A fact a re-extraction changed stays in its old record
too; putting the row back together keeps the one :func:`~agents.reduce.facts.preferred` keeps, as
building the row does.

A facts key goes to the partition of its row, so a worker that is assigned a partition recovers
every fact of the rows it will be sent. Readers put the two back together with :func:`assemble`.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import faust
import orjson
from aiokafka.partitioner import murmur2
from pydantic import TypeAdapter

from agents import reduce
from agents.reduce.facts import canonical
from schemas import AllianceState, Event, ZoneState
from schemas.state import Fact

State = AllianceState | ZoneState
FACTS = "facts"
SEPARATOR = b"#"
_FACTS = TypeAdapter(list[Fact])


def rows_of(event: Event) -> tuple[bytes, ...]:
    """The rows (``table:key``) an event goes to: the reducer's ``keys(event)``."""
    return tuple(f"{table}:{key}".encode() for table, key in reduce.keys(event))


def split_row(row: bytes) -> tuple[str, str]:
    """The table and the key of a row (``table:key``)."""
    table, _, key = row.decode().partition(":")
    return table, key


def facts_key(row: bytes, value: bytes) -> bytes:
    """The facts-table key of ``value``, a record of facts of ``row`` (``table:key``): the same
    facts give the same key, so a batch applied again after a crash writes no second record."""
    return row + SEPARATOR + hashlib.blake2b(value, digest_size=12).hexdigest().encode()


def row_of(key: bytes) -> bytes:
    """The row (``table:key``) a facts-table key belongs to."""
    return key.rpartition(SEPARATOR)[0]


@functools.lru_cache(maxsize=1 << 16)
def partition_of(key: bytes, partitions: int) -> int:
    """The partition the producer's default partitioner gives ``key`` (murmur2, as Kafka's own)."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


def encode_facts(items: Sequence[Fact]) -> bytes:
    return _FACTS.dump_json(list(items))


def decode_facts(value: bytes) -> list[Fact]:
    return _FACTS.validate_json(value)


def encode_summary(state: State, view: dict[str, Any]) -> bytes:
    """The table record of ``state``: the row without its facts, from its public ``view`` (the row
    without its facts and version), an encoding its change has already paid for."""
    return orjson.dumps({"schema_version": state.schema_version, **view, "facts": []})


def assemble(model: type[State], value: bytes, facts: Iterable[bytes]) -> State:
    """The whole row from its table's ``value`` and the values of its records of facts."""
    items = [item for record in facts for item in decode_facts(record)]
    return model.loads(value).model_copy(update={"facts": canonical(items)})


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
