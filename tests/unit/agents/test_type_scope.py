"""Type scope: backing with arms or troops is aid, backing in words is support; an attack its author
plans or prepares is a threat now, and the attack itself only planned."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Bolivia backed Peru with drones and artillery.", "AID"),
        ("Bolivia supported the Peruvian army with troops.", "AID"),
        ("Bolivia backed Peru with a statement of solidarity.", "SUPPORT"),
    ],
)
def test_backing_by_its_means(extract: Extract, text: str, kind: str) -> None:
    found = {t for t in triples(extract(text)) if t[0] in ("AID", "SUPPORT")}
    assert found == {(kind, "BOL", "PER")}


@pytest.mark.parametrize(
    "text",
    [
        "Bolivia is preparing to strike Peruvian border posts.",
        "Bolivia plans to attack Peru before the rains.",
        "Bolivia aims to invade Peru.",
    ],
)
def test_a_stated_aim_to_attack_threatens(extract: Extract, text: str) -> None:
    events = extract(text)
    assert ("THREATEN", "BOL", "PER") in triples(events)
    assert {e.modality for e in events if str(e.type) in ("ASSAULT", "COERCE")} <= {"planned"}


def test_an_aim_to_cooperate_threatens_no_one(extract: Extract) -> None:
    found = triples(extract("Bolivia plans to hold talks with Peru."))
    assert not {t for t in found if t[0] == "THREATEN"}


@pytest.mark.parametrize(
    "text",
    [
        "Bolivia threatened to hit back if Peru moved its ships again.",
        "Bolivia warned of a firm answer if Peru kept up its provocations.",
        "Bolivia warned that it would act unless Peru pulled its boats back.",
    ],
)
def test_a_conditional_warning_threatens_the_subject_of_the_condition(extract: Extract, text: str) -> None:
    assert ("THREATEN", "BOL", "PER") in triples(extract(text))


def test_a_condition_on_a_threat_with_its_target_changes_nothing(extract: Extract) -> None:
    found = triples(extract("Bolivia threatened Peru with sanctions if Chile stayed out of the talks."))
    assert ("THREATEN", "BOL", "PER") in found
    assert ("THREATEN", "BOL", "CHL") not in found
