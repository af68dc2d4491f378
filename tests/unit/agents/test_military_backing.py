"""Military backing: a "backed by" phrase naming armed men or air power is aid, and the participle after a
noun of movement backs whoever makes the move ("the advance of the army, backed by X")."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


@pytest.mark.parametrize(
    "text",
    [
        "Chile is worried about the advance of Peruvian troops into the valley, backed by Bolivian airpower.",
        "Peru's push into the valley, backed by Bolivian jets, went on for a week.",
    ],
)
def test_backing_a_move_aids_who_moves(extract: Extract, text: str) -> None:
    assert ("AID", "BOL", "PER") in triples(extract(text))


@pytest.mark.parametrize(
    "text",
    [
        "Peruvian troops backed by Bolivian rebel groups crossed the river at dawn.",
        "The Peruvian government, backed by the Bolivian army, held the line.",
    ],
)
def test_backing_by_armed_men_is_aid(extract: Extract, text: str) -> None:
    found = triples(extract(text))
    assert ("AID", "BOL", "PER") in found and ("SUPPORT", "BOL", "PER") not in found


def test_backing_by_a_statement_stays_support(extract: Extract) -> None:
    found = triples(extract("The Peruvian government, backed by a Bolivian statement, held the line."))
    assert ("AID", "BOL", "PER") not in found
