"""How a state row is kept on Kafka: its summary in its table, its facts in records of the facts table.

The row's table keeps its summary (``alliances:RUS|TUR`` → summary), and the ``facts`` table keeps
the records of facts each update appended (:mod:`agents.reduce.stored`), each under the row and a
digest of the record (``alliances:RUS|TUR#<digest>`` → facts). A facts key goes to the partition of
its row, so a worker that is assigned a partition recovers every fact of the rows it will be sent.
Readers put the two back together with :func:`~agents.reduce.stored.assemble`.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from typing import Any

import faust
from aiokafka.partitioner import murmur2

from agents import reduce
from schemas import Event

FACTS = "facts"
SEPARATOR = b"#"


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
