"""What a sentence names or refers to, as extraction links it (``SpacyExtractor.named_in``)."""

from __future__ import annotations

import datetime as dt

import pytest

from agents.extract import Extractor
from agents.extract.pipeline import SpacyExtractor
from agents.kb import KnowledgeBase
from schemas import Article


def _named(extractor: Extractor, text: str, sentence: str, day: dt.date = dt.date(2023, 3, 1)) -> set[str]:
    assert isinstance(extractor, SpacyExtractor)
    return set(extractor.named_in(Article(id="n", text=text, published=day), sentence))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("North Korea and South Korea traded artillery fire near the islands.", {"PRK", "KOR"}),
        ("South Sudan thanked North Macedonia for the grain.", {"SSD", "MKD"}),
        ("The Central African Republic recalled its envoy from Chad.", {"CAF", "TCD"}),
        (
            "The Republic of the Congo and the Democratic Republic of the Congo reopened the ferry.",
            {"COG", "COD"},
        ),
    ],
)
def test_multiword_states_are_never_split(extractor: Extractor, sentence: str, expected: set[str]) -> None:
    assert _named(extractor, sentence, sentence) == expected


def test_a_nationality_and_title_before_an_unknown_person_is_the_state(extractor: Extractor) -> None:
    sentence = "The Latvian Prime Minister Ilze Dravniece rebuked Belarus over the border fence."
    assert _named(extractor, sentence, sentence) == {"LVA", "BLR"}


def test_a_states_people_in_the_plural_stand_for_the_state(extractor: Extractor, kb: KnowledgeBase) -> None:
    text = "Russian artillery pounded the village overnight. By noon the Ukrainians had pulled back."
    assert _named(extractor, text, "By noon the Ukrainians had pulled back.") == {"UKR"}
    assert {n.ref for n in kb.names if n.text in ("Israelis", "Pakistanis")} == {"ISR", "PAK"}


def test_a_states_people_do_not_make_the_article_about_that_state(extractor: Extractor) -> None:
    assert isinstance(extractor, SpacyExtractor)
    sentences = ["Palestinians marched on Friday.", "Palestinians gathered again on Saturday."]
    docs = [extractor.nlp.make_doc(s) for s in sentences]
    mentions = [extractor.finder.raw_mentions(doc, None)[0] for doc in docs]
    assert {a for found in mentions for m in found for a in m.actors} == {"PSE"}
    assert extractor.describer.country(docs, mentions, []) is None


def test_a_description_before_its_group_is_named_takes_the_group_the_article_names(
    extractor: Extractor,
) -> None:
    text = (
        "The insurgency has driven thousands from their homes in northern Mozambique. "
        "Troops backed by Tanzanian police battled the jihadists near the port. "
        "The Islamic State group later claimed a raid on a police post there."
    )
    sentence = "Troops backed by Tanzanian police battled the jihadists near the port."
    assert _named(extractor, text, sentence) >= {"TZA", "ISIS"}


def test_a_subject_pronoun_goes_on_with_the_last_subject(extractor: Extractor) -> None:
    text = "Turkey shelled PKK hideouts in the mountains of Iraq. It has also flown commandos to the border."
    assert _named(extractor, text, "It has also flown commandos to the border.") == {"TUR"}


def test_an_object_pronoun_with_no_antecedent_in_its_sentence_is_the_last_subject(
    extractor: Extractor,
) -> None:
    text = "Kataib Hezbollah is a militia raised with money from Iran. Washington blacklisted it in 2009."
    assert _named(extractor, text, "Washington blacklisted it in 2009.") == {"USA", "KATAIB_HEZBOLLAH"}


@pytest.mark.parametrize(
    ("text", "sentence", "expected"),
    [
        (
            "Regime forces shelled districts of Aleppo held by the Syrian opposition. "
            "The regime later said its troops had taken the citadel.",
            "The regime later said its troops had taken the citadel.",
            {"SYR"},
        ),
        ("Emirati forces and Rwandan troops guarded the airport.", None, {"ARE", "RWA"}),
        (
            "Islamic State West Africa Province raided an army base in Borno state of Nigeria. "
            "Nigerian jets then bombed the jihadists in their camps.",
            "Nigerian jets then bombed the jihadists in their camps.",
            {"NGA", "ISIS"},
        ),
    ],
    ids=["the regime is the state of the article", "a nationality with forces", "an affiliate's jihadists"],
)
def test_descriptions_resolve_in_their_context(
    extractor: Extractor, text: str, sentence: str | None, expected: set[str]
) -> None:
    assert _named(extractor, text, sentence or text) == expected
