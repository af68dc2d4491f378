"""The record an analyst audits, alike on every runtime: why, as of a day, as known at a time."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from agents.reduce import fold, strongest
from schemas import Article
from streams.audit import why
from streams.runtime.base import Runtime
from tests.conformance.test_runtimes import TABLE_NAMES, seed_items


def listed(audit: dict[str, Any]) -> list[dict[str, Any]]:
    """An audit's facts without the articles ``why`` joins to them."""
    return [{name: value for name, value in item.items() if name != "article"} for item in audit["facts"]]


def test_why_gives_every_row_the_facts_a_fold_of_its_events_ranks(runtime: Runtime) -> None:
    runtime.publish_articles(seed_items())
    runtime.run_until_idle()
    articles = {article.id for article in runtime.articles()}

    tables = fold(runtime.events())
    assert tables["alliances"] and tables["zones"]
    for table in TABLE_NAMES:
        for key, row in tables[table].items():
            audit = why(runtime, table, key, limit=None)
            assert audit is not None, f"{table}[{key}] has no audit"
            assert listed(audit) == strongest(row, None)["facts"]
            assert {item["article"]["id"] for item in audit["facts"]} <= articles
    assert why(runtime, "alliances", "NOBODY|NOWHERE") is None


def test_why_as_of_a_day_is_the_row_a_fold_as_of_that_day_gives(runtime: Runtime) -> None:
    runtime.publish_articles(seed_items())
    runtime.run_until_idle()
    events = runtime.events()
    days = sorted({event.event_date for event in events if event.event_date is not None})
    as_of = days[len(days) // 2]

    tables = fold(events, as_of=as_of)
    for table in TABLE_NAMES:
        for key, row in tables[table].items():
            audit = why(runtime, table, key, as_of=as_of, limit=None)
            assert audit is not None
            assert listed(audit) == strongest(row, None)["facts"]
            assert all(item["date"] <= as_of.isoformat() for item in audit["facts"] if item.get("date"))


def test_events_known_at_a_time_are_those_logged_by_then(runtime: Runtime) -> None:
    items = seed_items()
    runtime.publish_articles(items[:2])
    runtime.run_until_idle()
    first = {event.id for event in runtime.events()}
    time.sleep(0.05)  # record times are in milliseconds: the cut falls between the two rounds
    cut = dt.datetime.now(dt.UTC)
    time.sleep(0.05)
    runtime.publish_articles(items[2:])
    runtime.run_until_idle()

    assert first
    assert {event.id for event in runtime.events_known_at(cut)} == first
    assert len(runtime.events()) > len(first)
    known = {Article.loads(line).id for _origin, line in items[:2]}
    assert {event.article_id for event in runtime.events_known_at(cut)} <= known
