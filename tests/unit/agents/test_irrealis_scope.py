"""Irrealis scope: a modal, a vow or a demand reaches over its complement and the acts coordinated
inside it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


@pytest.mark.parametrize(
    "text",
    [
        "Kenya vowed to attack and destroy the camps of al-Shabaab.",  # both acts are vowed
        "Kenya could send troops to Somalia and bomb the camps of al-Shabaab.",  # one modal, two acts
        "Kenya urged Uganda to withdraw its troops and release the prisoners.",
    ],
)
def test_the_complement_and_its_conjuncts_stay_in_scope(extract: Extract, text: str) -> None:
    found = {t for t in triples(extract(text)) if t[0] in ("ASSAULT", "RETREAT", "CONCEDE")}
    assert not found


def test_a_vowed_attack_is_a_threat(extract: Extract) -> None:
    assert ("THREATEN", "KEN", "UGA") in triples(extract("Kenya vowed to retaliate against Uganda."))


def test_the_act_a_speaker_accuses_another_of_is_no_act_of_the_speaker(extract: Extract) -> None:
    found = triples(extract("Kenya denied Ugandan charges that its jets had bombed a camp of al-Shabaab."))
    assert not {t for t in found if t[0] == "ASSAULT"}
