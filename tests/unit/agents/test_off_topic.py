"""Articles that tell of no political event yield none: the off-topic articles of the development
sets, and sport between national teams."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from agents.extract import Extractor
from schemas import Article, Event

DATA = Path(__file__).resolve().parents[2] / "data"
SETS = ("dev/dev", "dev-world/dev-world")
FIELDS = ("id", "title", "text", "published", "source", "url")


def off_topic(name: str) -> list[Article]:
    """The articles of a development set whose gold holds no event."""
    empty = {
        record["article"]
        for record in map(orjson.loads, (DATA / f"{name}.gold.jsonl").read_bytes().splitlines())
        if not record["events"]
    }
    rows = [orjson.loads(line) for line in (DATA / f"{name}.jsonl").read_bytes().splitlines() if line]
    return [Article.model_validate({k: row.get(k) for k in FIELDS}) for row in rows if row["id"] in empty]


@pytest.mark.parametrize("name", SETS)
def test_the_off_topic_articles_of_a_development_set_yield_nothing(name: str, extractor: Extractor) -> None:
    articles = off_topic(name)
    assert articles
    assert {article.id: extractor.extract(article) for article in articles} == {a.id: [] for a in articles}


@pytest.mark.parametrize(
    "text",
    [
        "Brazil beat Argentina 2-1 in a World Cup qualifier in Sao Paulo on Tuesday.",
        "France defeated Morocco in the semi-final and will face Argentina on Sunday.",
        "England crushed India by eight wickets to win the series.",
        "Japan's striker scored twice as Japan stunned Germany in the tournament opener.",
    ],
)
def test_sport_between_national_teams_is_no_war(text: str, extract: Callable[..., list[Event]]) -> None:
    assert extract(text) == []


def test_a_war_told_beside_a_word_that_also_names_sport_is_still_one(
    extract: Callable[..., list[Event]],
) -> None:
    events = extract("The Arab League said Israel attacked Hamas in Gaza, a goal of its campaign.")
    assert ("ASSAULT", "ISR", "HAMAS") in {(e.type, e.source, e.target) for e in events}
