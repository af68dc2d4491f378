"""Denials answer claims: a denial that names no target rejects whoever made the accusation, the
complaint or the claim it answers, told in the sentences before it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


def rejects(events: list[Event]) -> set[tuple[str, str | None]]:
    return {(s, t) for kind, s, t in triples(events) if kind == "REJECT"}


@pytest.mark.parametrize(
    "text",
    [
        "Chile accused Peru of sinking a fishing boat off Arica. Peru denied the charge on Monday.",
        "Chile accused Peru of sinking a fishing boat off Arica. Lima rejected the allegations outright.",
        "Chile accused Peru of sinking a fishing boat off Arica. "
        "Peru denied that its navy had been anywhere near the port.",
    ],
)
def test_a_denial_rejects_who_accused_the_denier(extract: Extract, text: str) -> None:
    assert ("PER", "CHL") in rejects(extract(text))


def test_a_denial_rejects_who_complained_of_the_denier(extract: Extract) -> None:
    text = (
        "Chile summoned the Peruvian ambassador over the sinking of a fishing boat. "
        "Peru denied that its navy was involved."
    )
    assert ("PER", "CHL") in rejects(extract(text))


def test_a_bare_denial_rejects_the_last_claimant(extract: Extract) -> None:
    text = (
        "Bolivia claimed that Peru was storing its oil in a port near the lake. "
        "Peru denied it had any tanks there."
    )
    assert ("PER", "BOL") in rejects(extract(text))


@pytest.mark.parametrize(
    "text",
    [
        "Chile accused Peru of sinking a boat off Arica. Peru denied Bolivia's report about the sinking.",
        "Chile accused Peru of sinking a boat off Arica. Peru denied the accusations made by Bolivia.",
    ],
)
def test_a_named_target_is_kept(extract: Extract, text: str) -> None:
    assert rejects(extract(text)) == {("PER", "BOL")}


def test_an_old_claim_is_not_answered(extract: Extract) -> None:
    text = (
        "Chile accused Peru of sinking a fishing boat off Arica. "
        "The boat carried twelve men. "
        "Their families waited at the harbour. "
        "Rescue teams searched the coast for days. "
        "Divers found the hull a week later. "
        "The wreck was towed to the port. "
        "Peru denied that its navy was involved."
    )
    assert ("PER", "CHL") not in rejects(extract(text))


def test_a_denial_rejects_the_source_named_by_according_to(extract: Extract) -> None:
    text = (
        "According to Bolivia, Peruvian ships had stayed in the harbour of Arica for two weeks. "
        "Peru denied that its ships were ever there."
    )
    assert ("PER", "BOL") in rejects(extract(text))
