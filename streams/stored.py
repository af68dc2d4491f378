"""State rows in the embedded log: a row's summary in ``state``, its records of facts in ``facts``.

The reduce stage writes what a step changed (:func:`write_step`); tools that replace a row write
it whole (:func:`write_row`); readers get whole rows (:func:`read_row`, :func:`read_rows`), put
together by :func:`agents.reduce.stored.assemble`, as on Kafka.
"""

from __future__ import annotations

from collections.abc import Sequence

from agents.reduce import tables
from agents.reduce.stored import assemble, encode_facts, encode_summary, regrown
from agents.reduce.tables import Held
from schemas.state import Fact, Row
from streams.log.interface import StoreReader, StoreWriter

State = Row


def read_row(reader: StoreReader, table: str, key: str) -> State | None:
    """The whole row ``table[key]``, or ``None``."""
    summary = reader.get_state(table, key)
    return (
        None if summary is None else assemble(tables.get(table).model, summary, reader.get_facts(table, key))
    )


def read_grown(reader: StoreReader, table: str, key: str) -> Held | None:
    """The row ``table[key]`` with the parts its next step reuses, or ``None``."""
    summary = reader.get_state(table, key)
    if summary is None:
        return None
    return regrown(table, key, tables.get(table).model, summary, reader.get_facts(table, key))


def read_rows(reader: StoreReader, table: str) -> list[State]:
    """Every whole row of ``table``, sorted by key."""
    facts, model = reader.facts_rows(table), tables.get(table).model
    return [assemble(model, value, facts.get(key, ())) for key, value in reader.state_rows(table)]


def write_step(writer: StoreWriter, table: str, key: str, state: State, facts: Sequence[Fact]) -> None:
    """Store ``state``'s summary and append ``facts``, those its last step added or changed."""
    writer.put_state(table, key, encode_summary(state))
    if facts:
        writer.append_facts(table, key, encode_facts(facts))


def write_row(writer: StoreWriter, table: str, key: str, state: State) -> None:
    """Store ``state`` whole in place of what the row held."""
    writer.delete_facts(table, key)
    write_step(writer, table, key, state, state.facts)
