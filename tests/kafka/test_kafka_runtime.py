"""The Faust runtime on the real broker: the fold's state, poison to the DLQ, foreign clients, redelivery."""

from __future__ import annotations

import asyncio
import itertools
import json
import signal
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import jsonschema
import orjson
import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.errors import MessageSizeTooLargeError

from agents.extract import DEFAULT_MODEL, Extractor, load_extractor
from agents.reduce import Tables, fold, view
from agents.reduce.rows import key_of
from agents.reduce.stored import decode_facts
from schemas import Article, Change
from schemas.export import SCHEMA_DIR
from streams import topics
from streams.kafka.admin import admin_client, read_topic
from streams.kafka.broker import MAX_MESSAGE_BYTES
from streams.kafka.options import KafkaOptions
from streams.kafka.stored import FACTS, facts_key, row_of
from streams.runtime.kafka import KafkaRuntime
from streams.topology import STAGES
from tests.support.kafka import Kafka, rewind, start_worker, unique
from tests.support.poison import ARTICLES, GOOD_EVENT, KEYLESS, OVERSIZED, ROW, ROWS, unanswered

pytestmark = pytest.mark.kafka

SEEDS = Path(__file__).parents[1] / "data" / "seeds" / "seeds.jsonl"
TABLE_NAMES = ("alliances", "zones")


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return load_extractor(DEFAULT_MODEL)


@pytest.fixture
def runtime(kafka: Kafka, extractor: Extractor) -> KafkaRuntime:
    """A runtime in a namespace of its own: its own topics and consumer group."""
    options = KafkaOptions(namespace=f"{unique('ns')}.", partitions=2, commit_interval=0.2)
    return KafkaRuntime(kafka.bootstrap, options=options, extractor=extractor)


def seed_items() -> list[tuple[str, bytes]]:
    lines = SEEDS.read_bytes().splitlines()
    return [(f"{SEEDS.name}:{number}", line) for number, line in enumerate(lines, 1) if line.strip()]


def views(runtime: KafkaRuntime) -> dict[str, list[dict[str, object]]]:
    return {table: [view(row) for row in runtime.state(table)] for table in TABLE_NAMES}


def fold_views(tables: Tables) -> dict[str, list[dict[str, object]]]:
    return {table: [view(row) for _key, row in sorted(tables[table].items())] for table in TABLE_NAMES}


@asynccontextmanager
async def worker(runtime: KafkaRuntime) -> AsyncIterator[None]:
    """``run_forever`` in the background, stopped (and awaited) on exit."""
    stop = asyncio.Event()
    task = asyncio.create_task(runtime.run_forever(stop))
    try:
        yield
    finally:
        stop.set()
        await task


def test_seeds_through_kafka_give_the_state_the_fold_of_the_extracted_events_gives(
    runtime: KafkaRuntime, extractor: Extractor
) -> None:
    published = runtime.publish_articles(seed_items())
    stats = runtime.run_until_idle()

    expected = [event for _origin, line in seed_items() for event in extractor.extract(Article.loads(line))]
    assert (published.published, stats.articles, stats.dead_letters) == (5, 5, 0)
    assert stats.events == len(expected) > 0
    assert sorted(event.id for event in runtime.events()) == sorted(event.id for event in expected)
    assert views(runtime) == fold_views(fold(expected))
    assert all(rows for rows in views(runtime).values())


def test_every_change_names_its_events_and_the_offsets_they_came_from(runtime: KafkaRuntime) -> None:
    runtime.publish_articles(seed_items())
    runtime.run_until_idle()
    changes = runtime.changes()
    events = {event.id for event in runtime.events()}
    assert [offset for offset, _change in changes] == list(range(len(changes)))
    for _offset, change in changes:
        assert set(change.event_ids) <= events
        assert change.ingested_at is not None and change.ingested_at.tzinfo is not None
        assert len(change.offsets) == len(change.event_ids)
    assert runtime.changes(after=len(changes) - 2) == changes[-1:]


