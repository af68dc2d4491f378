"""Workers on Kafka: a group of two where one is killed mid-run, a retraction every worker of a group
holds; a broker restarted under a worker."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

import pytest

from agents.extract import DEFAULT_MODEL, Extractor, load_extractor
from agents.reduce import fold, keys, view
from schemas import Article, Correction, Event
from streams import topics
from streams.kafka.admin import TopicSpec, create_topics
from streams.kafka.options import KafkaOptions
from streams.kafka.probe import live_members
from streams.runtime.kafka import KafkaRuntime
from tests.support.articles import made_up_articles, seed_corpus
from tests.support.kafka import Kafka, start_worker, unique

pytestmark = pytest.mark.kafka

TABLE_NAMES = ("alliances", "zones")
DAY = dt.date(2024, 3, 4)
CORPUS = 400


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return load_extractor(DEFAULT_MODEL)


@pytest.fixture
def options() -> KafkaOptions:
    return KafkaOptions(namespace=f"{unique('ns')}.", partitions=4, commit_interval=0.2, session_timeout=6.0)


@pytest.fixture
async def two_workers(
    kafka: Kafka, options: KafkaOptions, workers: list[subprocess.Popen[bytes]], tmp_path: Path
) -> list[Path]:
    """Two ``entente worker`` processes of one group (put in ``workers``), once both joined; their logs."""
    await KafkaRuntime(kafka.bootstrap, options=options).ensure_topics()
    logs = [tmp_path / f"worker-{n}.log" for n in (1, 2)]
    workers.extend(start_worker(kafka, options, log) for log in logs)

    async def both_joined() -> bool:
        return await live_members(kafka.bootstrap, options.app_id) == 2

    await wait_for(both_joined, "two workers did not join the group")
    return logs


async def wait_for(condition: Callable[[], Awaitable[bool]], what: str, timeout: float = 90.0) -> None:
    """Poll ``condition`` until it returns true."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{what} within {timeout:.0f} s")
        await asyncio.sleep(0.2)


def extracted(extractor: Extractor, corpus: Iterable[Article]) -> list[Event]:
    """The events of every article, extracting each distinct text and date once.

    An article's id enters its events only as ``article_id`` (and so their ids): the events of
    another article with the same title, text and date are those with the id replaced. The test
    checks that on a few articles it extracts in full.
    """
    templates: dict[tuple[str | None, str, object], list[Event]] = {}
    out = []
    for article in corpus:
        content = (article.title, article.text, article.published)
        if content not in templates:
            templates[content] = extractor.extract(article)
        out.extend(
            Event.model_validate({**event.model_dump(exclude={"id"}), "article_id": article.id})
            for event in templates[content]
        )
    return out


async def test_a_group_of_two_workers_with_one_killed_mid_run_ends_in_the_state_of_a_clean_run(
    kafka: Kafka,
    options: KafkaOptions,
    workers: list[subprocess.Popen[bytes]],
    two_workers: list[Path],
    extractor: Extractor,
) -> None:
    corpus = seed_corpus(CORPUS)
    expected = extracted(extractor, corpus)
    for article in corpus[-7:]:
        assert extractor.extract(article) == [event for event in expected if event.article_id == article.id]
    runtime = KafkaRuntime(kafka.bootstrap, options=options, extractor=extractor)
    logs = two_workers
    await runtime.apublish_articles((article.id, article.dumps()) for article in corpus)

    async def under_way() -> bool:
        return (await runtime.lag())["extract"] <= CORPUS * 0.9

    await wait_for(under_way, "a tenth of the articles was not committed", timeout=300)
    os.kill(workers[0].pid, signal.SIGKILL)
    assert (await runtime.lag())["extract"] > CORPUS / 2  # killed mid-run, most of the work ahead
    try:
        await runtime.wait_idle(timeout=900)
    except TimeoutError as exc:
        raise AssertionError(f"{exc}; the survivor's log:\n{logs[1].read_text()[-4000:]}") from exc
    workers[1].send_signal(signal.SIGTERM)
    assert workers[1].wait(timeout=60) == 0

    assert {event.id for event in await asyncio.to_thread(runtime.events)} == {event.id for event in expected}
    tables = fold(expected)
    for table in TABLE_NAMES:
        rows = await runtime.astate(table)
        assert [view(row) for row in rows] == [view(row) for _key, row in sorted(tables[table].items())]
        assert [[fact.event_id for fact in row.facts] for row in rows] == [
            [fact.event_id for fact in row.facts] for _key, row in sorted(tables[table].items())
        ]


