"""The embedded runtime over a real log: publish, extract, reduce, dead letters, offsets."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from agents import reduce
from agents.reduce.rows import key_of as row_key
from schemas import AllianceState, DeadLetter, Event, ZoneState
from streams import topics
from streams.config import Settings
from streams.ingest import read_paths
from streams.runtime.embedded import EmbeddedRuntime
from tests.support.changes import golden, records, seed_items
from tests.support.embedded import LineExtractor, article, corpus, outcome, uninterrupted

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds" / "seeds.jsonl"


@pytest.fixture
def runtime(data_dir: Path) -> Iterator[EmbeddedRuntime]:
    with EmbeddedRuntime(data_dir, Settings(home=data_dir), extractor=LineExtractor()) as opened:
        yield opened


def test_articles_become_events_state_rows_and_changes(runtime: EmbeddedRuntime) -> None:
    result = runtime.publish_articles(
        [
            ("a.jsonl:1", article("a1", "USA AID UKR Z-EAST", "RUS ASSAULT UKR Z-EAST")),
            ("a.jsonl:2", article("a2", "TUR CONSULT IRN")),
        ]
    )
    assert (result.published, result.duplicates, result.rejected) == (2, 0, 0)

    stats = runtime.run_until_idle()

    assert (stats.articles, stats.events, stats.dead_letters, stats.reduced) == (2, 3, 0, 3)
    assert [(e.article_id, e.type, e.source, e.target) for e in runtime.events()] == [
        ("a1", "AID", "USA", "UKR"),
        ("a1", "ASSAULT", "RUS", "UKR"),
        ("a2", "CONSULT", "IRN", "TUR"),
    ]
    alliances = runtime.state("alliances")
    assert all(isinstance(row, AllianceState) for row in alliances)
    assert [(row.a, row.b) for row in alliances] == [("IRN", "TUR"), ("RUS", "UKR"), ("UKR", "USA")]
    zones = runtime.state("zones")
    assert [row.zone for row in zones] == ["Z-EAST"]
    assert isinstance(zones[0], ZoneState) and zones[0].events == 2
    assert {event.id for event in runtime.events()} == {
        fact.event_id for row in alliances for fact in row.facts
    }
    assert runtime.articles()[1].id == "a2"


def test_changes_are_keyed_by_row_and_stamped_with_their_events(runtime: EmbeddedRuntime) -> None:
    runtime.publish_articles([("x", article("a1", "USA AID UKR Z-EAST", "RUS ASSAULT UKR Z-EAST"))])
    runtime.run_until_idle()
    event_records = {Event.loads(record.value).id: record for record in runtime.log.read(topics.EVENTS)}
    changes = runtime.changes()
    assert {(change.table, change.key) for _offset, change in changes} == {
        ("alliances", "UKR|USA"),
        ("alliances", "RUS|UKR"),
        ("zones", "Z-EAST"),
    }
    assert len(changes) == 4, "one change an event and row"
    assert [offset for offset, _change in changes] == list(range(len(changes)))
    for record, (offset, change) in zip(runtime.log.read(topics.CHANGES), changes, strict=True):
        (cause,) = [event_records[event_id] for event_id in change.event_ids]
        assert record.offset == offset
        assert record.key == f"{change.table}:{change.key}"
        assert (change.offsets, change.ingested_at) == ((cause.offset,), cause.timestamp)
        assert change.ingested_at.tzinfo == dt.UTC
    assert [change.offsets for _offset, change in changes] == sorted(change.offsets for _o, change in changes)
    first, second = [change for _offset, change in changes if change.table == "zones"]
    assert first.after is not None and (first.after.events, second.before) == (1, first.after)
    assert second.after is not None and second.after.events == 2
    assert runtime.changes(after=changes[-2][0]) == changes[-1:]
    assert runtime.changes(after=changes[-1][0]) == []


def test_every_committed_offset_reaches_the_end_of_its_topic(runtime: EmbeddedRuntime) -> None:
    runtime.publish_articles(corpus(9))
    runtime.run_until_idle()
    log = runtime.log
    assert log.positions() == {
        ("extract", topics.ARTICLES): log.end(topics.ARTICLES),
        ("reduce", topics.EVENTS): log.end(topics.EVENTS),
    }
    assert log.end(topics.ARTICLES) == 9


def test_a_republished_article_is_a_duplicate_and_changes_nothing(runtime: EmbeddedRuntime) -> None:
    first = runtime.publish_articles([("a.jsonl:1", article("a1", "USA AID UKR", "RUS ASSAULT UKR"))])
    runtime.run_until_idle()
    before = (runtime.events(), runtime.state("alliances"), runtime.changes())

    again = runtime.publish_articles(
        [
            ("b.jsonl:1", article("a1", "USA AID UKR", "RUS ASSAULT UKR")),
            ("b.jsonl:2", article("a2", "TUR CONSULT IRN")),
        ]
    )
    same_batch = runtime.publish_articles(
        [("c:1", article("a3", "USA AID TUR")), ("c:2", article("a3", "USA AID TUR"))]
    )
    runtime.run_until_idle()

    assert (first.published, again.published, again.duplicates) == (1, 1, 1)
    assert (same_batch.published, same_batch.duplicates) == (1, 1)
    assert [a.id for a in runtime.articles()] == ["a1", "a2", "a3"]
    assert runtime.log.article_offset("a1") == 0
    events = runtime.events()
    assert events[: len(before[0])] == before[0]
    assert [e.article_id for e in events[len(before[0]) :]] == ["a2", "a3"]


def test_bad_records_go_to_the_dead_letter_topic_and_the_rest_is_processed(data_dir: Path) -> None:
    settings = Settings(home=data_dir, max_article_bytes=2_000)
    with EmbeddedRuntime(data_dir, settings, extractor=LineExtractor()) as runtime:
        result = runtime.publish_articles(
            [
                ("in.jsonl:1", article("a1", "USA AID UKR")),
                ("in.jsonl:2", b'{"id": "a2", "text": '),
                ("in.jsonl:3", orjson.dumps({"id": "a3", "text": "   "})),
                ("in.jsonl:4", orjson.dumps({"id": "a4", "text": "x", "colour": "red"})),
                ("in.jsonl:5", article("a5", "USA AID UKR " * 200)),
                ("in.jsonl:6", article("a6", "TUR CONSULT IRN", "FAIL")),
                ("in.jsonl:7", article("a7", "RUS ASSAULT UKR")),
            ]
        )
        runtime.publish_dead_letter(DeadLetter.of("feed.xml:9", "not an article", b"<rss>"))
        stats = runtime.run_until_idle()

        assert (result.published, result.rejected) == (3, 4)
        assert [dl.input for dl in result.dead_letters] == [
            "in.jsonl:2",
            "in.jsonl:3",
            "in.jsonl:4",
            "in.jsonl:5",
        ]
        dead = runtime.dead_letters()
        assert [(dl.input, dl.stage) for dl in dead] == [
            ("in.jsonl:2", "decode"),
            ("in.jsonl:3", "decode"),
            ("in.jsonl:4", "decode"),
            ("in.jsonl:5", "decode"),
            ("feed.xml:9", "ingest"),
            ("articles.raw@1", "extract"),
        ]
        assert all(dl.received_at is not None and dl.received_at.tzinfo is not None for dl in dead)
        assert dead[0].reason.startswith("malformed JSON") and "too large" in dead[3].reason
        assert "FAIL" in dead[-1].reason and dead[-1].line().startswith(
            "rejected input=articles.raw@1 reason="
        )
        assert (stats.articles, stats.dead_letters) == (3, 1)
        assert [e.article_id for e in runtime.events()] == ["a1", "a7"]


def test_an_event_the_reducer_cannot_read_is_a_dead_letter(runtime: EmbeddedRuntime) -> None:
    runtime.log.append(topics.EVENTS, [("e0", b"{not json"), ("e1", orjson.dumps({"id": "e1"}))])
    runtime.publish_articles([("x", article("a1", "USA AID UKR"))])
    stats = runtime.run_until_idle()
    assert [(dl.input, dl.stage) for dl in runtime.dead_letters()] == [
        ("events@0", "reduce"),
        ("events@1", "reduce"),
    ]
    assert (stats.reduced, stats.dead_letters, len(runtime.state("alliances"))) == (3, 2, 1)


def test_running_again_when_idle_does_nothing(runtime: EmbeddedRuntime) -> None:
    runtime.publish_articles(corpus(4))
    runtime.run_until_idle()
    before = (runtime.log.positions(), runtime.changes(), runtime.state("zones"))
    assert runtime.run_until_idle().batches == 0
    assert (runtime.log.positions(), runtime.changes(), runtime.state("zones")) == before


def test_state_of_an_unknown_table_is_an_error(runtime: EmbeddedRuntime) -> None:
    with pytest.raises(ValueError, match="unknown table"):
        runtime.state("nope")


async def test_run_forever_processes_what_another_connection_publishes_and_stops(data_dir: Path) -> None:
    stop = asyncio.Event()
    with (
        EmbeddedRuntime(data_dir, extractor=LineExtractor(), poll_interval=0.01) as worker,
        EmbeddedRuntime(data_dir, extractor=LineExtractor()) as ingest,
    ):
        task = asyncio.create_task(worker.run_forever(stop))
        items = corpus(7)
        for published in (items[:5], items[5:]):
            ingest.publish_articles(published)
            await asyncio.wait_for(caught_up(ingest), 10)
        stop.set()
        await asyncio.wait_for(task, 10)
        assert task.done()
        assert outcome(ingest) == uninterrupted(data_dir.parent / "reference", items)


async def caught_up(runtime: EmbeddedRuntime) -> None:
    """Return once every stage has committed the end of its input."""
    log = runtime.log
    while log.positions() != {
        ("extract", topics.ARTICLES): log.end(topics.ARTICLES),
        ("reduce", topics.EVENTS): log.end(topics.EVENTS),
    }:
        await asyncio.sleep(0.01)


def test_the_default_extractor_and_reducers_process_the_seed_articles(data_dir: Path) -> None:
    items = [(origin, item.dumps()) for origin, item in read_paths([SEEDS], Settings().max_article_bytes)]
    with EmbeddedRuntime(data_dir, Settings(home=data_dir)) as runtime:
        assert runtime.publish_articles(items).published == len(items) == 5
        stats = runtime.run_until_idle()
        events = runtime.events()
        assert runtime.dead_letters() == []
        assert stats.events == len(events) > 0
        assert {event.article_id for event in events} <= {article.id for article in runtime.articles()}
        held = {event.id for event in events}
        assert all(set(change.event_ids) <= held for _offset, change in runtime.changes())
        live = {
            table: {row_key(row): row for row in runtime.state(table)} for table in ("alliances", "zones")
        }
        assert reduce.digest(reduce.fold(events)) == reduce.digest(live)


@pytest.mark.parametrize("reduce_batch", [1, 7, 500])
def test_the_seeds_published_together_make_the_golden_changes_in_batches_of_any_size(
    data_dir: Path, reduce_batch: int
) -> None:
    """On the embedded log a row's events come in the order published however the batches fall, so the
    seeds make the changes of the golden file (:mod:`tests.support.changes`) published all at once."""
    with EmbeddedRuntime(data_dir, Settings(home=data_dir), reduce_batch=reduce_batch) as runtime:
        runtime.publish_articles(seed_items())
        runtime.run_until_idle()
        assert records(runtime) == golden()
