"""Who takes part in a fight another clause tells of: the helper of a side fights with it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


@pytest.mark.parametrize(
    "text",
    [
        "Kenya sent soldiers to help Somalia fight al-Shabaab.",
        "Kenyan troops helped Somali forces fight al-Shabaab near Kismayo.",
    ],
)
def test_who_helps_a_side_fight_fights_too(extract: Extract, text: str) -> None:
    found = triples(extract(text))
    fights = {("ASSAULT", "KEN", "AL_SHABAAB"), ("ASSAULT", "SOM", "AL_SHABAAB")}
    assert fights | {("AID", "KEN", "SOM")} <= found


def test_who_helps_a_side_capture_ground_does_not_capture_it(extract: Extract) -> None:
    found = triples(extract("Kenyan advisers helped Somali forces recapture Kismayo from al-Shabaab."))
    assert ("COERCE", "KEN", "AL_SHABAAB") not in found
