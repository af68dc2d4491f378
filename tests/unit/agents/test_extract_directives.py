"""Requests, refusals, protests, sanctions and concessions in the forms news tells them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


def _found(extract: Extract, text: str, kind: str) -> set[tuple[str, str, str | None]]:
    return {t for t in triples(extract(text)) if t[0] == kind}


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("Chile called for Peru to halt the missile tests.", ("REQUEST", "CHL", "PER")),
        ("Ghana has called for Togo to reopen the border markets.", ("REQUEST", "GHA", "TGO")),
        ("Chile's demand that Peru withdraw its troops went unanswered.", ("REQUEST", "CHL", "PER")),
        ("Ghana repeated its calls for Togo's president to resign.", ("REQUEST", "GHA", "TGO")),
        (  # the addressee is the partner of the talks the sentence tells
            "During talks with Peru, Chile demanded the release of the fishermen.",
            ("REQUEST", "CHL", "PER"),
        ),
        (
            "After meeting Peru's president, Chile's foreign minister urged the release of the fishermen.",
            ("REQUEST", "CHL", "PER"),
        ),
        ("Chile asked the UN Security Council to condemn the raid.", ("REQUEST", "CHL", "UN")),
        ("Chile demanded the withdrawal of Peruvian troops from the border.", ("REQUEST", "CHL", "PER")),
        ("Peru was urged by Chile to lift the fishing ban.", ("REQUEST", "CHL", "PER")),
    ],
)
def test_requests_reach_their_addressee(extract: Extract, text: str, event: tuple[str, str, str]) -> None:
    assert event in triples(extract(text))


def test_an_act_called_for_is_not_done(extract: Extract) -> None:
    found = triples(extract("Chile called for Peru to withdraw its troops from the border."))
    assert ("REQUEST", "CHL", "PER") in found
    assert ("RETREAT", "PER", None) not in found


def test_what_a_deal_calls_for_is_told(extract: Extract) -> None:
    found = triples(
        extract("The accord, signed on Friday, called for Peru to withdraw its troops from the border.")
    )
    assert ("RETREAT", "PER", None) in found
    assert not {t for t in found if t[0] == "REQUEST"}


def test_a_call_made_together_after_talks_asks_no_partner(extract: Extract) -> None:
    assert not _found(extract, "Chile and Peru held talks in Lima and called for restraint.", "REQUEST")


@pytest.mark.parametrize(
    "text",
    [
        "Chile rejected Peruvian calls for an inquiry.",
        "Chile ruled out Peru's plan for a referendum.",
        "Chile turned down an invitation from Peru.",
        "Chile rebuffed Peru's overtures.",
        "Chile dismissed the Peruvian ultimatum.",
        "Chile rebutted the Peruvian accusations.",
        "Chile spurned Peru's offer of talks.",
        "Chile's refusal to meet Peru's demands prolonged the dispute.",
    ],
)
def test_a_refusal_targets_who_proposed(extract: Extract, text: str) -> None:
    assert ("REJECT", "CHL", "PER") in triples(extract(text))


def test_turning_to_someone_is_no_refusal(extract: Extract) -> None:
    assert not _found(extract, "Chile turned to Peru for help.", "REJECT")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a formal protest goes to the envoy's state
        ("Chile summoned the Peruvian ambassador over the border incident.", "PROTEST"),
        ("Peru's envoy was summoned by the Chilean foreign ministry.", "PROTEST"),
        ("Chile lodged a formal protest with Peru over the arrests.", "PROTEST"),
        ("Chile sent a protest note to Peru.", "PROTEST"),
        ("Chile filed a demarche with Peru.", "PROTEST"),
        ("Chile froze the bank accounts of Peruvian ministers.", "SANCTION"),
        ("Chile froze Peruvian assets held in its banks.", "SANCTION"),
        ("Chile ordered the expulsion of two Peruvian diplomats.", "SANCTION"),
        ("Chile banned imports from Peru.", "SANCTION"),
        ("Chile released four Peruvian soldiers on Sunday.", "CONCEDE"),
        ("Two Peruvian soldiers were freed by Chile on Friday.", "CONCEDE"),
        (  # the captives' side is the adversary of the last fighting
            "Peruvian troops shelled Chilean posts on Monday. Chile freed 40 prisoners on Tuesday.",
            "CONCEDE",
        ),
    ],
)
def test_protests_sanctions_and_concessions_in_their_news_forms(
    extract: Extract, text: str, kind: str
) -> None:
    assert (kind, "CHL", "PER") in triples(extract(text))


def test_releasing_a_statement_concedes_nothing(extract: Extract) -> None:
    assert not _found(extract, "Peru released a statement on the talks with Chile.", "CONCEDE")
