"""The learned reading of actor pairs: which pairs a sentence gives, their features, and the scorer."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from spacy.tokens import Doc

from agents.extract import Extractor
from agents.extract.mentions import Mention
from agents.extract.pairs import Pair, PairScorer, actor_pairs, features
from agents.extract.pipeline import SpacyExtractor
from schemas.event import PloverType

Parse = Callable[[str], Doc]


@pytest.fixture(scope="module")
def parse(extractor: Extractor) -> Parse:
    assert isinstance(extractor, SpacyExtractor)
    return extractor.nlp


def test_pairs_take_the_closest_mentions_of_two_different_actors() -> None:
    chile = Mention(0, 1, ("CHL",), "name")
    peru_far = Mention(9, 10, ("PER",), "name")
    peru_near = Mention(4, 5, ("PER",), "name")
    chile_again = Mention(12, 13, ("CHL",), "name")
    pairs = actor_pairs([chile, peru_far, peru_near, chile_again])
    assert [(p.a, p.b, p.first.start, p.second.start) for p in pairs] == [("PER", "CHL", 9, 12)]


def test_pairs_skip_overlapping_mentions_and_one_actor_with_itself() -> None:
    both = Mention(0, 3, ("CHL", "PER"), "group")
    inner = Mention(1, 2, ("PER",), "name")
    again = Mention(5, 6, ("CHL",), "name")
    pairs = actor_pairs([both, inner, again])
    assert {(p.a, p.b) for p in pairs} == {("PER", "CHL")}


def test_features_read_the_path_between_the_mentions(parse: Parse) -> None:
    doc = parse("Norway accused Sweden of hiding the report.")
    pair = Pair(Mention(0, 1, ("NOR",), "name"), Mention(2, 3, ("SWE",), "name"), "NOR", "SWE")
    names = features(doc, pair, ruled=["ACCUSE"])
    assert {"lca=accuse", "rels=nsubj|dobj", "verb=accuse", "rule=ACCUSE"} <= set(names)
    assert "neg" not in names


def test_features_mark_negation_and_modal_words(parse: Parse) -> None:
    doc = parse("Norway will not fight Sweden.")
    pair = Pair(Mention(0, 1, ("NOR",), "name"), Mention(4, 5, ("SWE",), "name"), "NOR", "SWE")
    names = set(features(doc, pair))
    assert {"neg", "modal=will", "lca=fight"} <= names


def _scorer(threshold: float) -> PairScorer:
    """Two features: "lca=fight" votes for ASSAULT by the first mention, "lca=meet" for CONSULT."""
    weights = np.array([[4.0, -4.0], [-4.0, 4.0]], np.float32)
    return PairScorer(
        ["lca=fight", "lca=meet"],
        weights,
        np.array([-1.0, -1.0], np.float32),
        ["ASSAULT", "CONSULT"],
        np.array([3.0, 0.0], np.float32),
        -1.0,
        threshold,
    )


def test_the_scorer_gives_type_and_direction(parse: Parse) -> None:
    doc = parse("Norway fought Sweden.")
    pair = Pair(Mention(0, 1, ("NOR",), "name"), Mention(2, 3, ("SWE",), "name"), "NOR", "SWE")
    reading = _scorer(0.5).read(doc, pair)
    assert reading is not None
    assert (reading.type, reading.source, reading.target) == (PloverType.ASSAULT, "NOR", "SWE")
    assert reading.anchor.lemma_ == "fight"


def test_the_scorer_orders_symmetric_pairs_and_keeps_to_its_threshold(parse: Parse) -> None:
    doc = parse("Sweden met Norway.")
    pair = Pair(Mention(0, 1, ("SWE",), "name"), Mention(2, 3, ("NOR",), "name"), "SWE", "NOR")
    reading = _scorer(0.5).read(doc, pair)
    assert reading is not None and (reading.type, reading.source, reading.target) == ("CONSULT", "NOR", "SWE")
    assert _scorer(0.99).read(doc, pair) is None
