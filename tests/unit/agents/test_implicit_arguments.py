"""Arguments a sentence leaves unsaid: the state an attacked place lies in, when the article names that
state and says nothing of who holds the place; the participants and brokers of the last talks, as the
makers of a deal said to be made with no party named."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


def test_an_attacked_city_stands_for_the_state_it_lies_in(extract: Extract) -> None:
    text = "Ukraine's air force was on alert all night. At dawn, Russian drones hit Kharkiv again."
    assert ("ASSAULT", "RUS", "UKR") in triples(extract(text))


@pytest.mark.parametrize(
    "text",
    [
        "Russian drones hit Kharkiv again at dawn.",  # the article never names Ukraine
        "Ukraine's army was on alert. Ukrainian artillery shelled Kharkiv by mistake.",  # its own city
        "Syria said the talks failed. Russian jets bombed Aleppo again.",  # a contested place the zones list
        "Ukraine's army was on alert. Separatist rebels shelled Kharkiv.",  # a group of that state
    ],
)
def test_no_state_is_attacked_without_the_article_naming_it_or_in_contested_places(
    extract: Extract, text: str
) -> None:
    assert not {t for t in triples(extract(text)) if t[0] == "ASSAULT" and t[2] in ("UKR", "SYR")}


def test_a_place_the_article_says_another_holds_is_attacked_in_its_holder(extract: Extract) -> None:
    text = "Iraq's army was alerted. ISIS fighters control the city of Mosul. US jets bombed Mosul overnight."
    found = {t for t in triples(extract(text)) if t[0] == "ASSAULT"}
    assert found == {("ASSAULT", "USA", "ISIS")}


def test_a_deal_made_with_no_party_named_is_the_last_talks(extract: Extract) -> None:
    text = (
        "Chile and Peru held talks in Lima on Thursday. "
        "A deal was reached on Friday, the Chilean foreign ministry said."
    )
    assert ("AGREE", "CHL", "PER") in triples(extract(text))


def test_a_deal_made_by_named_makers_takes_no_remembered_party(extract: Extract) -> None:
    text = (
        "Chile and Peru held talks in Lima on Thursday. "
        "A deal was signed by Bolivia and Ecuador on Friday, the Chilean foreign ministry said."
    )
    found = {t for t in triples(extract(text)) if t[0] == "AGREE"}
    assert ("AGREE", "CHL", "PER") not in found


def test_a_deal_without_talks_before_it_has_no_parties(extract: Extract) -> None:
    text = "Chile shelled Peruvian posts on Thursday. A deal was reached on Friday, the Chilean army said."
    assert not {t for t in triples(extract(text)) if t[0] == "AGREE"}


def test_a_place_where_an_actor_is_based_is_held_by_it(extract: Extract) -> None:
    text = "Chilean jets struck a hill camp where Peruvian troops are stationed."
    assert ("ASSAULT", "CHL", "PER") in triples(extract(text))


@pytest.mark.parametrize("opening", ["At the meeting", "During the talks"])
def test_a_request_made_at_the_meeting_goes_to_the_meeting_partner(extract: Extract, opening: str) -> None:
    text = f"Chile and Peru held talks in Lima on Monday. {opening}, Chile demanded the release of its boats."
    assert ("REQUEST", "CHL", "PER") in triples(extract(text))


def test_a_request_made_elsewhere_after_a_meeting_has_no_addressee(extract: Extract) -> None:
    text = "Chile and Peru held talks in Lima on Monday. On Friday, Chile demanded the release of its boats."
    assert not {t for t in triples(extract(text)) if t[0] == "REQUEST"}
