"""Which type a military or diplomatic move takes: leaving an accord is a rejection, a withdrawal
asked for has not happened, and an event or a non-actor moving is no actor's retreat or deployment."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


def kinds(events: list[Event]) -> set[str]:
    return {str(e.type) for e in events}


@pytest.mark.parametrize(
    "text",
    [
        "Chile pulled out of its fishing treaty with Peru on Monday.",
        "Chile announced on Monday that it was withdrawing from the fishing treaty with Peru.",
        "Chile's withdrawal from its fishing treaty with Peru angered Lima.",
    ],
)
def test_leaving_an_accord_is_a_rejection_of_its_other_party(extract: Extract, text: str) -> None:
    events = extract(text)
    assert ("REJECT", "CHL", "PER") in triples(events) and "RETREAT" not in kinds(events)


def test_troops_withdrawn_from_a_border_still_retreat(extract: Extract) -> None:
    assert ("RETREAT", "CHL", None) in triples(
        extract("Chile withdrew its troops from the border on Monday.")
    )


@pytest.mark.parametrize(
    "text",
    [
        "Peru demanded that Chilean warships leave the bay at once.",
        "Norway asked that Russian troops withdraw from the island.",
    ],
)
def test_a_withdrawal_demanded_has_not_happened(extract: Extract, text: str) -> None:
    found = kinds(extract(text))
    assert "REQUEST" in found and "RETREAT" not in found


def test_a_withdrawal_after_a_demand_clause_still_happened(extract: Extract) -> None:
    found = triples(
        extract("Peru demanded that Chile leave the bay, after Chilean warships fired on Peruvian boats.")
    )
    assert ("ASSAULT", "CHL", "PER") in found


def test_a_war_that_left_people_dead_is_no_retreat(extract: Extract) -> None:
    text = "The 1995 war left thousands of people dead, most of them Bosnian Serbs."
    assert "RETREAT" not in kinds(extract(text))


@pytest.mark.parametrize(
    "text",
    [
        "The UN asked Chile for a pause to allow the evacuation of wounded civilians.",
        "Under the deal Chile will permit the entry of food into the border towns.",
    ],
)
def test_a_movement_of_non_actors_is_nobody_s_retreat_or_deployment(extract: Extract, text: str) -> None:
    assert not kinds(extract(text)) & {"RETREAT", "MOBILIZE"}


def test_a_movement_of_an_actor_named_in_of_still_counts(extract: Extract) -> None:
    assert ("RETREAT", "CHL", None) in triples(extract("Lima welcomed the withdrawal of Chilean troops."))


@pytest.mark.parametrize(
    "text",
    [
        "Germany agreed on Monday to send Leopard tanks to Poland.",
        "Norway will dispatch missiles to Finland next week.",
    ],
)
def test_hardware_sent_to_an_actor_is_aid_and_no_deployment(extract: Extract, text: str) -> None:
    found = kinds(extract(text))
    assert "AID" in found and "MOBILIZE" not in found


def test_hardware_sent_to_a_place_is_a_deployment(extract: Extract) -> None:
    assert ("MOBILIZE", "CHL", None) in triples(extract("Chile sent two warships to the disputed waters."))


@pytest.mark.parametrize(
    "text",
    [
        "Ethiopian troops entered the three towns without fighting.",
        "Chile took the islands without shelling or fighting, Peru said.",
    ],
)
def test_an_attack_done_without_is_no_attack(extract: Extract, text: str) -> None:
    assert "ASSAULT" not in kinds(extract(text))


def test_a_capture_without_a_fight_still_coerces(extract: Extract) -> None:
    found = triples(extract("Ethiopian troops took control of three towns from the TPLF without a fight."))
    assert ("COERCE", "ETH", "TPLF") in found
    assert ("ASSAULT", "ETH", "TPLF") not in found
