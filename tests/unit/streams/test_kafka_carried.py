"""What a record of the Kafka stream of events keyed by row carries."""

from __future__ import annotations

import pytest

from streams.kafka.reduce import carried
from tests.support.factories import event


def test_a_record_carries_an_array_of_events_or_one_event_alone() -> None:
    first, second = event(article_id="a1"), event(article_id="a2", type="ASSAULT", target="SYR_GOV")
    assert carried(b"[" + first.dumps() + b"," + second.dumps() + b"]") == [first, second]
    assert carried(first.dumps()) == [first]


@pytest.mark.parametrize("value", [b"[1, 2]", b'"ASSAULT"', b'{"type": "ASSAULT"}', b"\xff["])
def test_anything_else_is_refused_with_a_value_error(value: bytes) -> None:
    with pytest.raises(ValueError):
        carried(value)
