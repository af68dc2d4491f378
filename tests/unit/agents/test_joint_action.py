"""Joint action: who acts "jointly" or "alongside" another cooperates with it, not with the target."""

from __future__ import annotations

from collections.abc import Callable

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


def test_acting_jointly_is_cooperation_of_the_actors_only(extract: Extract) -> None:
    found = triples(extract("Bolivia and Peru jointly denounced the raid by Chilean troops."))
    assert ("COOPERATE", "BOL", "PER") in found
    assert not {t for t in found if t[0] == "COOPERATE" and "CHL" in t}


def test_forces_sent_alongside_another_s_cooperate(extract: Extract) -> None:
    found = triples(extract("Bolivia deployed marines alongside Peruvian forces on the lake."))
    assert ("COOPERATE", "BOL", "PER") in found
