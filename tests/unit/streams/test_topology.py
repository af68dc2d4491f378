"""The topology both runtimes run: a chain of stages, each wired by each runtime."""

from __future__ import annotations

from itertools import pairwise

from streams import topics
from streams.kafka.app import AGENTS
from streams.runtime.embedded import TRANSFORMS
from streams.topology import CORRECT, PIPELINE, REDUCE, ROUTE, STAGES, Key, log_topic


def test_each_stage_reads_what_the_one_before_writes_and_rejects_to_the_dead_letters() -> None:
    assert PIPELINE[0].source == topics.ARTICLES
    assert all(after.source == before.output for before, after in pairwise(PIPELINE))
    assert all(stage.sinks == (stage.output, topics.DLQ) for stage in STAGES)


def test_corrections_go_to_the_rows_they_concern_as_the_events_do() -> None:
    assert set(STAGES) == {*PIPELINE, CORRECT}
    for number, stage in enumerate(STAGES):
        assert all(reader.source != stage.output for reader in STAGES[:number])
    assert (CORRECT.source, CORRECT.output, CORRECT.keyed_by) == (topics.CORRECTIONS, REDUCE.source, Key.ROW)


def test_reduce_reads_the_events_re_keyed_by_row_so_a_row_and_its_input_share_a_partition() -> None:
    (writer,) = [stage for stage in PIPELINE if stage.output == REDUCE.source]
    assert writer is ROUTE
    assert (ROUTE.rekeys, ROUTE.keyed_by, REDUCE.keyed_by) == (True, Key.ROW, Key.ROW)


def test_on_a_log_of_one_partition_a_topic_the_events_by_row_are_the_events() -> None:
    assert log_topic(topics.EVENTS_BY_ROW) == topics.EVENTS
    assert [log_topic(stage.source) for stage in PIPELINE] == [topics.ARTICLES, topics.EVENTS, topics.EVENTS]


def test_each_runtime_runs_the_handler_of_every_stage() -> None:
    assert set(AGENTS) == {stage.handler for stage in STAGES}
    assert set(TRANSFORMS) == {stage.handler for stage in STAGES if not stage.rekeys}
