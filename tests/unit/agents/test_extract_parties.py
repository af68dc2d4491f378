"""The parties of symmetric events: mediators and brokers, deals a verb of the same type governs,
and the parties of an unnamed deal whose broker a sentence names."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


def pairs(events: list[Event], kind: str) -> set[frozenset[str]]:
    return {frozenset((s, t)) for k, s, t in triples(events) if k == kind and t}


def every_pair(*actors: str) -> set[frozenset[str]]:
    return {frozenset((a, b)) for a in actors for b in actors if a < b}


@pytest.mark.parametrize(
    ("text", "kind", "actors"),
    [
        ("Chile and Peru signed a Norwegian-brokered truce on Monday.", "AGREE", ("CHL", "NOR", "PER")),
        (
            "The talks between Chile and Peru were mediated by Norway and Sweden.",
            "CONSULT",
            ("CHL", "NOR", "PER", "SWE"),
        ),
        (
            "Kenya and Somalia held talks in Nairobi under the auspices of the African Union.",
            "CONSULT",
            ("AU", "KEN", "SOM"),
        ),
        ("Kenya reached a deal with Somalia with the help of Qatar.", "AGREE", ("KEN", "QAT", "SOM")),
        (
            "Armenia and Azerbaijan agreed to a ceasefire as a result of Turkey's mediation.",
            "AGREE",
            ("ARM", "AZE", "TUR"),
        ),
        (
            "Qatari-led negotiations between Chile and Peru resumed on Tuesday.",
            "CONSULT",
            ("CHL", "PER", "QAT"),
        ),
        (
            "Talks between Chile and Peru hosted by Brazil ended without a deal.",
            "CONSULT",
            ("BRA", "CHL", "PER"),
        ),
    ],
)
def test_mediators_are_parties(extract: Extract, text: str, kind: str, actors: tuple[str, ...]) -> None:
    assert pairs(extract(text), kind) == every_pair(*actors)


def test_mediators_acting_as_intermediaries(extract: Extract) -> None:
    found = extract(
        "The prisoner swap was negotiated between Kenya and Somalia, with Norway acting as intermediary."
    )
    assert every_pair("KEN", "NOR", "SOM") <= pairs(found, "CONSULT")


def test_a_deal_a_verb_of_the_same_type_governs(extract: Extract) -> None:
    assert pairs(extract("Egypt has agreed to a ceasefire with Sudan."), "AGREE") == every_pair("EGY", "SDN")


def test_an_unnamed_deal_with_a_broker_takes_the_parties_of_the_last_sentences(extract: Extract) -> None:
    text = "Ethiopia agreed to a truce with Eritrea. The truce, proposed by mediator Egypt, began on Friday."
    assert pairs(extract(text), "AGREE") == every_pair("EGY", "ERI", "ETH")
    text = "Ethiopia signed a truce with Eritrea on Monday. Kenya, which brokered the deal, welcomed it."
    assert every_pair("ERI", "ETH", "KEN") <= pairs(extract(text), "AGREE")


def test_no_mediator_no_extra_party(extract: Extract) -> None:
    found = extract("Chile and Peru signed a truce on Monday, which Brazil welcomed.")
    assert pairs(found, "AGREE") == every_pair("CHL", "PER")


def test_a_broker_without_a_deal_in_context_makes_no_pair(extract: Extract) -> None:
    assert not pairs(extract("The truce, proposed by mediator Egypt, took effect on Friday."), "AGREE")


def test_a_deal_called_for_is_a_request_to_the_sides_it_would_bind(extract: Extract) -> None:
    found = triples(extract("Kenya urged a ceasefire between Ethiopia and Eritrea."))
    assert found == {("REQUEST", "KEN", "ERI"), ("REQUEST", "KEN", "ETH")}
    found = triples(
        extract("Chile, Peru and Brazil jointly called for a truce between Bolivia and Paraguay.")
    )
    assert not {t for t in found if t[0] == "AGREE"}
    assert ("REQUEST", "CHL", "BOL") in found


def test_a_truce_called_for_goes_to_the_sides_of_the_fighting(extract: Extract) -> None:
    found = triples(
        extract("Ethiopian troops shelled Eritrean positions. The UN called for an urgent truce.")
    )
    assert {("REQUEST", "UN", "ERI"), ("REQUEST", "UN", "ETH")} <= found


def test_a_deal_reached_between_many_parties(extract: Extract) -> None:
    found = extract("He vowed to block the deal, reached between Chile and Peru, Bolivia and Brazil.")
    assert pairs(found, "AGREE") == every_pair("BOL", "BRA", "CHL", "PER")


def test_the_makers_a_participle_names_are_the_only_parties(extract: Extract) -> None:
    found = extract("Chile criticised the accord signed between Peru and Bolivia.")
    assert pairs(found, "AGREE") == every_pair("BOL", "PER")
    found = extract("The truce agreed by Chile and Peru in May held.")
    assert pairs(found, "AGREE") == every_pair("CHL", "PER")


def test_a_mediation_without_named_sides_mediates_between_its_clause_subject(extract: Extract) -> None:
    found = extract("Chile and Peru exchanged 50 prisoners on Monday as a result of Norway's mediation.")
    assert pairs(found, "CONSULT") == every_pair("CHL", "NOR", "PER")
    assert not pairs(extract("Turkey offered its mediation on Monday."), "CONSULT")


def test_the_talks_that_made_a_deal_are_among_its_parties(extract: Extract) -> None:
    text = "Chile signed a treaty with Peru on Monday. Reached after long talks, it ends a border dispute."
    assert pairs(extract(text), "CONSULT") == every_pair("CHL", "PER")
    unrelated = "Chile signed a treaty with Peru on Monday. Bolivia made a trip to Lima for talks."
    assert not {p for p in pairs(extract(unrelated), "CONSULT") if "BOL" not in p}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Chile, together with Peru, signed an accord with Bolivia.", "AGREE"),
        ("Chile joined Peru in talks with Bolivia.", "CONSULT"),
        ("Chile and Peru, along with Bolivia, held talks on Monday.", "CONSULT"),
    ],
)
def test_co_agents_are_parties(extract: Extract, text: str, kind: str) -> None:
    assert pairs(extract(text), kind) == every_pair("BOL", "CHL", "PER")


def test_who_organises_talks_along_with_others_is_no_party(extract: Extract) -> None:
    text = "Brazil offered to organise a meeting between Chile and Peru along with Bolivia."
    assert not {p for p in pairs(extract(text), "CONSULT") if "BOL" in p}
