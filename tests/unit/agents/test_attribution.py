"""Attribution: who is accused, and whom a denial answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("Kenya rejected Ugandan allegations that it had armed the rebels.", ("REJECT", "KEN", "UGA")),
        ("Kenya denied Ugandan charges that its jets had bombed a camp.", ("REJECT", "KEN", "UGA")),
        (
            "Kenya dismissed Uganda's accusation that its troops had crossed the lake.",
            ("REJECT", "KEN", "UGA"),
        ),
    ],
)
def test_a_denial_of_a_claim_answers_the_claimant(
    extract: Extract, text: str, event: tuple[str, str, str]
) -> None:
    assert event in triples(extract(text))


def test_a_denied_act_did_not_happen(extract: Extract) -> None:
    found = triples(extract("Kenya rejected Ugandan allegations that it had armed the rebels."))
    assert not {t for t in found if t[0] == "AID"}


@pytest.mark.parametrize(
    ("text", "event", "wrong"),
    [
        (  # who blames is not the attacker
            "Tanzania blamed Kenya for attacking Uganda.",
            ("ASSAULT", "KEN", "UGA"),
            ("ASSAULT", "TZA", "UGA"),
        ),
        (  # nor who thanks the helper, and the one helped is not thanked
            "Tanzania thanked Kenya for helping Uganda.",
            ("AID", "KEN", "UGA"),
            ("SUPPORT", "TZA", "UGA"),
        ),
        (  # the accused arms, and the ones armed are not accused
            "Tanzania accused Kenya of arming the Ugandan rebels.",
            ("ACCUSE", "TZA", "KEN"),
            ("ACCUSE", "TZA", "UGA"),
        ),
    ],
)
def test_an_act_said_of_the_object_is_the_object_s(
    extract: Extract, text: str, event: tuple[str, str, str], wrong: tuple[str, str, str]
) -> None:
    found = triples(extract(text))
    assert event in found
    assert wrong not in found


def test_an_accusation_without_an_object_keeps_the_subject(extract: Extract) -> None:
    assert ("CONCEDE", "KEN", "UGA") in triples(extract("Kenya apologised to Uganda for shelling its posts."))


def test_who_was_behind_an_attack_made_it(extract: Extract) -> None:
    found = triples(extract("Peru was behind the raid on the Chilean naval base, Santiago said."))
    assert ("ASSAULT", "PER", "CHL") in found
    assert ("ACCUSE", "CHL", "PER") in found
