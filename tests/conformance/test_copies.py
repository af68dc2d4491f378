"""Ingestion checks every article against the near-duplicate index, on every runtime alike."""

from __future__ import annotations

from agents.extract import Extractor
from schemas import Article
from streams.runtime.base import Runtime
from streams.runtime.publish import ingest_items
from tests.conformance.test_runtimes import facts, seed_state, views
from tests.support.articles import seed_articles

OUTLETS = 3


def outlet_copies(seeds: list[Article]) -> list[Article]:
    """The seeds as other outlets post them, under new ids: odd outlets add a line of their own."""
    return [
        seed.model_copy(
            update={
                "id": f"{seed.id}-outlet{n}",
                "source": f"Outlet {n}",
                "text": seed.text + (f"\n\nRepublished by Outlet {n}." if n % 2 else ""),
            }
        )
        for n in range(1, OUTLETS + 1)
        for seed in seeds
    ]


def test_copies_of_the_seeds_ingested_under_new_ids_leave_the_state_of_the_seeds(
    runtime: Runtime, extractor: Extractor
) -> None:
    seeds = seed_articles()
    summary = ingest_items(runtime, [(article.id, article) for article in [*seeds, *outlet_copies(seeds)]])
    again = ingest_items(runtime, [(article.id, article) for article in outlet_copies(seeds)])
    runtime.run_until_idle()

    assert (summary.published, summary.copies, summary.duplicates) == (15, 10, 5)
    assert (again.published, again.duplicates) == (0, 15)
    assert (views(runtime), facts(runtime)) == seed_state(extractor)
    assert {article.id: article.copy_of for article in runtime.articles() if article.copy_of} == {
        f"{seed.id}-outlet{n}": seed.id for n in (1, 3) for seed in seeds
    }
    assert {event.article_id for event in runtime.events()} == {seed.id for seed in seeds}
