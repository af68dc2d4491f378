"""A KRaft cluster id is what Kafka's storage tool takes as an argument."""

from __future__ import annotations

import base64

from streams.kafka.broker import cluster_id


def test_a_cluster_id_is_sixteen_bytes_of_base64_never_read_as_an_option() -> None:
    # One id in 64 would start with "-" if nothing prevented it; 5,000 draws miss that with odds of e^-78.
    ids = [cluster_id() for _ in range(5000)]
    assert not [found for found in ids if found.startswith("-")]
    assert {len(base64.urlsafe_b64decode(found + "==")) for found in ids} == {16}
    assert len(set(ids)) == len(ids)
