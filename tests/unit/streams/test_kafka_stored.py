"""A Kafka row kept as its summary and its facts: keys, partitions and putting it back together."""

from __future__ import annotations

from aiokafka.partitioner import DefaultPartitioner
from hypothesis import given
from hypothesis import strategies as st

from agents import reduce
from schemas import AllianceState, Event, ZoneState
from streams.kafka.stored import (
    assemble,
    decode_fact,
    encode_fact,
    encode_summary,
    fact_key,
    index,
    partition_of,
    row_of,
)
from tests.support.factories import events, sequential

MODELS = {"alliances": AllianceState, "zones": ZoneState}


def test_a_fact_key_names_its_row_and_goes_to_the_partition_the_producer_gives_the_row() -> None:
    partitioner = DefaultPartitioner()
    for row in (b"alliances:RUS|TUR", b"zones:IDLIB", b"alliances:IRN|SYR_GOV"):
        key = fact_key(row, "0f3a9c")
        assert row_of(key) == row
        for count in (1, 4, 12):
            partitions = list(range(count))
            assert partition_of(row, count) == partitioner(row, partitions, partitions)


def test_fact_keys_are_grouped_by_their_row() -> None:
    keys = [fact_key(b"zones:IDLIB", "b"), fact_key(b"alliances:RUS|TUR", "a"), fact_key(b"zones:IDLIB", "c")]
    assert index(keys) == {b"zones:IDLIB": [keys[0], keys[2]], b"alliances:RUS|TUR": [keys[1]]}


@given(st.lists(events(), min_size=1, max_size=12))
def test_every_row_is_its_summary_and_its_facts_put_back_together(items: list[Event]) -> None:
    for table, rows in sequential(items).items():
        for row in rows.values():
            value = encode_summary(row, reduce.view(row))
            stored = MODELS[table].loads(value)
            assert stored.facts == ()
            facts = [encode_fact(item) for item in reversed(row.facts)]  # a changelog's order is any
            assert assemble(MODELS[table], value, facts) == row
            assert [decode_fact(item) for item in facts] == list(reversed(row.facts))
            assert reduce.view(stored) == reduce.view(row)
