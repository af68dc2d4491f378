"""Cooperation, aid and recognition in the constructions news uses: joint and shared drills, working
together, joining a led coalition, hardware handed over, and recognition issued by decree."""

from __future__ import annotations

from collections.abc import Callable

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


def test_joint_drills_and_missions_are_cooperation(extract: Extract) -> None:
    found = triples(extract("Ghanaian and Togolese navies carried out joint anti-piracy drills in the gulf."))
    assert ("COOPERATE", "GHA", "TGO") in found
    found = triples(extract("Ghana and Togo began a combined training mission on Friday."))
    assert ("COOPERATE", "GHA", "TGO") in found


def test_drills_held_with_a_partner_are_cooperation(extract: Extract) -> None:
    found = triples(extract("Ghana staged air defence exercises with Togo near the frontier."))
    assert ("COOPERATE", "GHA", "TGO") in found
    assert not [e for e in extract("Ghana staged air defence exercises near the frontier.") if e.target]


def test_acting_together_with_a_partner_is_cooperation(extract: Extract) -> None:
    found = triples(extract("Ghana patrolled the lagoon together with Togo for a week."))
    assert ("COOPERATE", "GHA", "TGO") in found


def test_joining_a_led_coalition_is_cooperation_with_its_leader(extract: Extract) -> None:
    found = triples(extract("Denmark joined the US-led mission against the pirates in March."))
    assert ("COOPERATE", "DNK", "USA") in found
    assert not [t for t in found if t[0] == "SUPPORT"]


def test_hardware_handed_over_to_a_state_is_aid(extract: Extract) -> None:
    assert ("AID", "NOR", "EST") in triples(extract("Norway delivered coastal radar systems to Estonia."))
    assert ("AID", "NOR", "EST") in triples(extract("Norway shipped a second aid package to Estonia."))


def test_recognition_is_support_and_refused_recognition_rejection(extract: Extract) -> None:
    assert ("SUPPORT", "RUS", "ABKHAZIA") in triples(extract("Moscow recognised Abkhazia in August."))
    found = triples(extract("Putin signed an order on Tuesday recognising Abkhazia as a state."))
    assert ("SUPPORT", "RUS", "ABKHAZIA") in found
    assert ("REJECT", "GEO", "ABKHAZIA") in triples(extract("Georgia will never recognise Abkhazia."))


def test_who_fights_in_a_conflict_is_not_its_signer(extract: Extract) -> None:
    text = "The war drew in mercenaries fighting against the Malian government."
    assert not [e for e in extract(text) if str(e.type) == "ASSAULT" and e.source != "MLI"]


def test_what_one_receives_from_another_is_aid_from_the_giver(extract: Extract) -> None:
    found = triples(extract("The Taliban obtained rifles and cash from Pakistan, the report said."))
    assert ("AID", "PAK", "TALIBAN") in found
    found = triples(extract("Ukraine got fresh artillery shells from the United States."))
    assert ("AID", "USA", "UKR") in found
    assert not triples(extract("Ukraine received a message from the United States."))


def test_troops_sent_to_shore_up_an_army_aid_its_state(extract: Extract) -> None:
    found = triples(extract("Chad dispatched 800 soldiers to prop up the Malian army."))
    assert ("AID", "TCD", "MLI") in found


def test_forces_acting_in_concert_with_a_partner_cooperate_with_it(extract: Extract) -> None:
    text = "Nigerien soldiers, in coordination with the Chadian army, swept the islands of the lake."
    assert ("COOPERATE", "NER", "TCD") in triples(extract(text))
    assert ("CONSULT", "ERI", "ETH") in triples(extract("Ethiopian envoys in talks with Eritrea said no."))


def test_forces_of_several_states_acting_as_one_body_cooperate(extract: Extract) -> None:
    text = "Beninese and Nigerien soldiers attacked Boko Haram camps on the river on Friday."
    assert ("COOPERATE", "BEN", "NER") in triples(extract(text))
    text = "The island was retaken from Boko Haram by Chadian and Cameroonian units."
    assert ("COOPERATE", "CMR", "TCD") in triples(extract(text))
    found = triples(extract("Beninese and Nigerien police deployed to the lake."))
    assert ("COOPERATE", "BEN", "NER") in found


def test_forces_of_two_states_fighting_each_other_do_not_cooperate(extract: Extract) -> None:
    found = triples(extract("Eritrean and Ethiopian soldiers exchanged fire across the river."))
    assert not [t for t in found if t[0] == "COOPERATE"]


def test_sharing_intelligence_is_cooperation(extract: Extract) -> None:
    found = triples(extract("Oman exchanges intelligence with Jordan about arms smugglers."))
    assert ("COOPERATE", "JOR", "OMN") in found
    found = triples(extract("Intelligence sharing between Oman and Jordan has deepened."))
    assert ("COOPERATE", "JOR", "OMN") in found
    assert not triples(extract("Oman shared a video of the launch."))


def test_standing_by_an_actor_is_support(extract: Extract) -> None:
    assert ("SUPPORT", "JOR", "OMN") in triples(extract("Jordan has always stood by Oman in hard times."))
    assert ("SUPPORT", "JOR", "OMN") in triples(extract("Jordan rallied behind Oman after the attack."))


def test_who_welcomes_a_deal_between_named_sides_is_not_its_party(extract: Extract) -> None:
    found = triples(extract("Japan welcomed the accord between Armenia and Azerbaijan."))
    assert ("AGREE", "ARM", "AZE") in found
    assert not [t for t in found if t[0] == "AGREE" and "JPN" in t]
    assert ("AGREE", "ARM", "JPN") in triples(extract("Japan welcomed the accord with Armenia."))


def test_help_one_acts_with_goes_from_its_owner_to_the_actor(extract: Extract) -> None:
    text = "With the backing of France, the Chadian army pushed Boko Haram out of the islands."
    found = triples(extract(text))
    assert ("SUPPORT", "FRA", "TCD") in found and ("SUPPORT", "TCD", "FRA") not in found
    found = triples(extract("The Malian army retook the town with French air support."))
    assert ("AID", "FRA", "MLI") in found
