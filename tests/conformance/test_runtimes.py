"""What every runtime promises (:class:`streams.runtime.base.Runtime`), checked on each of them alike."""

from __future__ import annotations

import asyncio
import itertools
from contextlib import aclosing

import pytest
from aiokafka.errors import MessageSizeTooLargeError

from agents import reduce
from agents.extract import Extractor
from agents.reduce import fold, view
from agents.reduce.rows import key_of
from schemas import Article, Change, DeadLetter
from schemas.change import Headline
from streams import topics
from streams.runtime.base import Runtime, Status
from streams.runtime.kafka import KafkaRuntime
from streams.stored import read_rows
from streams.subscribe import subscribe
from tests.support.changes import adds, golden, publish_one_by_one, records, seed_items
from tests.support.poison import ARTICLES, EVENTS, GOOD_EVENT, KEYLESS, OVERSIZED, unanswered

TABLE_NAMES = ("alliances", "zones")
Views = dict[str, list[dict[str, object]]]


def views(runtime: Runtime) -> Views:
    return {table: [view(row) for row in runtime.state(table)] for table in TABLE_NAMES}


def headlines(runtime: Runtime) -> dict[tuple[str, str], Headline]:
    """The headline of every row, by table and key."""
    return {
        (table, reduce.rows.key_of(row)): Headline.of(row)
        for table in TABLE_NAMES
        for row in runtime.state(table)
    }


def facts(runtime: Runtime) -> dict[str, list[list[str]]]:
    """The event ids each row holds, row by row."""
    return {
        table: [[fact.event_id for fact in row.facts] for row in runtime.state(table)]
        for table in TABLE_NAMES
    }


def seed_state(extractor: Extractor, *more: Article) -> tuple[Views, dict[str, list[list[str]]]]:
    """The views and event ids of the rows the events of the seeds (and of ``more``) fold into."""
    articles = [*(Article.loads(line) for _origin, line in seed_items()), *more]
    tables = fold(event for article in articles for event in extractor.extract(article))
    rows = {table: [row for _key, row in sorted(tables[table].items())] for table in TABLE_NAMES}
    return (
        {table: [view(row) for row in rows[table]] for table in TABLE_NAMES},
        {table: [[fact.event_id for fact in row.facts] for row in rows[table]] for table in TABLE_NAMES},
    )


def test_the_seeds_give_the_state_their_events_fold_into(runtime: Runtime, extractor: Extractor) -> None:
    published = runtime.publish_articles(seed_items())
    stats = runtime.run_until_idle()

    assert (published.published, published.rejected, stats.articles, stats.dead_letters) == (5, 0, 5, 0)
    expected_views, expected_facts = seed_state(extractor)
    assert views(runtime) == expected_views
    assert facts(runtime) == expected_facts
    assert sorted(article.id for article in runtime.articles()) == sorted(
        Article.loads(line).id for _origin, line in seed_items()
    )
    assert len(runtime.events()) == stats.events > 0
    assert_the_change_granularity(runtime)


def assert_the_change_granularity(runtime: Runtime) -> None:
    """One change an event new to a row (see :class:`~schemas.change.Change`): every event a row holds
    is credited in exactly one change that adds it to the row, which names that event alone and its
    article; a change carries the row's headlines, chained from one change of the row to the next,
    and stays within 1 KB."""
    events = {event.id: event for event in runtime.events()}
    changes = [change for _offset, change in runtime.changes()]
    for table in TABLE_NAMES:
        for row in runtime.state(table):
            key = reduce.rows.key_of(row)
            mine = [change for change in changes if (change.table, change.key) == (table, key)]
            credited = [change.event_ids[0] for change in mine if adds(change)]
            assert sorted(credited) == [fact.event_id for fact in row.facts]
            for change in mine:
                (event,) = (events[name] for name in change.event_ids)
                assert change.article_ids == (event.article_id,) and len(change.offsets) == 1
                assert len(change.dumps()) <= 1024
            assert mine[0].before is None and mine[-1].after == Headline.of(row)
            for earlier, later in itertools.pairwise(mine):
                assert later.before == earlier.after