def test_redelivering_everything_after_lost_commits_changes_no_state_and_no_change(
    runtime: KafkaRuntime,
) -> None:
    runtime.publish_articles(seed_items())
    runtime.run_until_idle()
    before, changes = views(runtime), runtime.changes()
    sources = [runtime.topic(stage.source) for stage in STAGES]
    asyncio.run(rewind(runtime.bootstrap, runtime.options.app_id, sources))

    again = runtime.run_until_idle()

    assert again.articles == 5
    assert again.changes == 0
    assert views(runtime) == before
    assert runtime.changes() == changes


def test_publishing_the_same_articles_twice_changes_nothing(runtime: KafkaRuntime) -> None:
    items = seed_items()
    first = runtime.publish_articles(items + items[:1])
    runtime.run_until_idle()
    before = views(runtime)
    runtime.publish_articles(items)
    again = runtime.run_until_idle()
    assert (first.published, first.duplicates) == (5, 1)
    assert again.changes == 0
    assert views(runtime) == before
    assert len(runtime.articles()) == 5


def test_invalid_articles_are_refused_at_publishing_with_a_reason(runtime: KafkaRuntime) -> None:
    result = runtime.publish_articles([("in.jsonl:1", b"{oops"), ("in.jsonl:2", b'{"id": "a"}')])
    assert result.published == 0
    lines = [dead.line() for dead in runtime.dead_letters()]
    assert lines[0].startswith("rejected input=in.jsonl:1 reason=malformed JSON")
    assert lines[1].startswith("rejected input=in.jsonl:2 reason=schema violation: text")


async def test_every_poison_record_a_kafka_client_can_send_is_dead_lettered_by_a_worker_that_goes_on(
    runtime: KafkaRuntime,
    kafka: Kafka,
    workers: list[subprocess.Popen[bytes]],
    extractor: Extractor,
    tmp_path: Path,
) -> None:
    """The table of poison records sent raw onto ``articles.raw`` between the seeds, to ``entente worker``."""
    await runtime.ensure_topics()
    raw = runtime.topic(topics.ARTICLES)
    seeds = [Article.loads(line) for _origin, line in seed_items()]
    sent = 0
    async with AIOKafkaProducer(
        bootstrap_servers=runtime.bootstrap, max_request_size=2 * MAX_MESSAGE_BYTES
    ) as producer:
        with pytest.raises(MessageSizeTooLargeError):  # by the broker: this producer would send it
            await producer.send_and_wait(raw, OVERSIZED.value, key=OVERSIZED.key, partition=0)
        for case, good in itertools.zip_longest(ARTICLES, seeds):
            if case is not None:
                headers = list(case.headers)
                await producer.send_and_wait(raw, case.value, key=case.key, headers=headers, partition=0)
                sent += 1
            if good is not None:
                await producer.send_and_wait(raw, good.dumps(), key=good.id.encode(), partition=0)
                sent += 1

    log = tmp_path / "worker.log"
    workers.append(start_worker(kafka, runtime.options, log))
    await runtime.wait_idle(timeout=300)
    workers[0].send_signal(signal.SIGTERM)
    assert workers[0].wait(timeout=60) == 0, log.read_text()

    assert unanswered(ARTICLES, await runtime.adead_letters()) == ([], [])
    expected = fold(event for article in (*seeds, KEYLESS) for event in extractor.extract(article))
    assert views(runtime) == fold_views(expected)
    output = log.read_text()
    assert "Crashed" not in output and "restarting" not in output, output
    assert output.splitlines()[-1] == "worker stopped"
    async with admin_client(runtime.bootstrap) as admin:
        committed = await admin.list_consumer_group_offsets(
            runtime.options.app_id, partitions=[TopicPartition(raw, 0)]
        )
    assert committed[TopicPartition(raw, 0)].offset == sent


