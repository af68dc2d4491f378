"""A Kafka row kept as its summary and its facts: the keys of its records and their partitions."""

from __future__ import annotations

from aiokafka.partitioner import DefaultPartitioner

from streams.kafka.stored import facts_key, index, partition_of, row_of


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
