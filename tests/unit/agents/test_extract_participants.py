"""The participants of symmetric events named in lists, groups and earlier sentences: every pair
among them consults or agrees."""

from __future__ import annotations

from collections.abc import Callable

from schemas import Event
from tests.unit.agents.test_extract_parties import every_pair, pairs

Extract = Callable[..., list[Event]]


def test_a_list_of_titled_leaders_with_a_possessive_all_take_part(extract: Extract) -> None:
    text = (
        "Russian President Vladimir Putin, Turkey's Recep Tayyip Erdogan, French President Emmanuel "
        "Macron and German Chancellor Angela Merkel held talks in Istanbul on Saturday."
    )
    assert pairs(extract(text), "CONSULT") == every_pair("DEU", "FRA", "RUS", "TUR")


def test_a_descriptive_apposition_is_no_participant(extract: Extract) -> None:
    found = extract("Putin, a close friend of Lukashenko and Xi, met Macron on Monday.")
    assert pairs(found, "CONSULT") == every_pair("FRA", "RUS")


def test_a_group_acts_as_the_members_it_names(extract: Extract) -> None:
    text = "A group comprising envoys from Kenya, Ethiopia and the African Union met Sudanese officials."
    assert pairs(extract(text), "CONSULT") == every_pair("AU", "ETH", "KEN", "SDN")


def test_who_is_involved_in_the_talks_joins_their_participants(extract: Extract) -> None:
    text = "Chile and Peru held talks in Lima on Monday. Brazil and Bolivia were also involved in the talks."
    assert pairs(extract(text), "CONSULT") == every_pair("BOL", "BRA", "CHL", "PER")
    text = "Talks between Chile and Peru resumed in Lima on Monday. Brazil took part in the negotiations."
    assert pairs(extract(text), "CONSULT") == every_pair("BRA", "CHL", "PER")


def test_the_mediator_of_the_last_talks_is_among_their_participants(extract: Extract) -> None:
    text = (
        "Norwegian-led negotiations between Chile and Peru resumed on Monday. "
        "Brazil was also involved in the negotiations."
    )
    assert pairs(extract(text), "CONSULT") == every_pair("BRA", "CHL", "NOR", "PER")


def test_involvement_without_known_talks_makes_no_pair(extract: Extract) -> None:
    assert not pairs(extract("Brazil was also involved in the talks, officials said."), "CONSULT")


def test_talks_that_went_on_for_weeks_happened(extract: Extract) -> None:
    text = "The accord ended weeks of talks between Chile and Peru."
    assert pairs(extract(text), "CONSULT") == every_pair("CHL", "PER")


def test_a_deal_with_one_side_named_is_made_by_the_parties_of_the_last_sentences(extract: Extract) -> None:
    text = (
        "Chile and Peru signed a fishing accord on Monday. "
        "The agreement with Bolivia on river water failed to materialise."
    )
    assert pairs(extract(text), "AGREE") == every_pair("BOL", "CHL", "PER")
    text = (
        "Ethiopia and Kenya agreed on Monday to reopen their border. "
        "The breakthrough, negotiated with Djibouti, ends a long dispute."
    )
    assert pairs(extract(text), "CONSULT") == every_pair("DJI", "ETH", "KEN")


def test_deals_of_a_kind_are_not_the_parties_own(extract: Extract) -> None:
    text = "Chile and Peru signed a fishing accord. Rebels were moved north under agreements with Bolivia."
    assert pairs(extract(text), "AGREE") == every_pair("CHL", "PER")


def test_a_mediator_named_by_its_nationality(extract: Extract) -> None:
    found = extract("Chile and Peru held talks in Lima with the mediation of the Brazilian side.")
    assert pairs(found, "CONSULT") == every_pair("BRA", "CHL", "PER")
    found = extract("Chile and Peru agreed to a truce after Brazilian mediation.")
    assert pairs(found, "AGREE") == every_pair("BRA", "CHL", "PER")


def test_a_named_grouping_of_states_takes_part_as_its_members(extract: Extract) -> None:
    found = extract("Envoys of the E3 held talks with Iran in Oslo on Tuesday.")
    assert pairs(found, "CONSULT") == every_pair("DEU", "FRA", "GBR", "IRN")
    found = extract("The Minsk Group co-chairs met the foreign ministers of Armenia and Azerbaijan.")
    assert pairs(found, "CONSULT") == every_pair("ARM", "AZE", "FRA", "RUS", "USA")


def test_leaders_involved_in_making_a_deal_are_its_parties(extract: Extract) -> None:
    text = (
        "Chile and Peru signed a border treaty, announced the Bolivian and Brazilian presidents, "
        "involved in drafting the deal."
    )
    assert pairs(extract(text), "AGREE") == every_pair("BOL", "BRA", "CHL", "PER")


def test_talks_a_deal_was_made_after_are_among_all_its_parties(extract: Extract) -> None:
    found = extract("Chile agreed the terms with Peru after long talks in Lima.")
    assert pairs(found, "CONSULT") == every_pair("CHL", "PER")


def test_a_contact_group_is_no_talks(extract: Extract) -> None:
    text = "Chile and Peru signed a treaty. The contact group of Bolivian officials agreed on a date."
    assert not pairs(extract(text), "CONSULT")


def test_talks_that_involve_actors_have_them_as_participants(extract: Extract) -> None:
    found = extract("The summit in Lima brought together Chile, Peru and Bolivia.")
    assert pairs(found, "CONSULT") == every_pair("BOL", "CHL", "PER")
    assert not extract("The deal includes the release of 50 prisoners held by Chile.")
