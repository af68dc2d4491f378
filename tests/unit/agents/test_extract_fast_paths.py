"""The faster readings give what the plain ones give: folding by ASCII runs, dates in lower case, tags
through the doc's arrays, quotations by word ids, trigger words by id and dependents read once."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from agents.extract import Extractor
from agents.extract.dates import find_dates
from agents.extract.dependents import Dependents
from agents.extract.speakers import quoted
from agents.extract.tagging import SKIPPED_PIPES, FastTagger
from agents.extract.text import normalise
from agents.kb.fold import fold_char

PUBLISHED = dt.date(2021, 3, 10)


@pytest.fixture(scope="module")
def nlp(extractor: Extractor) -> Language:
    return extractor.nlp  # type: ignore[attr-defined,no-any-return]


def parsed(nlp: Language, text: str) -> Doc:
    return next(nlp.pipe([nlp.make_doc(text)], disable=SKIPPED_PIPES))


def test_folding_by_ascii_runs_matches_folding_each_character() -> None:
    text = "Tab\there: Müller’s\u00a0ﬁrm met\u2014on Tuesday—the «envoys»."
    norm = normalise(text)
    assert norm.text == "".join(fold_char(c) for c in text)
    assert norm.origin == (*(i for i, c in enumerate(text) for _ in fold_char(c)), len(text))


@pytest.mark.parametrize(
    "text",
    [
        "The envoys MET on TUESDAY Evening, two weeks ago, and again on 3 March.",
        "Les envoyés met on Tuesday evening, two weeks ago, and again on 3 March.",
    ],
)
def test_dates_read_the_same_in_any_case(text: str) -> None:
    for forward in (False, True):
        found = [(d.start, d.end, d.day, d.vague) for d in find_dates(text, PUBLISHED, forward)]
        assert found == [
            (d.start, d.end, d.day, d.vague) for d in find_dates(text.swapcase(), PUBLISHED, forward)
        ]
    days = [d.day for d in find_dates(text, PUBLISHED, False)]
    assert dt.date(2021, 3, 9) in days and dt.date(2021, 3, 3) in days


def test_tagging_through_arrays_sets_the_rule_tags_and_lemmas(nlp: Language) -> None:
    tagger = FastTagger(nlp, frozenset({"cease-fire"}))
    first = tagger(parsed(nlp, "The rebels broke the cease-fire and were fleeing the hills."))
    again = tagger(parsed(nlp, "The rebels broke the cease-fire and were fleeing the hills."))
    assert [(t.pos_, t.lemma_) for t in first] == [(t.pos_, t.lemma_) for t in again]
    lemmas = {t.text: t.lemma_ for t in first}
    assert lemmas["broke"] == "break" and lemmas["fleeing"] == "flee" and lemmas["fire"] == "cease-fire"
    assert {t.text: t.pos_ for t in first}["were"] == "AUX"


def test_quoted_tokens_are_found_by_word_id(nlp: Language) -> None:
    doc = nlp.make_doc('The minister said "we will not yield" to anyone.')
    assert [doc[i].text for i in sorted(quoted(doc))] == ["we", "will", "not", "yield"]
    assert quoted(nlp.make_doc("No quotation here.")) == set()
    closing = nlp.make_doc('never again," the envoy added.')
    assert [closing[i].text for i in sorted(quoted(closing))] == ["never", "again", ","]


def test_dependents_give_objects_prepositions_and_modifiers_once(extractor: Extractor) -> None:
    def tagged(text: str) -> Doc:
        return extractor.tagger(parsed(extractor.nlp, text))  # type: ignore[attr-defined,no-any-return]

    signed = Dependents(
        next(t for t in tagged("The two sides signed a copy of the accord.") if t.text == "signed")
    )
    assert {"copy", "accord"} <= signed.objects and "dobj" in signed.deps
    pushed = Dependents(next(t for t in tagged("The army pushed into the city.") if t.text == "pushed"))
    assert ("into", "city") in pushed.prep_objects and "into" in pushed.particles
    noun = Dependents(next(t for t in tagged("Military and economic aid arrived.") if t.text == "aid"))
    assert "military" in noun.modifiers
    assert noun.objects == frozenset()


def test_trigger_words_are_found_by_lemma_and_form(extractor: Extractor) -> None:
    finder = extractor.triggers  # type: ignore[attr-defined]
    doc = extractor.tagger(parsed(extractor.nlp, "Rebels shelled the town and the army attacked them."))  # type: ignore[attr-defined]
    words = {tok.text for tok, _ in finder.find(doc)}
    assert {"shelled", "attacked"} <= words