def test_the_seeds_make_the_same_change_records_on_every_runtime(runtime: Runtime) -> None:
    """The change of an event depends only on the events before it in its row, so every runtime makes
    the records of the golden file (:mod:`tests.support.changes`), whatever its batches.

    The seeds are published one article at a time, each processed until the runtime is idle. The
    embedded log keeps the order published, but on Kafka ``articles.raw`` and ``events`` have several
    partitions, which the stages read in turns: the events of two articles published together may
    reach a row in either order, and the row's changes then differ. One article's events keep their
    order on every runtime (``events`` is keyed by article, one partition an article).
    """
    publish_one_by_one(runtime)

    assert records(runtime) == golden()
    assert_the_change_granularity(runtime)


def test_publishing_and_processing_again_changes_nothing(runtime: Runtime) -> None:
    items = seed_items()
    first = runtime.publish_articles(items + items[:1])
    runtime.run_until_idle()
    before, changes = views(runtime), runtime.changes()

    runtime.publish_articles(items)
    again = runtime.run_until_idle()

    assert (first.published, first.duplicates) == (5, 1)
    assert again.changes == 0
    assert views(runtime) == before
    assert runtime.changes() == changes
    assert len(runtime.articles()) == 5
    assert len({event.id for event in runtime.events()}) == len(runtime.events())


def test_poison_goes_to_the_dead_letter_queue_with_a_reason_and_the_rest_is_processed(
    runtime: Runtime,
) -> None:
    poison = [
        ("bad.jsonl:1", b"{oops"),
        ("bad.jsonl:2", b'{"id": "no-text"}'),
        ("bad.jsonl:3", b"\xff\xfe binary"),
    ]
    result = runtime.publish_articles([*poison, *seed_items()[:1]])
    runtime.publish_dead_letter(DeadLetter.of("feed.xml", "fetch failed: 404", b"", "ingest"))
    runtime.run_until_idle()

    assert (result.published, result.rejected) == (1, 3)
    reasons = {dead.input: dead.reason for dead in runtime.dead_letters()}
    assert reasons["bad.jsonl:1"].startswith("malformed JSON")
    assert reasons["bad.jsonl:2"].startswith("schema violation: text")
    assert reasons["bad.jsonl:3"].startswith("malformed JSON")
    assert reasons["feed.xml"] == "fetch failed: 404"
    assert all(dead.received_at is not None for dead in runtime.dead_letters())
    assert all(views(runtime).values())


def test_every_poison_record_put_raw_on_articles_raw_is_dead_lettered_beside_the_good_ones(
    runtime: Runtime, extractor: Extractor
) -> None:
    """Records as any producer can write them, mixed with good ones: each poison one is a dead letter."""
    seeds = seed_items()
    for number, case in enumerate(ARTICLES):
        runtime.publish_raw(topics.ARTICLES, case.key, case.value, case.headers)
        if number < len(seeds):
            runtime.publish_articles(seeds[number : number + 1])
    runtime.run_until_idle()

    assert unanswered(ARTICLES, runtime.dead_letters()) == ([], [])
    expected_views, expected_facts = seed_state(extractor, KEYLESS)
    assert views(runtime) == expected_views
    assert facts(runtime) == expected_facts


def test_every_poison_record_put_raw_on_events_is_dead_lettered_and_the_good_event_after_reaches_its_rows(
    runtime: Runtime,
) -> None:
    """On Kafka the route stage rejects them; on the embedded log, where route is the identity, reduce."""
    for case in EVENTS:
        runtime.publish_raw(topics.EVENTS, case.key, case.value, case.headers)
    runtime.publish_raw(topics.EVENTS, GOOD_EVENT.id.encode(), GOOD_EVENT.dumps())
    runtime.run_until_idle()

    dead = runtime.dead_letters()
    assert unanswered(EVENTS, dead) == ([], [])
    assert {letter.stage for letter in dead} <= {
        "publish",
        "route" if isinstance(runtime, KafkaRuntime) else "reduce",
    }
    [zone] = runtime.state("zones")
    assert (zone.zone, [fact.event_id for fact in zone.facts]) == ("MANBIJ", [GOOD_EVENT.id])


def test_a_record_over_the_brokers_limit_is_refused_on_kafka_and_dead_lettered_on_the_embedded_log(
    runtime: Runtime,
) -> None:
    """Kafka refuses the sender, so no record reaches the cluster; the embedded log takes and rejects it."""
    refused = isinstance(runtime, KafkaRuntime)
    if refused:
        with pytest.raises(MessageSizeTooLargeError, match="max_request_size"):
            runtime.publish_raw(topics.ARTICLES, OVERSIZED.key, OVERSIZED.value)
    else:
        runtime.publish_raw(topics.ARTICLES, OVERSIZED.key, OVERSIZED.value)
    runtime.publish_articles(seed_items())
    runtime.run_until_idle()

    assert unanswered([] if refused else [OVERSIZED], runtime.dead_letters()) == ([], [])
    assert all(views(runtime).values())


