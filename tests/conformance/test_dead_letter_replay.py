"""Dead letters replayed after a fix, on every runtime: the record is processed once, however often
it is replayed (:mod:`streams.dlq`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from agents.extract import Extractor
from schemas import Article, Event
from streams import dlq, topics
from tests.conformance.conftest import RuntimeWith
from tests.conformance.test_runtimes import facts, seed_state, views
from tests.support.changes import seed_items

MARKER = "(marked for failure)"


@dataclass
class FailsOnMarker:
    """The real extractor, failing on every article whose text holds :data:`MARKER` while ``failing``."""

    inner: Extractor
    failing: bool = True

    @property
    def version(self) -> str:
        return self.inner.version

    def extract(self, article: Article) -> list[Event]:
        if self.failing and MARKER in article.text:
            raise RuntimeError("the marker")
        return self.inner.extract(article)


def test_a_dead_letter_replayed_after_the_fix_is_processed_once(
    runtime_with: RuntimeWith, extractor: Extractor
) -> None:
    failing = FailsOnMarker(extractor)
    runtime = runtime_with(failing)
    first = Article.loads(seed_items()[0][1])
    marked = first.model_copy(update={"id": "marked", "text": f"{first.text}\n{MARKER}"})
    runtime.publish_articles([*seed_items(), ("marked.jsonl:1", marked.dumps())])
    runtime.run_until_idle()
    [entry] = dlq.entries(runtime)
    assert (entry.dead.stage, entry.replayed) == ("extract", False)
    assert topics.ARTICLES in entry.dead.input
    assert "extraction failed: RuntimeError: the marker" in entry.dead.reason
    assert "marked" not in {event.article_id for event in runtime.events()}

    failing.failing = False
    [outcome] = dlq.replay(runtime)
    assert (outcome.offset, outcome.result) == (entry.offset, "replayed")
    runtime.run_until_idle()
    expected_views, expected_facts = seed_state(extractor, marked)
    assert (views(runtime), facts(runtime)) == (expected_views, expected_facts)
    events = runtime.events()
    assert "marked" in {event.article_id for event in events}

    counts = asyncio.run(runtime.counts())
    assert dlq.replay(runtime) == []
    [again] = dlq.replay(runtime, [entry.offset])
    assert again.result == "skipped"
    runtime.run_until_idle()
    assert asyncio.run(runtime.counts()) == counts
    assert counts[topics.DLQ] == 1
    assert (views(runtime), facts(runtime), runtime.events()) == (expected_views, expected_facts, events)
    assert [entry.replayed for entry in dlq.entries(runtime)] == [True]
