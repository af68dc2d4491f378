"""Passive agents: the "by" phrase of a passive verb is who acts, also for the participles joined to it
that share its subject ("were shelled and overrun by X"), and the agent of a participle after an event noun
is who does that event ("the raid, carried out by X")."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Peruvian soldiers were attacked and killed by Chilean troops.", ("ASSAULT", "CHL", "PER")),
        ("Peruvian border posts were shelled and captured by Chilean troops.", ("COERCE", "CHL", "PER")),
        ("Peruvian border posts were shelled and captured by Chilean troops.", ("ASSAULT", "CHL", "PER")),
        ("Peruvian patrols were hit in air strikes by Chile overnight.", ("ASSAULT", "CHL", "PER")),
    ],
)
def test_the_by_phrase_names_who_acts(extract: Extract, text: str, expected: tuple[str, str, str]) -> None:
    assert expected in triples(extract(text))


def test_each_passive_verb_keeps_its_own_agent(extract: Extract) -> None:
    found = triples(extract("Peruvian posts were shelled by Chile and captured by Bolivian troops."))
    assert ("ASSAULT", "CHL", "PER") in found and ("COERCE", "BOL", "PER") in found
    assert ("COERCE", "CHL", "PER") not in found


def test_the_agent_of_a_participle_after_an_event_noun_does_the_event(extract: Extract) -> None:
    found = triples(extract("The raid, carried out by Chilean jets at night, hit a Peruvian base."))
    assert ("ASSAULT", "CHL", "PER") in found
