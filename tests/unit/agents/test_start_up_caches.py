"""What start-up reads from the on-disk cache is what it would build: the rules and the name patterns."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.matcher import PhraseMatcher

from agents.extract import Extractor
from agents.extract.phrases import name_patterns, tokenized
from agents.extract.pipeline import SpacyExtractor
from agents.extract.rules import build_rules, load_rules
from agents.kb import KnowledgeBase
from agents.kb.cache import KEEP, cached

SENTENCES = (
    "The U.S. envoy met Hezbollah's and the PKK's negotiators in Ankara on Tuesday.",
    "Kurdish fighters and Syrian Democratic Forces units left al-Bab, the ministry in Moscow said.",
    "Tehran and the Islamic Republic's allies warned NATO; Erdogan's office did not answer.",
)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ENTENTE_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_the_cached_rules_are_the_rules_the_files_give(cache_dir: Path) -> None:
    load_rules.cache_clear()
    try:
        first = load_rules()
        assert [path.name.split("-")[0] for path in cache_dir.iterdir()] == ["rules"]
        load_rules.cache_clear()
        again = load_rules()
    finally:
        load_rules.cache_clear()
    assert again is not first and again == first == build_rules()


def test_the_cached_tokens_are_the_tokenizer_s(extractor: Extractor, cache_dir: Path) -> None:
    assert isinstance(extractor, SpacyExtractor)
    texts = ["al-Qaeda", "U.S.", "Hay'at Tahrir al-Sham", "the Kurdistan Workers' Party"]
    built = tokenized(extractor.nlp, texts)
    assert (
        tokenized(extractor.nlp, texts)
        == built
        == {text: tuple(token.text for token in extractor.nlp.make_doc(text)) for text in texts}
    )
    assert len(list(cache_dir.glob("tokens-*.pickle"))) == 1


def test_name_patterns_match_as_patterns_made_of_docs(extractor: Extractor, kb: KnowledgeBase) -> None:
    assert isinstance(extractor, SpacyExtractor)
    nlp = extractor.nlp
    lower, exact = PhraseMatcher(nlp.vocab, attr="LOWER"), PhraseMatcher(nlp.vocab, attr="ORTH")
    for name in kb.names:
        (exact if name.case_sensitive else lower).add(f"{name.kind}|{name.ref}", [nlp.make_doc(name.text)])
    finder = extractor.finder
    assert sum(len(patterns) for patterns in name_patterns(nlp, kb.names).values()) == len(kb.names)
    docs = [nlp.make_doc(text) for text in (*SENTENCES, " ; ".join(name.text for name in kb.names[::7]))]
    for doc in docs:
        assert sorted(finder.lower(doc)) == sorted(lower(doc))
        assert sorted(finder.exact(doc)) == sorted(exact(doc))
    assert any(finder.exact(doc) for doc in docs) and any(finder.lower(doc) for doc in docs)


def test_a_compiled_file_not_used_lately_is_removed(cache_dir: Path) -> None:
    cached("t", ["kept"], lambda: "kept")
    for n in range(KEEP + 1):
        cached("t", [str(n)], lambda n=n: str(n))
        assert cached("t", ["kept"], lambda: "rebuilt") == "kept"  # read, so used lately
    assert len(list(cache_dir.glob("t-*.pickle"))) == KEEP
    assert cached("t", ["0"], lambda: "rebuilt") == "rebuilt"
