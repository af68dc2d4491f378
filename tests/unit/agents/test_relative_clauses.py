"""Relative clauses: the relative pronoun stands for the noun the clause hangs on, as subject or object,
also when a clause of saying stands between them ("X, which Y says shelled Z")."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


@pytest.mark.parametrize(
    "text",
    [
        "Chile, which shelled Peruvian border posts on Monday, denied any wrongdoing.",
        "The Peruvian troops, which Chile attacked at dawn, pulled back to the valley.",
        "Peru accused Chile, which it said had shelled its border posts overnight.",
        "Chile, which Peru says shelled its fishing villages, rejected the charge.",
    ],
)
def test_a_relative_pronoun_stands_for_its_antecedent(extract: Extract, text: str) -> None:
    assert ("ASSAULT", "CHL", "PER") in triples(extract(text))


def test_a_relative_clause_does_not_lend_its_antecedent_to_the_main_clause(extract: Extract) -> None:
    found = triples(extract("Chile, which Bolivia supports, shelled Peruvian border posts."))
    assert ("ASSAULT", "BOL", "PER") not in found


def test_jointly_joins_the_doers_not_those_they_act_on(extract: Extract) -> None:
    found = triples(extract("Chile and Bolivia jointly shelled Peruvian border posts on Monday."))
    cooperation = {t for t in found if t[0] == "COOPERATE"}
    assert cooperation == {("COOPERATE", "BOL", "CHL")}
