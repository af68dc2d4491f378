"""A Kafka row kept as its summary and its facts: keys, partitions and putting it back together."""

from __future__ import annotations

from aiokafka.partitioner import DefaultPartitioner
from hypothesis import given
from hypothesis import strategies as st

from agents import reduce
from schemas import AllianceState, Event, ZoneState
from streams.kafka.stored import (
    assemble,
    decode_facts,
    encode_facts,
    encode_summary,
    facts_key,
    index,
    partition_of,
    row_of,
)
from tests.support.factories import events, sequential

MODELS = {"alliances": AllianceState, "zones": ZoneState}


def test_a_facts_key_names_its_row_and_goes_to_the_partition_the_producer_gives_the_row() -> None:
    partitioner = DefaultPartitioner()
    for row in (b"alliances:RUS|TUR", b"zones:IDLIB", b"alliances:IRN|SYR_GOV"):
        key = facts_key(row, b'[{"event_id": "0f3a9c"}]')
        assert row_of(key) == row
        assert key == facts_key(row, b'[{"event_id": "0f3a9c"}]') != facts_key(row, b"[]")
        for count in (1, 4, 12):
            partitions = list(range(count))
            assert partition_of(row, count) == partitioner(row, partitions, partitions)


def test_facts_keys_are_grouped_by_their_row() -> None:
    rows = [b"zones:IDLIB", b"alliances:RUS|TUR", b"zones:IDLIB"]
    keys = [facts_key(row, value) for row, value in zip(rows, (b"b", b"a", b"c"), strict=True)]
    assert index(keys) == {b"zones:IDLIB": [keys[0], keys[2]], b"alliances:RUS|TUR": [keys[1]]}


@given(st.lists(events(), min_size=1, max_size=12), st.integers(1, 4), st.data())
def test_every_row_is_its_summary_and_its_records_of_facts_put_back_together(
    items: list[Event], size: int, data: st.DataObject
) -> None:
    for table, rows in sequential(items).items():
        for row in rows.values():
            value = encode_summary(row, reduce.view(row))
            stored = MODELS[table].loads(value)
            assert stored.facts == ()
            facts = list(reversed(row.facts))  # a changelog's order is any
            chunks = [facts[start : start + size] for start in range(0, len(facts), size)]
            again = data.draw(st.lists(st.sampled_from(chunks), max_size=2))  # written again after a crash
            records = [encode_facts(chunk) for chunk in [*chunks, *again]]
            assert assemble(MODELS[table], value, records) == row
            assert [decode_facts(record) for record in records[: len(chunks)]] == chunks
            assert reduce.view(stored) == reduce.view(row)
