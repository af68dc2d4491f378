"""Arguments of event nouns: what one comes or is "under" is done by its "by"/"from" phrase or its
modifier to the clause's subject, or to whoever holds the place that is the subject."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import Event
from tests.unit.agents.conftest import triples

Extract = Callable[..., list[Event]]


@pytest.mark.parametrize(
    "text",
    [
        "Peruvian border guards came under attack by Chilean troops late on Tuesday.",
        "Peruvian soldiers were under attack from Chile for most of the night.",
        "Peruvian positions came under heavy shelling by Chile before dawn.",
        "Peruvian patrols came under Chilean attack near the frontier.",
    ],
)
def test_what_one_comes_under_is_done_to_the_subject(extract: Extract, text: str) -> None:
    assert ("ASSAULT", "CHL", "PER") in triples(extract(text))


def test_a_place_under_attack_is_attacked_in_its_holder(extract: Extract) -> None:
    text = (
        "Peruvian troops control the hill town of Santa Lucia. "
        "Santa Lucia came under attack by Chilean units on Friday."
    )
    assert ("ASSAULT", "CHL", "PER") in triples(extract(text))


def test_a_place_under_attack_that_nobody_holds_names_no_target(extract: Extract) -> None:
    found = triples(extract("The hill town of Santa Lucia came under attack by Chilean units on Friday."))
    assert not {t for t in found if t[0] == "ASSAULT"}


def test_who_is_under_anothers_control_is_coerced_by_it(extract: Extract) -> None:
    found = triples(extract("Since the war, Peru has been under Chile's control."))
    assert ("COERCE", "CHL", "PER") in found


def test_a_target_phrase_hung_on_the_verb_above_an_attack_noun_is_its_target(extract: Extract) -> None:
    found = triples(extract("The summit focused on Chile’s new push on the last Peruvian strongholds."))
    assert ("ASSAULT", "CHL", "PER") in found