ELSEWHERE = (
    "Iran and Iraq signed a security agreement in Baghdad on Monday. Egypt condemned Israeli air strikes. "
    "Pakistan accused India of shelling villages. Kenya and Ethiopia agreed to cooperate on border "
    "security. Brazil and Argentina signed a trade agreement. Japan protested against Chinese incursions. "
    "Armenia accused Azerbaijan of attacking its border posts."
)
"""Sentences of seven pairs no other article of the test names: rows spread over the partitions."""


async def test_a_retraction_holds_on_every_worker_not_only_on_those_of_its_rows(
    kafka: Kafka, options: KafkaOptions, two_workers: list[Path], extractor: Extractor
) -> None:
    """The correct stage sends a retraction to the rows holding the article, here none (its text
    names no event), so only its own worker reads it there; the article's id comes again with
    another text (as any producer could write it), whose events go to rows held by either worker,
    and are left out on both."""
    runtime = KafkaRuntime(kafka.bootstrap, options=options, extractor=extractor)
    [other] = made_up_articles(1)
    article = Article(id="quiet-1", title="Weather", text="It rained in the capital today.", published=DAY)
    assert not extractor.extract(article)
    await runtime.apublish_articles((item.id, item.dumps()) for item in (article, other))
    await runtime.wait_idle(timeout=120)
    retraction = Correction.made(
        "retraction", article.id, by="desk", reason="fabricated", at=dt.datetime.now(dt.UTC)
    )
    await asyncio.to_thread(runtime.correct, retraction)
    await runtime.wait_idle(timeout=120)
    again = article.model_copy(update={"text": ELSEWHERE})
    assert len({key for event in extractor.extract(again) for key in keys(event)}) >= 7
    await asyncio.to_thread(runtime.publish_raw, topics.ARTICLES, again.id.encode(), again.dumps())
    await runtime.wait_idle(timeout=120)

    expected = fold(extractor.extract(other))
    for table in TABLE_NAMES:
        rows = await runtime.astate(table)
        assert not [row.key for row in rows if any(fact.article_id == article.id for fact in row.facts)]
        assert [view(row) for row in rows] == [view(row) for _key, row in sorted(expected[table].items())]


async def test_a_worker_rides_out_a_broker_restart(
    kafka: Kafka, options: KafkaOptions, extractor: Extractor
) -> None:
    runtime = KafkaRuntime(kafka.bootstrap, options=options, extractor=extractor)
    articles = made_up_articles(20)
    first, second = articles[:10], articles[10:]
    stop = asyncio.Event()
    running = asyncio.create_task(runtime.run_forever(stop))
    try:
        await runtime.apublish_articles((article.id, article.dumps()) for article in first)
        await runtime.wait_idle(timeout=120)
        await asyncio.to_thread(kafka.restart)
        await runtime.apublish_articles((article.id, article.dumps()) for article in second)
        await runtime.wait_idle(timeout=180)
    finally:
        stop.set()
        await running

    tables = fold(event for article in articles for event in extractor.extract(article))
    for table in TABLE_NAMES:
        assert [view(row) for row in await runtime.astate(table)] == [
            view(row) for _key, row in sorted(tables[table].items())
        ]


async def test_a_worker_whose_agent_crashed_exits_on_sigterm_with_one_line_about_the_crash(
    kafka: Kafka, options: KafkaOptions, workers: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    """The cluster refuses every change (``state.changes`` made to take records of 64 bytes at most),
    so the reduce agent crashes on its first batch, and again in every app that replaces it."""
    changes = options.topic(topics.CHANGES)
    await create_topics(kafka.bootstrap, [TopicSpec(changes, 1, {"max.message.bytes": "64"})])
    runtime = KafkaRuntime(kafka.bootstrap, options=options)
    await runtime.apublish_articles((article.id, article.dumps()) for article in made_up_articles(2))
    log = tmp_path / "worker.log"
    workers.append(start_worker(kafka, options, log))

    async def crashed() -> bool:
        return "worker restarting: WorkerCrashed: the reduce agent crashed" in log.read_text()

    await wait_for(crashed, "the reduce agent did not crash", timeout=180)
    workers[0].send_signal(signal.SIGTERM)
    assert workers[0].wait(timeout=120) == 1, log.read_text()
    last = log.read_text().splitlines()[-1]
    assert last.startswith("worker stopped after a crash: the reduce agent crashed: MessageSizeTooLargeError")
