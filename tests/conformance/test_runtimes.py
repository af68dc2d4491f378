"""What every runtime promises (:class:`streams.runtime.base.Runtime`), checked on each of them alike."""

from __future__ import annotations

import asyncio
from pathlib import Path

from agents.extract import Extractor
from agents.reduce import fold, view
from schemas import Article, DeadLetter
from streams.runtime.base import Runtime

SEEDS = Path(__file__).parents[1] / "data" / "seeds" / "seeds.jsonl"
TABLE_NAMES = ("alliances", "zones")
Views = dict[str, list[dict[str, object]]]


def seed_items() -> list[tuple[str, bytes]]:
    lines = SEEDS.read_bytes().splitlines()
    return [(f"{SEEDS.name}:{number}", line) for number, line in enumerate(lines, 1) if line.strip()]


def views(runtime: Runtime) -> Views:
    return {table: [view(row) for row in runtime.state(table)] for table in TABLE_NAMES}


def facts(runtime: Runtime) -> dict[str, list[list[str]]]:
    """The event ids each row holds, row by row."""
    return {
        table: [[fact.event_id for fact in row.facts] for row in runtime.state(table)]
        for table in TABLE_NAMES
    }


def seed_state(extractor: Extractor) -> tuple[Views, dict[str, list[list[str]]]]:
    """The views and event ids of the rows the seeds' events fold into."""
    tables = fold(event for _origin, line in seed_items() for event in extractor.extract(Article.loads(line)))
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


async def test_a_subscriber_gets_every_change_as_a_running_worker_makes_it(runtime: Runtime) -> None:
    """Changes arrive while ``run_forever`` runs; reading on ``after`` the last offset seen misses none."""
    stop = asyncio.Event()
    worker = asyncio.create_task(runtime.run_forever(stop))
    seen: list[tuple[int, object]] = []
    try:
        await asyncio.to_thread(runtime.publish_articles, seed_items())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        latest: dict[tuple[str, str], object] = {}
        articles = {Article.loads(line).id for _origin, line in seed_items()}
        credited: set[str] = set()
        while True:
            after = seen[-1][0] if seen else None
            for offset, change in await asyncio.to_thread(runtime.changes, after):
                seen.append((offset, change))
                latest[(change.table, change.key)] = change.after
                credited.update(change.article_ids)
            state = {
                (table, key): value
                for table, rows in (await asyncio.to_thread(views, runtime)).items()
                for key, value in ((_key(table, row), row) for row in rows)
            }
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


def _key(table: str, row: dict[str, object]) -> str:
    return f"{row['a']}|{row['b']}" if table == "alliances" else str(row["zone"])
