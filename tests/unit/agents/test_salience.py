"""Salience: a pronoun with no antecedent in its sentence goes on with the subject of the sentence
before, and the object of a clause is someone else than its subject."""

from __future__ import annotations

from collections.abc import Callable

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


def test_he_is_the_last_sentence_s_subject(extract: Extract) -> None:
    text = (
        "Kenyan President Kenyatta received Ugandan President Museveni in Nairobi on Monday. "
        "He pressed him to pull his soldiers back from the lake."
    )
    found = triples(extract(text))
    assert ("REQUEST", "KEN", "UGA") in found
    assert ("REQUEST", "UGA", "KEN") not in found


def test_an_object_pronoun_is_not_the_clause_s_subject(extract: Extract) -> None:
    text = (
        "Kenyan President Kenyatta received Ugandan President Museveni in Nairobi on Monday. "
        "Museveni thanked him for the invitation."
    )
    assert ("SUPPORT", "UGA", "KEN") in triples(extract(text))


def test_a_subject_that_names_no_person_leaves_recency(extract: Extract) -> None:
    text = (
        "Kenya hosted talks with Ugandan President Museveni on Monday. He urged Kenya to reopen the border."
    )
    assert ("REQUEST", "UGA", "KEN") in triples(extract(text))


def test_they_is_the_last_sentence_s_plural_subject(extract: Extract) -> None:
    text = "Kenyan troops clashed with Ugandan forces at dawn. They also shelled Tanzanian border posts."
    found = triples(extract(text))
    assert ("ASSAULT", "KEN", "TZA") in found
    assert ("ASSAULT", "UGA", "TZA") not in found


def test_they_as_object_goes_on_with_the_plural_named_last(extract: Extract) -> None:
    text = "Kenya sent envoys to Ugandan rebel leaders. Tanzania condemned them on Tuesday."
    assert ("ACCUSE", "TZA", "KEN") not in triples(extract(text))
