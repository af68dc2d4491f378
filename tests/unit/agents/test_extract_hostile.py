"""Hostile acts as news tells them: threats vowed or not hesitated over, a price another will pay,
attacks named by their agent phrase or their weapons' owner, deaths in an attack, a clash with another
side in which one's soldiers fell, launched weapons, concern over another's acts, holding another
responsible, calling another's act "a provocation"; a threat is dated on the day it is told, an act
"on Monday evening" on that Monday."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bolivia will not hesitate to bomb Paraguayan supply depots.", ("THREATEN", "BOL", "PRY")),
        ("Bolivia pledged to retaliate for the Paraguayan raid on its outpost.", ("THREATEN", "BOL", "PRY")),
        ("Air raids by Paraguay on Bolivia resumed after a short lull.", ("ASSAULT", "PRY", "BOL")),
        ("Bolivian air defences shot down two drones launched by Paraguay.", ("ASSAULT", "BOL", "PRY")),
        ("Four Bolivian soldiers died in a Paraguayan ambush near the river.", ("ASSAULT", "PRY", "BOL")),
        ("Paraguay fired a salvo of mortars at Bolivia before dawn.", ("ASSAULT", "PRY", "BOL")),
        ("Bolivia blockaded Paraguay for six weeks.", ("COERCE", "BOL", "PRY")),
        ("Bolivia voiced alarm over Paraguay's conduct on the river.", ("ACCUSE", "BOL", "PRY")),
        ("Six Bolivian soldiers were hurt in a skirmish with Paraguayan troops.", ("ASSAULT", "PRY", "BOL")),
        ("Six Bolivian soldiers were hurt in a skirmish with Paraguayan troops.", ("ASSAULT", "BOL", "PRY")),
        ("Bolivia called Paraguay's decision a provocation.", ("ACCUSE", "BOL", "PRY")),
        ("Bolivia holds Paraguay responsible for the sabotage of its pipeline.", ("ACCUSE", "BOL", "PRY")),
        ("Bolivia vowed that Paraguay would pay a heavy price for the raid.", ("THREATEN", "BOL", "PRY")),
        ("Bolivia cautioned that Paraguay would pay dearly for any incursion.", ("THREATEN", "BOL", "PRY")),
    ],
)
def test_hostile_constructions_give_their_event(
    extract: Extract, text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in triples(extract(text))


@pytest.mark.parametrize(
    "text",
    [
        "Bolivia hesitated to join the river commission with Paraguay.",
        "Bolivia launched a weather satellite with help from Paraguay.",
        "Bolivia voiced concern over the floods.",
        "Four Bolivian farmers died in a flood near the river.",
        "Bolivia is responsible for the upkeep of the river port, Paraguay said.",
        "Bolivia paid a high price for Paraguayan electricity.",
    ],
)
def test_peaceful_or_targetless_sentences_give_no_hostile_event(extract: Extract, text: str) -> None:
    hostile = {"THREATEN", "ASSAULT", "COERCE", "ACCUSE"}
    assert not {t for t in triples(extract(text)) if t[0] in hostile}


def test_an_announced_attack_threatens_on_the_day_it_is_told(extract: Extract) -> None:
    events = extract("Bolivia warned on Monday that its shelling of Paraguay would resume on Friday.")
    threats = [e for e in events if str(e.type) == "THREATEN"]
    assert [(e.source, e.target, str(e.date), e.modality) for e in threats] == [
        ("BOL", "PRY", "2019-05-06", "asserted")
    ]


def test_a_part_of_a_named_day_dates_the_event_on_that_day(extract: Extract) -> None:
    events = extract("Paraguayan troops shelled Bolivian outposts on Monday evening.")
    assert {(str(e.type), e.source, e.target, str(e.date)) for e in events} == {
        ("ASSAULT", "PRY", "BOL", "2019-05-06")
    }
