"""Speech: whose words a quotation holds, and the events speakers state about others."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


@pytest.mark.parametrize(
    ("text", "event"),
    [
        (  # "we" in a quotation is the attributed speaker
            '"We call on Peru to pull its boats back," the Chilean foreign minister told reporters.',
            ("REQUEST", "CHL", "PER"),
        ),
        ('Kenya\'s president said: "We urge Somalia to release the herders."', ("REQUEST", "KEN", "SOM")),
        (  # "he added" keeps the speaker of the quotation before
            '"The talks were useful," Chile\'s president said on Monday. '
            '"We urge Peru to return the fishermen," he added.',
            ("REQUEST", "CHL", "PER"),
        ),
        (  # a quotation without attribution goes on with the last speaker
            'Chile\'s president said the border would stay open. "The talks were useful." '
            '"We urge Peru to return the fishermen."',
            ("REQUEST", "CHL", "PER"),
        ),
    ],
)
def test_first_person_in_a_quotation_is_its_speaker(
    extract: Extract, text: str, event: tuple[str, str, str]
) -> None:
    assert event in triples(extract(text))


@pytest.mark.parametrize(
    "text",
    [
        "Chile's president spoke on Monday. We urge Peru to return the fishermen, the editors wrote.",
        '"The talks were useful," Chile\'s president said. '
        '"We urge Peru to return the fishermen," a local fisherman said.',
    ],
)
def test_first_person_without_a_named_speaker_names_no_one(extract: Extract, text: str) -> None:
    assert not {t for t in triples(extract(text)) if t[0] == "REQUEST"}


def test_an_armed_group_named_in_a_quotation_is_a_label(extract: Extract) -> None:
    news = "Nusra Front fighters shelled a village near Aleppo on Monday. "
    told = "Syria's army defeated the terrorists in the north, Syria's president said on Tuesday."
    quoted = '"Our army defeated the terrorists in the north," Syria\'s president said on Tuesday.'
    assert ("ASSAULT", "SYR", "NUSRA") in triples(extract(news + told))
    assert ("ASSAULT", "SYR", "NUSRA") not in triples(extract(news + quoted))


@pytest.mark.parametrize(
    ("text", "events"),
    [
        (
            "Chile decided on Monday to send tanks to Bolivia. Peru called the decision dangerous.",
            {("ACCUSE", "PER", "CHL")},
        ),
        ("Kenya said Somalia's decision to close the border was illegal.", {("ACCUSE", "KEN", "SOM")}),
        (  # an illegal act in a request accuses its author
            '"We call on Chile to stop its illegal fishing," Peru\'s foreign minister said.',
            {("ACCUSE", "PER", "CHL"), ("REQUEST", "PER", "CHL")},
        ),
    ],
)
def test_an_appraisal_accuses_the_author_of_the_act(
    extract: Extract, text: str, events: set[tuple[str, str, str]]
) -> None:
    assert events <= triples(extract(text))


@pytest.mark.parametrize(
    "text",
    [
        "Peru said the situation at the border with Chile was dangerous.",  # no one's act
        "Brazil said Chilean and Peruvian troops clashed near the border on Sunday.",  # both sides fight
    ],
)
def test_no_accusation(extract: Extract, text: str) -> None:
    assert not {t for t in triples(extract(text)) if t[0] == "ACCUSE"}


@pytest.mark.parametrize(
    ("text", "event"),
    [
        (  # the subject of an earlier clause of the sentence
            "Chile annexed the islet in May, but Peru has refused to recognise the move.",
            ("REJECT", "PER", "CHL"),
        ),
        (  # the author of the last act, not the last subject
            "Chile decided to send tanks to Bolivia. Peru's president thanked Brazil. "
            "Argentina welcomed the decision.",
            ("SUPPORT", "ARG", "CHL"),
        ),
        (  # the last accuser
            "Chile accused Peru of shelling a border post on Sunday. Peru rejected the claim on Monday.",
            ("REJECT", "PER", "CHL"),
        ),
    ],
)
def test_an_act_noun_refers_to_its_author(extract: Extract, text: str, event: tuple[str, str, str]) -> None:
    assert event in triples(extract(text))


def test_welcoming_a_decision_is_no_visit(extract: Extract) -> None:
    text = "Chile decided to send tanks to Bolivia. Argentina welcomed the decision."
    assert not {t for t in triples(extract(text)) if t[0] == "CONSULT"}


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("Ecuador's army said Colombian helicopters opened fire overnight.", ("ACCUSE", "ECU", "COL")),
        (  # one's own attack announced is a threat
            "Peru's defence minister said the offensive against Chile would restart in spring.",
            ("THREATEN", "PER", "CHL"),
        ),
    ],
)
def test_a_reported_attack(extract: Extract, text: str, event: tuple[str, str, str]) -> None:
    assert event in triples(extract(text))


def test_a_denial_answers_the_denier_s_adversary(extract: Extract) -> None:
    text = "Chilean jets bombed Peruvian border posts on Sunday. Chile denied harming civilians."
    assert ("REJECT", "CHL", "PER") in triples(extract(text))


def test_an_announced_attack_with_no_target_threatens_the_last_adversary(extract: Extract) -> None:
    text = (
        "Chilean jets bombed Peruvian border posts on Sunday. "
        "Chile's president said the offensive would go on until the border is safe."
    )
    assert ("THREATEN", "CHL", "PER") in triples(extract(text))


@pytest.mark.parametrize(
    ("text", "events"),
    [
        (  # what a reporter says another must do is a request to it, not the act
            "Peru must withdraw its troops from the border, Chile said.",
            {("REQUEST", "CHL", "PER")},
        ),
        ("Chile said Peru should end its offensive.", {("REQUEST", "CHL", "PER")}),
        ("Peru must withdraw its troops from the border.", {("RETREAT", "PER", None)}),  # no reporter
    ],
)
def test_an_obligation_a_reporter_states(
    extract: Extract, text: str, events: set[tuple[str, str, str | None]]
) -> None:
    assert triples(extract(text)) == events
