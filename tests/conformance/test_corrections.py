"""Corrections of the record, alike on every runtime: a retracted article leaves the state."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from agents import reduce
from agents.extract import Extractor
from schemas import Article, Correction, Event
from streams.audit import why
from streams.runtime.base import Refused, Runtime
from tests.conformance.test_runtimes import TABLE_NAMES, facts, views
from tests.support.changes import seed_items

AT = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)


def retraction(article_id: str, reason: str = "the story was a hoax") -> Correction:
    return Correction.made("retraction", article_id, by="ana", reason=reason, at=AT)


def state_of(extractor: Extractor, articles: list[Article]) -> tuple[object, object]:
    """The views and event ids of the rows the events of ``articles`` fold into."""
    tables = reduce.fold(event for article in articles for event in extractor.extract(article))
    rows = {table: [row for _key, row in sorted(tables[table].items())] for table in TABLE_NAMES}
    return (
        {table: [reduce.view(row) for row in rows[table]] for table in TABLE_NAMES},
        {table: [[item.event_id for item in row.facts] for row in rows[table]] for table in TABLE_NAMES},
    )


def live(runtime: Runtime) -> dict[str, dict[str, object]]:
    return {table: {row.key: row for row in runtime.state(table)} for table in TABLE_NAMES}


def test_a_retracted_article_leaves_the_state_as_if_it_was_never_logged(
    runtime: Runtime, extractor: Extractor
) -> None:
    items = seed_items()
    articles = [Article.loads(line) for _origin, line in items]
    gone = articles[1]
    runtime.publish_articles(items)
    runtime.run_until_idle()
    held = {event.id for event in runtime.events() if event.article_id == gone.id}
    time.sleep(0.05)  # record times are in milliseconds: the cut falls before the retraction
    cut = dt.datetime.now(dt.UTC)
    time.sleep(0.05)
    before = len(runtime.changes())

    runtime.correct(retraction(gone.id))
    runtime.run_until_idle()

    assert held
    assert (views(runtime), facts(runtime)) == state_of(extractor, [a for a in articles if a is not gone])
    assert reduce.digest(reduce.fold(runtime.events())) == reduce.digest(live(runtime))
    assert not {event.article_id for event in runtime.events()} & {gone.id}
    assert held <= {event.id for event in runtime.events_known_at(cut)}
    made = [change for _offset, change in runtime.changes()[before:]]
    assert made and all(change.cause == "retraction" for change in made)
    assert all(change.reason == "the story was a hoax" for change in made)
    assert {name for change in made for name in change.event_ids} == held
    assert all(change.article_ids == (gone.id,) for change in made)
    rows = live(runtime)
    for change in made:
        row = rows[change.table].get(change.key)
        assert change.after == (None if row is None else row.headline())

    [audit] = [why(runtime, change.table, change.key) for change in made[:1]]
    if audit is not None:  # the row may be gone with the article
        assert [item["target"] for item in audit["corrections"]] == [gone.id]
        assert audit["corrections"][0]["reason"] == "the story was a hoax"

    runtime.publish_articles([items[1]])  # published again (Kafka sends it again): still retracted
    runtime.run_until_idle()
    assert (views(runtime), facts(runtime)) == state_of(extractor, [a for a in articles if a is not gone])


@pytest.mark.parametrize(
    ("correction", "reason"),
    [
        (retraction("no-such-article"), "unknown article no-such-article"),
        (
            Correction.made("override", "no-such-event", by="ana", reason="x", at=AT, drop=True),
            "unknown event",
        ),
    ],
)
def test_a_correction_of_nothing_known_is_refused_and_changes_nothing(
    runtime: Runtime, correction: Correction, reason: str
) -> None:
    runtime.publish_articles(seed_items()[:1])
    runtime.run_until_idle()
    state = views(runtime)

    with pytest.raises(Refused, match=reason):
        runtime.correct(correction)
    assert runtime.corrections() == []
    assert views(runtime) == state


def test_an_article_is_retracted_once(runtime: Runtime) -> None:
    item = seed_items()[0]
    runtime.publish_articles([item])
    runtime.run_until_idle()
    runtime.correct(retraction(Article.loads(item[1]).id))
    with pytest.raises(Refused, match="already retracted"):
        runtime.correct(retraction(Article.loads(item[1]).id, "again"))
    assert len(runtime.corrections()) == 1


def override(event_id: str, reason: str = "misread", **kwargs: object) -> Correction:
    return Correction.made("override", event_id, by="ana", reason=reason, at=AT, **kwargs)  # type: ignore[arg-type]


def test_an_override_drops_or_sets_an_event_and_the_state_is_the_fold_of_the_events_so_corrected(
    runtime: Runtime,
) -> None:
    runtime.publish_articles(seed_items())
    runtime.run_until_idle()
    logged = runtime.events()
    dropped = next(event for event in logged if event.target is not None and event.zone is None)
    moved = next(
        event
        for event in logged
        if event.target is not None and event.id != dropped.id and event.type.value != "ASSAULT"
    )
    before = len(runtime.changes())

    runtime.correct(override(dropped.id, drop=True))
    runtime.correct(
        override(moved.id, "the attack was on Israel", fields={"type": "ASSAULT", "target": "ISR"})
    )
    runtime.run_until_idle()

    expected = [
        Event.model_validate(event.model_dump() | {"type": "ASSAULT", "target": "ISR"})
        if event.id == moved.id
        else event
        for event in logged
        if event.id != dropped.id
    ]
    assert {event.id: event.type for event in runtime.events()} == {
        event.id: event.type for event in expected
    }
    assert reduce.digest(live(runtime)) == reduce.digest(reduce.fold(expected))
    assert reduce.digest(reduce.fold(runtime.events())) == reduce.digest(live(runtime))
    made = [change for _offset, change in runtime.changes()[before:]]
    assert {change.cause for change in made} == {"override"}
    assert {change.reason for change in made} == {"misread", "the attack was on Israel"}
    assert dropped.id in {name for change in made for name in change.event_ids}
    moved_to = [change for change in made if "ISR" in change.key]
    assert moved_to and moved_to[0].event_ids == (moved.id,)
    state = reduce.digest(live(runtime))

    runtime.publish_articles(seed_items())  # published again (Kafka sends them again): still corrected
    runtime.run_until_idle()
    assert reduce.digest(live(runtime)) == state


def test_an_override_of_a_retracted_article_s_event_is_refused(runtime: Runtime) -> None:
    runtime.publish_articles(seed_items()[:2])
    runtime.run_until_idle()
    event, other = runtime.events()[0], runtime.events()[-1]
    runtime.correct(retraction(event.article_id))
    with pytest.raises(Refused, match=f"event {event.id} is of the retracted article {event.article_id}"):
        runtime.correct(override(event.id, drop=True))
    with pytest.raises(Refused, match="cannot set type: type: Input should be"):
        runtime.correct(override(other.id, fields={"type": "NOTATYPE"}))
    assert len(runtime.corrections()) == 1


def test_a_new_version_of_an_article_replaces_its_events(runtime: Runtime, extractor: Extractor) -> None:
    items = seed_items()
    articles = [Article.loads(line) for _origin, line in items]
    old = articles[1]
    sentences = old.text.split(". ")
    new = old.model_copy(update={"text": ". ".join(sentences[: len(sentences) // 2]) + "."})
    runtime.publish_articles(items)
    runtime.run_until_idle()
    time.sleep(0.05)  # record times are in milliseconds: the cut falls before the revision
    cut = dt.datetime.now(dt.UTC)
    time.sleep(0.05)
    before = len(runtime.changes())
    held = {event.id for event in runtime.events()}

    runtime.revise("a correspondent", new)
    runtime.run_until_idle()

    revised = [new if article.id == old.id else article for article in articles]
    assert (views(runtime), facts(runtime)) == state_of(extractor, revised)
    assert reduce.digest(reduce.fold(runtime.events())) == reduce.digest(live(runtime))
    assert {event.id for event in runtime.events_known_at(cut)} == held
    assert runtime.article(old.id) == new
    made = [change for _offset, change in runtime.changes()[before:]]
    assert made and {change.cause for change in made} == {"revision"}
    assert all(change.article_ids == (old.id,) for change in made)
    assert all("a correspondent" in (change.reason or "") for change in made)
