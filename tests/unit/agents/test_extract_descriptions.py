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


def test_a_nationality_beside_a_force_names_its_state(extract: Extract) -> None:
    found = triples(
        extract("Chinese coast guard ships fired water cannon at a Philippine vessel near the shoal.")
    )
    assert found == {("ASSAULT", "CHN", "PHL")}


def test_a_description_takes_the_group_named_earlier_in_the_article(extract: Extract) -> None:
    found = triples(
        extract(
            "Boko Haram fighters raided a village in Borno on Monday. "
            "Nigerian troops attacked the militants near the border."
        )
    )
    assert ("ASSAULT", "NGA", "BOKO_HARAM") in found


def test_rebels_elsewhere_are_the_group_named_there(extract: Extract) -> None:
    found = triples(extract("Houthi fighters seized a ship. The United States struck the rebels in Yemen."))
    assert found == {("ASSAULT", "USA", "HOUTHIS")}


def test_a_nationality_beside_rebels_says_whose_group_they_are(extract: Extract) -> None:
    found = triples(
        extract("Houthi fighters seized a ship on Monday. Saudi jets bombed Yemeni rebels near the port.")
    )
    assert found == {("ASSAULT", "SAU", "HOUTHIS")}


def test_the_junta_is_the_state_the_article_is_about(extract: Extract) -> None:
    found = triples(
        extract(
            "Heavy fighting continued in Mali this week. The junta accused France of supporting terrorism."
        )
    )
    assert found == {("ACCUSE", "MLI", "FRA")}


def test_the_opposition_of_another_country(extract: Extract) -> None:
    found = triples(
        extract("Protests spread across Venezuela on Monday. The opposition accused the government of fraud.")
    )
    assert found == {("ACCUSE", "VEN_OPP", "VEN")}


def test_rebels_in_an_article_about_syria_are_the_syrian_opposition(extract: Extract) -> None:
    found = triples(
        extract("Heavy shelling hit Idlib on Sunday. Russian jets bombed the rebels near Saraqeb.")
    )
    assert found == {("ASSAULT", "RUS", "SYR_OPP")}


def test_rebels_with_nothing_to_go_by_are_no_actor(extract: Extract) -> None:
    assert triples(extract("The rebels attacked a government convoy.")) == set()


def test_separatists_backed_by_a_state_are_not_that_state(extract: Extract) -> None:
    found = triples(
        extract(
            "The Donetsk People's Republic declared independence from Ukraine. "
            "Pro-Russian separatists shelled Ukrainian troops near Mariupol."
        )
    )
    assert found == {("ASSAULT", "DPR", "UKR")}


def test_separatists_unnamed_are_every_breakaway_authority_of_the_country(extract: Extract) -> None:
    found = triples(
        extract(
            "Fighting flared in eastern Ukraine on Monday. Kyiv accused the separatists of shelling Mariupol."
        )
    )
    assert found == {("ACCUSE", "UKR", "DPR"), ("ACCUSE", "UKR", "LPR")}


@pytest.mark.parametrize(
    "text",
    [
        "Tribal fighters attacked an army base in Mali.",
        "Gunmen attacked Malian soldiers.",
    ],
)
def test_an_unnamed_group_is_no_actor(extract: Extract, text: str) -> None:
    assert triples(extract(text)) == set()


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
    ],
)
def test_institutions_name_their_state(kb: KnowledgeBase, name: str, actor: str) -> None:
    assert {n.ref for n in kb.names if n.text.lower() == name.lower()} == {actor}
