"""Trigger words are found by their inflected forms too, whatever lemma the tagger gives them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agents.extract.rules import lemmas_by_form, prefixed_irregular, surface_forms
from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]
IRREGULAR = {"take": ("took", "taken"), "run": ("ran",)}


def test_a_prefixed_irregular_verb_has_the_irregular_forms() -> None:
    assert prefixed_irregular("retake", IRREGULAR) == {"retook", "retaken"}
    assert {"overran", "overruns"} <= surface_forms("overrun", IRREGULAR)
    assert prefixed_irregular("take", IRREGULAR) == set()


def test_a_form_names_its_lemmas() -> None:
    assert lemmas_by_form({"retake", "strike"}, IRREGULAR)["retook"] == {"retake"}


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("Bolivian marines retook the island from Peruvian troops.", ("COERCE", "BOL", "PER")),
        ("The Bolivian navy reproached Peru over the fishing boats.", ("ACCUSE", "BOL", "PER")),
        ("Bolivia sided with Peru in its quarrel over fishing rights.", ("SUPPORT", "BOL", "PER")),
    ],
)
def test_trigger_words(extract: Extract, text: str, event: tuple[str, str, str]) -> None:
    assert event in triples(extract(text))


def test_backing_down_is_no_backing(extract: Extract) -> None:
    text = "Peruvian troops shelled Bolivian posts on Monday. Bolivia backed down a day later."
    found = triples(extract(text))
    assert ("CONCEDE", "BOL", "PER") in found
    assert not {t for t in found if t[0] == "SUPPORT"}


def test_a_word_inside_a_name_is_no_trigger(extract: Extract) -> None:
    text = "Bolivian troops entered Peru, the Bolivian Observatory for Human Rights reported."
    assert not {t for t in triples(extract(text)) if t[0] == "CONCEDE"}
