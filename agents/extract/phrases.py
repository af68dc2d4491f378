"""The knowledge base's names as phrase-matcher patterns, built without a ``Doc`` per name.

A pattern is the hashes of a name's tokens (``ORTH`` when the name is case-sensitive, else
``LOWER``), which is what :class:`spacy.matcher.PhraseMatcher` keeps of a pattern ``Doc``. How the
model's tokenizer splits each name is kept in the on-disk cache of :mod:`agents.kb.cache`, keyed by
the names, spaCy's version and the model's, so a start-up neither tokenizes the names again nor makes
a vocabulary entry for each of their words.
"""

from __future__ import annotations

from collections.abc import Sequence

import spacy
from spacy.attrs import LOWER
from spacy.language import Language

from agents.kb import Name
from agents.kb.cache import cached

Pattern = tuple[int, ...]
Label = tuple[str, bool]
"""A pattern's match label ``kind|ref`` and whether it matches with its case."""


def tokenized(nlp: Language, texts: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The tokens the model's tokenizer splits each text into."""
    model = f"{nlp.lang}_{nlp.meta.get('name')}-{nlp.meta.get('version')}"
    return cached(
        "tokens",
        [spacy.__version__, model, *texts],
        lambda: {text: tuple(token.text for token in nlp.make_doc(text)) for text in texts},
    )


def name_patterns(nlp: Language, names: Sequence[Name]) -> dict[Label, list[Pattern]]:
    """The pattern of every name, by label, in the order of ``names``."""
    tokens = tokenized(nlp, sorted({name.text for name in names}))
    strings, lower = nlp.vocab.strings, nlp.vocab.lex_attr_getters[LOWER]
    patterns: dict[Label, list[Pattern]] = {}
    for name in names:
        words = tokens[name.text] if name.case_sensitive else [lower(word) for word in tokens[name.text]]
        label = (f"{name.kind}|{name.ref}", name.case_sensitive)
        patterns.setdefault(label, []).append(tuple(strings.add(word) for word in words))
    return patterns
