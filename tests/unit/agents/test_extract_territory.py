"""Moving into ground another actor holds is coercion against the holder, not a deployment."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Turkish troops entered the YPG-held village of Tal Rifaat on Sunday.", ("COERCE", "TUR", "YPG")),
        ("Indian soldiers crossed into Pakistan-controlled Kashmir overnight.", ("COERCE", "IND", "PAK")),
    ],
)
def test_entering_held_ground_is_coercion_of_the_holder(
    extract: Extract, text: str, expected: tuple[str, str, str]
) -> None:
    events = extract(text)
    assert expected in triples(events) and "MOBILIZE" not in {str(e.type) for e in events}


def test_entering_unheld_ground_is_a_deployment(extract: Extract) -> None:
    found = triples(extract("Kenyan troops entered the border district on Sunday."))
    assert found == {("MOBILIZE", "KEN", None)}


def test_entering_ground_one_holds_oneself_is_a_deployment(extract: Extract) -> None:
    found = triples(extract("Turkish troops entered the Turkish-held town of Jarabulus on Sunday."))
    assert found == {("MOBILIZE", "TUR", None)}
