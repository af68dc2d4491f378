"""Anaphoric nouns: "the attack", "the move", "the announcement" refer back to their author."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


@pytest.mark.parametrize(
    ("text", "event"),
    [
        (
            "Kenyan warplanes hit Ugandan border posts overnight. Tanzania criticised the attack.",
            ("ACCUSE", "TZA", "KEN"),
        ),
        (
            "Kenyan warplanes hit Ugandan border posts overnight. Uganda called the raid a provocation.",
            ("ACCUSE", "UGA", "KEN"),
        ),
        (
            "Kenya pulled its troops back from the lake shore on Monday. Uganda welcomed the announcement.",
            ("SUPPORT", "UGA", "KEN"),
        ),
    ],
)
def test_a_bare_definite_noun_refers_to_its_author(
    extract: Extract, text: str, event: tuple[str, str, str]
) -> None:
    assert event in triples(extract(text))


def test_an_attack_noun_needs_an_attack_before(extract: Extract) -> None:
    text = "Kenya and Tanzania signed a trade deal on Monday. Uganda condemned the attack."
    assert not {t for t in triples(extract(text)) if t[0] == "ACCUSE"}


def test_an_attack_noun_of_another_noun_is_no_reference(extract: Extract) -> None:
    text = (
        "Kenyan warplanes hit Ugandan border posts overnight. "
        "Tanzanian envoys said the scale of the attacks alarmed Burundi."
    )
    assert not {t for t in triples(extract(text)) if t[0] == "ASSAULT" and t[2] in ("TZA", "BDI")}


def test_naming_the_object_is_no_act_on_it(extract: Extract) -> None:
    text = "Kenyan warplanes hit Ugandan border posts overnight. Uganda called the attack a provocation."
    assert not {t for t in triples(extract(text)) if t[0] == "THREATEN"}


@pytest.mark.parametrize(
    "text",
    [
        "Chile's foreign ministry summoned the Peruvian ambassador on Monday. "
        "The ministry urged Peru to free the fishermen.",
        "Chile's foreign ministry summoned the Peruvian ambassador on Monday. "
        '"We urge Peru to free the fishermen," the ministry said.',
    ],
)
def test_an_office_is_the_one_named_last(extract: Extract, text: str) -> None:
    assert ("REQUEST", "CHL", "PER") in triples(extract(text))


def test_an_office_never_named_with_an_owner_names_no_one(extract: Extract) -> None:
    assert not triples(extract("The ministry urged Peru to free the fishermen."))
