"""Arguments linked beyond a trigger's own dependents: event nouns a nationality modifies, the holder
of an attacked or captured place, and the victim who says it was attacked."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Strikes by Chile on Peruvian positions continued overnight.", ("ASSAULT", "CHL", "PER")),
        ("Chile's offensive against Peru began at dawn.", ("ASSAULT", "CHL", "PER")),
        ("Peruvian troops were shelled by Chile on Monday.", ("ASSAULT", "CHL", "PER")),
        ("Chile, which attacked Peru last year, denied the report.", ("ASSAULT", "CHL", "PER")),
        ("Chile launched strikes on Peru, killing dozens of soldiers.", ("ASSAULT", "CHL", "PER")),
        ("Chile vowed to retaliate against Peru.", ("THREATEN", "CHL", "PER")),
        ("Chile massed troops on the border and shelled Peruvian positions.", ("ASSAULT", "CHL", "PER")),
    ],
)
def test_arguments_reach_nouns_passives_relatives_and_shared_subjects(
    extract: Extract, text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in triples(extract(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dozens died during the Chilean bombardment of Peruvian positions.", ("ASSAULT", "CHL", "PER")),
        ("A Chilean onslaught against Peruvian border posts began at dawn.", ("ASSAULT", "CHL", "PER")),
    ],
)
def test_a_nationality_names_who_does_an_attack_noun(
    extract: Extract, text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in triples(extract(text))


def test_a_nationality_still_names_no_conflict(extract: Extract) -> None:
    assert triples(extract("The Chilean conflict's toll rose again.")) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Russian jets kept pounding the western districts of Daraa province, which are dominated "
            "by fighters of the Islamic State.",
            ("ASSAULT", "RUS", "ISIS"),
        ),
        ("Syrian troops seized the ISIS-held village of Umm Tinah.", ("COERCE", "SYR", "ISIS")),
        (
            "The Syrian army captured the town of Kafr Nabl. "
            "Kafr Nabl, which had been under the control of rebels, lies on a highway.",
            ("COERCE", "SYR", "SYR_OPP"),
        ),
        (
            "Kafr Nabl is in the control of ISIS, residents say. "
            "The Syrian army shelled Kafr Nabl on Monday.",
            ("ASSAULT", "SYR", "ISIS"),
        ),
        (
            "Turkish jets launched strikes on Tel Rifaat, which the YPG controls.",
            ("ASSAULT", "TUR", "YPG"),
        ),
        (
            "Saudi jets bombed the port of Midi, a major stronghold of the Houthis, on Monday.",
            ("ASSAULT", "SAU", "HOUTHIS"),
        ),
        (
            "Midi was the last bastion of the Houthis. Saudi troops captured Midi on Monday.",
            ("COERCE", "SAU", "HOUTHIS"),
        ),
        (
            "Saudi troops captured the Houthi stronghold of Midi. Saudi jets later bombed Midi again.",
            ("ASSAULT", "SAU", "HOUTHIS"),
        ),
        (
            "ISIS, which has ruled Raqqa since 2014, lost ground. Syrian jets bombed Raqqa on Monday.",
            ("ASSAULT", "SYR", "ISIS"),
        ),
    ],
)
def test_the_holder_of_a_place_is_the_target_of_its_attack_or_capture(
    extract: Extract, text: str, expected: tuple[str, str, str]
) -> None:
    assert expected in triples(extract(text))


@pytest.mark.parametrize(
    "text",
    [
        "The Syrian army shelled Kafr Nabl on Monday.",
        "Syrian rebels shelled the enclave of Afrin, Syria, on Monday.",
    ],
)
def test_a_place_nobody_is_said_to_hold_gives_no_target(extract: Extract, text: str) -> None:
    assert not any(t == "ASSAULT" for t, _, _ in triples(extract(text)))


def test_a_victim_saying_it_was_attacked_accuses_the_attacker(extract: Extract) -> None:
    found = triples(extract("A Peruvian army spokesman said Chilean jets had bombed Peruvian border posts."))
    assert {("ACCUSE", "PER", "CHL"), ("ASSAULT", "CHL", "PER")} <= found


def test_a_bystander_reporting_an_attack_accuses_nobody(extract: Extract) -> None:
    found = triples(extract("Bolivian officials said Chilean jets had bombed Peruvian border posts."))
    assert not any(t == "ACCUSE" for t, _, _ in found)


def test_an_attack_a_victim_reports_someone_regretting_is_no_accusation(extract: Extract) -> None:
    found = triples(
        extract("Lima said the Chilean president wrote to apologise for the bombing of a Peruvian jet.")
    )
    assert not any(t == "ACCUSE" for t, _, _ in found)


def test_victims_and_attackers_of_one_sentence_pair_up(extract: Extract) -> None:
    found = triples(
        extract("Two Peruvian soldiers were killed on Monday after Chile launched strikes against smugglers.")
    )
    assert ("ASSAULT", "CHL", "PER") in found


def test_victims_do_not_pair_with_two_attackers(extract: Extract) -> None:
    found = triples(
        extract("Two Peruvian soldiers were killed as Chile and Bolivia launched strikes against smugglers.")
    )
    assert not any(t == "ASSAULT" and s in ("CHL", "BOL") for t, s, _ in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Chile and Bolivia called for an immediate ceasefire in the raging Peru-Ecuador conflict.",
            {("REQUEST", "CHL", "PER"), ("REQUEST", "CHL", "ECU"), ("REQUEST", "BOL", "PER")},
        ),
        ("The UN called for an end to Chile's offensive.", {("REQUEST", "UN", "CHL")}),
    ],
)
def test_a_call_for_a_truce_goes_to_the_sides_it_names(
    extract: Extract, text: str, expected: set[tuple[str, str, str]]
) -> None:
    assert expected <= triples(extract(text))


def test_a_conflict_named_after_one_country_has_no_sides(extract: Extract) -> None:
    assert not any(
        t == "REQUEST" for t, _, _ in triples(extract("Peru called for a truce in the Syria conflict."))
    )


@pytest.mark.parametrize(
    "text",
    [
        "The war between Chile and Peru has killed thousands.",
        "Refugees fled the raging Peru-Ecuador conflict.",
        "The Chile-Peru war left thousands dead.",
    ],
)
def test_the_sides_of_a_war_attack_each_other_and_nothing_else(extract: Extract, text: str) -> None:
    found = triples(extract(text))
    sides = {s for _, s, _ in found}
    assert found == {("ASSAULT", a, b) for a in sides for b in sides if a != b}
    assert len(sides) == 2
