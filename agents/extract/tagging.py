"""Coarse parts of speech and lemmas, set faster than the model's own attribute ruler and lemmatizer.

The rules are read from the loaded model's ``attribute_ruler`` (tag → POS, and tag + word
exceptions); lemmas come from its ``lemmatizer``. Both are cached per word, tag and dependency, and
set on a doc's arrays at once. The morphology is only set where the lemmatizer needs it.
Both components are then left out of the parse.
"""

from __future__ import annotations

from typing import Any

import numpy
from spacy.attrs import DEP, LEMMA, ORTH, POS, SPACY, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS
from spacy.tokens import Doc

SKIPPED_PIPES = ("attribute_ruler", "lemmatizer")


class FastTagger:
    """Sets ``pos_`` and ``lemma_`` on parsed docs from tables built once."""

    def __init__(self, nlp: Language, compounds: frozenset[str] = frozenset()) -> None:
        self.compounds = compounds
        self.by_tag: dict[str, str] = {}
        self.morph_by_tag: dict[str, str] = {}
        self.morph_by_word: dict[tuple[str, str], str] = {}
        self.by_word: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        for rule in nlp.get_pipe("attribute_ruler").patterns:
            self._learn(rule)
        self.lemmatizer: Any = nlp.get_pipe("lemmatizer")
        self.cache: dict[tuple[int, int, int], tuple[int, int]] = {}

    def _learn(self, rule: dict[str, Any]) -> None:
        (pattern,) = rule["patterns"][:1]
        if len(pattern) != 1:
            return
        attrs, spec = rule["attrs"], pattern[0]
        pos, lemma, morph = attrs.get("POS"), attrs.get("LEMMA"), attrs.get("MORPH")
        tag = spec.get("TAG")
        if not isinstance(tag, str):
            return
        lower = spec.get("LOWER")
        words = (
            [lower]
            if isinstance(lower, str)
            else list(lower.get("IN", []))
            if isinstance(lower, dict)
            else []
        )
        if set(spec) == {"TAG"}:
            if pos:
                self.by_tag.setdefault(tag, pos)
            if morph:
                self.morph_by_tag.setdefault(tag, morph)
        elif set(spec) == {"TAG", "LOWER"}:
            for word in words:
                if pos or lemma:
                    self.by_word.setdefault((tag, word), (pos, lemma))
                if morph:
                    self.morph_by_word.setdefault((tag, word), morph)

    def __call__(self, doc: Doc) -> Doc:
        tagged = doc.to_array([ORTH, TAG, DEP, SPACY]).tolist()
        values = [self._tagged(doc, i, orth, tag, dep) for i, (orth, tag, dep, _) in enumerate(tagged)]
        if self.compounds:
            self._join_hyphenated(doc, tagged, values)
        doc.from_array([POS, LEMMA], numpy.array(values, dtype=numpy.uint64).reshape(len(values), 2))
        return doc

    def _tagged(self, doc: Doc, i: int, orth: int, tag: int, dep: int) -> tuple[int, int]:
        """The part of speech and lemma (ids) of the word ``orth`` with ``tag`` and ``dep``, token ``i``
        of ``doc``; read once per word, tag and dependency."""
        key = (orth, tag, dep)
        known = self.cache.get(key)
        if known is not None:
            return known
        token = doc[i]
        tag_, lower = token.tag_, token.lower_
        pos, lemma = self.by_word.get((tag_, lower), (None, None))
        pos = _by_dependency(tag_, lower, token.dep_) or pos or self.by_tag.get(tag_, "X")
        token.pos_ = pos
        if lemma is None:  # the rule lemmatizer reads the morphology: set it first
            morph = self.morph_by_word.get((tag_, lower)) or self.morph_by_tag.get(tag_)
            if morph:
                token.set_morph(morph)
            lemma = self.lemmatizer.rule_lemmatize(token)[0]
        known = (IDS[pos], doc.vocab.strings.add(lemma))
        if len(self.cache) < 500_000:
            self.cache[key] = known
        return known

    def _join_hyphenated(self, doc: Doc, tagged: list[list[int]], values: list[tuple[int, int]]) -> None:
        """ "cease-fire" is split in three tokens: the last one takes the hyphenated lemma."""
        strings = doc.vocab.strings
        hyphen = strings.add("-")
        for i in range(2, len(tagged)):
            if tagged[i - 1][0] == hyphen and not tagged[i - 1][3] and not tagged[i - 2][3]:
                joined = f"{doc[i - 2].lower_}-{strings[values[i][1]].lower()}"
                if joined in self.compounds:
                    values[i] = (values[i][0], strings.add(joined))


_FULL_VERBS = frozenset({"do", "does", "did", "'d", "have", "has", "had"})
_FULL_VERB_DEPS = frozenset({"ROOT", "advcl", "ccomp", "conj", "relcl", "xcomp"})


def _by_dependency(tag: str, lower: str, dep: str) -> str | None:
    """The model's dependency-conditioned POS rules (auxiliaries, subordinators, pronouns)."""
    if lower in _FULL_VERBS and dep in _FULL_VERB_DEPS:
        return "VERB"
    if dep in ("aux", "auxpass") and tag != "TO":
        return "AUX"
    if tag == "IN" and dep == "mark":
        return "SCONJ"
    if tag in ("DT", "WDT") and dep not in ("det", "quantmod"):
        return "PRON"
    if tag == "CC" and lower == "but" and dep == "advmod":
        return "ADV"
    return None
