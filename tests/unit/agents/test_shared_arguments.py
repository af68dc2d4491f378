"""Arguments a verb shares with the clause it goes on from: a participle or a joined verb with no
subject of its own has the subject of the verb above, and a deal made that way is made with whom that
verb met ("X met Y, agreeing to a truce")."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


@pytest.mark.parametrize(
    "text",
    [
        "Chile met Peru in Lima on Monday, agreeing to a truce along the border.",
        "Chile met Peru in Lima and agreed to a truce along the border.",
        "Chile held talks with Peru in Lima, signing a fishing accord.",
    ],
)
def test_a_deal_made_on_from_a_meeting_is_made_with_the_one_met(extract: Extract, text: str) -> None:
    assert ("AGREE", "CHL", "PER") in triples(extract(text))


def test_a_joined_verb_takes_the_subject_not_the_object_before_it(extract: Extract) -> None:
    found = triples(extract("Chile met Peru and shelled Bolivian border posts."))
    assert ("ASSAULT", "CHL", "BOL") in found and ("ASSAULT", "PER", "BOL") not in found


def test_a_deal_going_on_from_an_attack_takes_no_partner_from_it(extract: Extract) -> None:
    found = triples(extract("Chile shelled Peruvian posts, agreeing to a truce only a week later."))
    assert not {t for t in found if t[0] == "AGREE"}