async def test_every_poison_record_on_the_rows_stream_is_dead_lettered_and_reduce_goes_on(
    runtime: KafkaRuntime,
) -> None:
    """The table of poison records sent raw to the reduce stage's input, with a good one after them."""
    await runtime.ensure_topics()
    rows = runtime.topic(topics.EVENTS_BY_ROW)
    async with AIOKafkaProducer(bootstrap_servers=runtime.bootstrap) as producer:
        for case in ROWS:
            await producer.send_and_wait(rows, case.value, key=case.key, headers=list(case.headers))
        good = orjson.dumps([GOOD_EVENT.model_dump(mode="json")])
        await producer.send_and_wait(rows, good, key=ROW)

    async with worker(runtime):  # raises if an agent crashed
        await runtime.wait_idle(timeout=120)

    dead = await runtime.adead_letters()
    assert unanswered(ROWS, dead) == ([], [])
    assert {letter.stage for letter in dead} == {"reduce"}
    assert all("\n" not in letter.reason for letter in dead)
    [zone] = await runtime.astate("zones")
    assert (zone.zone, [fact.event_id for fact in zone.facts]) == ("MANBIJ", [GOOD_EVENT.id])


@pytest.fixture
def change_schema() -> Iterator[jsonschema.protocols.Validator]:
    schema = json.loads((SCHEMA_DIR / "Change.schema.json").read_text(encoding="utf-8"))
    yield jsonschema.validators.validator_for(schema)(schema)


async def test_kcat_speaks_the_documented_json_both_ways(
    runtime: KafkaRuntime, kcat: str, change_schema: jsonschema.protocols.Validator
) -> None:
    await runtime.ensure_topics()
    article = {"id": "kcat-1", "text": "Turkey and Russia signed an agreement on a ceasefire in Idlib."}
    produced = subprocess.run(
        [kcat, "-P", "-b", runtime.bootstrap, "-t", runtime.topic(topics.ARTICLES), "-K", "\t"],
        input=f"kcat-1\t{json.dumps(article)}\n".encode(),
        capture_output=True,
        check=False,
    )
    assert produced.returncode == 0, produced.stderr

    async with worker(runtime):
        await runtime.wait_idle(timeout=60)

    consumed = subprocess.run(
        [
            kcat,
            "-C",
            "-b",
            runtime.bootstrap,
            "-t",
            runtime.topic(topics.CHANGES),
            "-o",
            "beginning",
            "-e",
            "-q",
        ],
        capture_output=True,
        check=False,
    )
    assert consumed.returncode == 0, consumed.stderr
    lines = consumed.stdout.decode().splitlines()
    assert lines
    for line in lines:
        change_schema.validate(json.loads(line))
        assert Change.loads(line).article_ids == ("kcat-1",)
    assert {json.loads(line)["table"] for line in lines} == {"alliances", "zones"}


def test_rows_are_kept_as_summaries_with_each_fact_written_once_on_its_rows_partition(
    runtime: KafkaRuntime,
) -> None:
    runtime.publish_articles(seed_items())
    runtime.run_until_idle()
    options = runtime.options

    partition_of_row: dict[bytes, int] = {}
    for table in TABLE_NAMES:
        for record in asyncio.run(read_topic(runtime.bootstrap, options.changelog(table))):
            assert orjson.loads(record.value)["facts"] == []
            partition_of_row[record.key] = record.partition
    written: dict[bytes, list[str]] = {}
    for record in asyncio.run(read_topic(runtime.bootstrap, options.changelog(FACTS))):
        assert record.partition == partition_of_row[row_of(record.key)]
        assert record.key == facts_key(row_of(record.key), record.value)
        facts = written.setdefault(row_of(record.key), [])
        facts.extend(item.event_id for item in decode_facts(record.value))

    expected = {
        f"{table}:{key_of(row)}".encode(): sorted(item.event_id for item in row.facts)
        for table in TABLE_NAMES
        for row in runtime.state(table)
    }
    assert {row: sorted(ids) for row, ids in written.items()} == expected
    assert all(expected.values())
