"""Session fixtures for the agents' unit tests: the knowledge base and the extractor, loaded once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from agents.extract import Extractor, load_extractor
from agents.kb import KnowledgeBase, load_kb
from schemas import Article, Event


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return load_extractor()


@pytest.fixture(scope="session")
def extract(extractor: Extractor) -> Callable[..., list[Event]]:
    """Extract from a text; ``published`` defaults to a Wednesday, 8 May 2019."""

    def run(
        text: str, published: dt.date | None = dt.date(2019, 5, 8), title: str | None = None
    ) -> list[Event]:
        return extractor.extract(Article(id="test", text=text, published=published, title=title))

    return run


def triples(events: list[Event]) -> set[tuple[str, str, str | None]]:
    """(type, source, target) of each event."""
    return {(str(e.type), e.source, e.target) for e in events}
