"""Descriptions ("rebels", "the opposition", "the junta") take their actor from the article."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from agents.extract import Extractor
from agents.extract.pipeline import SpacyExtractor
from agents.kb import KnowledgeBase
from schemas import Article, Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


CASES = {
    "a nationality beside a force names its state": (
        "Chinese coast guard ships fired water cannon at a Philippine vessel near the shoal.",
        {("ASSAULT", "CHN", "PHL")},
    ),
    "a description takes the group named earlier in the article": (
        "Boko Haram fighters raided a village in Borno on Monday. "
        "Nigerian troops attacked the militants near the border.",
        {("ASSAULT", "NGA", "BOKO_HARAM")},
    ),
    "rebels elsewhere are the group named there": (
        "Houthi fighters seized a ship. The United States struck the rebels in Yemen.",
        {("ASSAULT", "USA", "HOUTHIS")},
    ),
    "a nationality beside rebels says whose group they are": (
        "Houthi fighters seized a ship on Monday. Saudi jets bombed Yemeni rebels near the port.",
        {("ASSAULT", "SAU", "HOUTHIS")},
    ),
    "the junta is the state the article is about": (
        "Heavy fighting continued in Mali this week. The junta accused France of supporting terrorism.",
        {("ACCUSE", "MLI", "FRA")},
    ),
    "the opposition of another country": (
        "Protests spread across Venezuela on Monday. The opposition accused the government of fraud.",
        {("ACCUSE", "VEN_OPP", "VEN")},
    ),
    "rebels in an article about Syria are the Syrian opposition": (
        "Heavy shelling hit Idlib on Sunday. Russian jets bombed the rebels near Saraqeb.",
        {("ASSAULT", "RUS", "SYR_OPP")},
    ),
    "rebels with nothing to go by are no actor": ("The rebels attacked a government convoy.", set()),
    "separatists backed by a state are not that state": (
        "The Donetsk People's Republic declared independence from Ukraine. "
        "Pro-Russian separatists shelled Ukrainian troops near Mariupol.",
        {("ASSAULT", "DPR", "UKR")},
    ),
    "separatists unnamed are every breakaway authority of the country": (
        "Fighting flared in eastern Ukraine on Monday. Kyiv accused the separatists of shelling Mariupol.",
        {("ACCUSE", "UKR", "DPR"), ("ACCUSE", "UKR", "LPR")},
    ),
    "tribal fighters are an unnamed group": ("Tribal fighters attacked an army base in Mali.", set()),
    "gunmen are an unnamed group": ("Gunmen attacked Malian soldiers.", set()),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES.keys())
def test_descriptions_resolve_in_the_article(
    extract: Extract, text: str, expected: set[tuple[str, str, str | None]]
) -> None:
    assert triples(extract(text)) == expected


def test_named_in_resolves_descriptions_through_the_article(extractor: Extractor) -> None:
    article = Article(
        id="d",
        text="Hamas fired rockets at Israel on Friday. Israeli jets later struck the militants in Gaza.",
        published=dt.date(2021, 5, 14),
    )
    assert isinstance(extractor, SpacyExtractor)
    assert extractor.named_in(article, "Israeli jets later struck the militants in Gaza.") >= {"ISR", "HAMAS"}


@pytest.mark.parametrize(
    ("name", "actor"),
    [
        ("Mossad", "ISR"),
        ("Israel Defence Forces", "ISR"),
        ("Bundeswehr", "DEU"),
        ("Government of National Accord", "LBY"),
        ("People's Liberation Army", "CHN"),
        ("Self-Defense Forces", "JPN"),
        ("Defense Department", "USA"),
        ("Republic of Crimea", "CRIMEA"),
    ],
)
def test_institutions_and_authorities_have_their_ids(kb: KnowledgeBase, name: str, actor: str) -> None:
    assert {n.ref for n in kb.names if n.text.lower() == name.lower()} == {actor}