async def test_a_subscriber_gets_every_change_as_a_running_worker_makes_it(runtime: Runtime) -> None:
    """Changes arrive while ``run_forever`` runs; reading on ``after`` the last offset seen misses none."""
    stop = asyncio.Event()
    worker = asyncio.create_task(runtime.run_forever(stop))
    seen: list[tuple[int, object]] = []
    try:
        await asyncio.to_thread(runtime.publish_articles, seed_items())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        latest: dict[tuple[str, str], Headline | None] = {}
        articles = {Article.loads(line).id for _origin, line in seed_items()}
        credited: set[str] = set()
        while True:
            after = seen[-1][0] if seen else None
            for offset, change in await asyncio.to_thread(runtime.changes, after):
                seen.append((offset, change))
                latest[(change.table, change.key)] = change.after
                credited.update(change.article_ids)
            state = await asyncio.to_thread(headlines, runtime)
            if credited == articles and state == latest:
                break
            assert loop.time() < deadline, "the changes never caught up with the state"
            await asyncio.sleep(0.2)
    finally:
        stop.set()
        await worker

    offsets = [offset for offset, _change in seen]
    assert offsets == sorted(set(offsets))
    assert await asyncio.to_thread(runtime.changes) == seen


async def test_one_row_one_article_and_the_status_agree_with_the_whole_tables_and_topics(
    runtime: Runtime,
) -> None:
    await asyncio.to_thread(runtime.publish_articles, seed_items())
    await asyncio.to_thread(runtime.run_until_idle)

    for table in TABLE_NAMES:
        rows = await asyncio.to_thread(runtime.state, table)
        assert rows
        for row in rows:
            assert await asyncio.to_thread(runtime.row, table, key_of(row)) == row
        assert await asyncio.to_thread(runtime.row, table, "NOPE|NONE") is None
    for article in await asyncio.to_thread(runtime.articles):
        assert await asyncio.to_thread(runtime.article, article.id) == article
    assert await asyncio.to_thread(runtime.article, "no-such-article") is None
    status = await runtime.status()
    assert status == Status(await runtime.counts(), await runtime.lag())
    assert (
        status.lag == {"extract": 0, "route": 0, "correct": 0, "reduce": 0}
        and status.topics[topics.ARTICLES] == 5
    )


async def test_the_mirror_holds_the_topics_and_tables_of_the_runtime(runtime: Runtime) -> None:
    await asyncio.to_thread(runtime.publish_articles, seed_items())
    await asyncio.to_thread(runtime.run_until_idle)
    changes = await asyncio.to_thread(runtime.changes)

    async with runtime.mirror(lambda: None) as log:
        assert [Change.loads(record.value) for record in log.read(topics.CHANGES)] == [
            change for _offset, change in changes
        ]
        assert sorted(Article.loads(record.value).id for record in log.read(topics.ARTICLES)) == sorted(
            article.id for article in await asyncio.to_thread(runtime.articles)
        )
        for table in TABLE_NAMES:
            assert read_rows(log, table) == await asyncio.to_thread(runtime.state, table)


async def test_a_group_subscriber_resumes_after_its_last_change_and_no_stage_lags_once_idle(
    runtime: Runtime,
) -> None:
    await asyncio.to_thread(runtime.publish_articles, seed_items())
    await asyncio.to_thread(runtime.run_until_idle)
    everything = await asyncio.to_thread(runtime.changes)
    assert await runtime.lag() == {"extract": 0, "route": 0, "correct": 0, "reduce": 0}
    counts = await runtime.counts()
    assert (counts[topics.ARTICLES], counts[topics.CHANGES]) == (5, len(everything))

    first = []
    async with aclosing(subscribe(runtime, group="g", from_beginning=True)) as changes:
        async for item in changes:
            first.append(item)
            if len(first) == 3:
                break
    rest = [item async for item in subscribe(runtime, group="g", until_idle=True)]
    assert first + rest == everything
    assert [item async for item in subscribe(runtime, group="g", until_idle=True)] == []
    zones = [item async for item in subscribe(runtime, table="zones", from_beginning=True, until_idle=True)]
    assert zones == [(offset, change) for offset, change in everything if change.table == "zones"] != []
