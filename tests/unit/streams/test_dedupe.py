"""De-duplication: canonical URLs, content hashes, and near-duplicates linked to the first copy."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from schemas import Article
from schemas.ids import text_id
from streams.ingest.dedupe import DedupeIndex, IndexFormatError, canonical_url, content_hash, signature
from tests.support.http_site import seeds

TEXTS = ["\n".join([seed.title, *seed.paragraphs]) for seed in seeds()]


def article(text: str, url: str | None = None) -> Article:
    return Article(id=text_id(text + (url or "")), text=text, url=url)


def edited(text: str) -> str:
    """The same story with a new first line, one paragraph rewritten and a credit line added."""
    lines = text.split("\n")
    lines[0] = "UPDATED: " + lines[0]
    lines[2] = "A spokesman for the regional council said it would study the decision closely."
    return "\n".join([*lines, "(Additional reporting by the wire desk.)"])


@pytest.fixture
def index(tmp_path: Path) -> Iterator[DedupeIndex]:
    index = DedupeIndex(tmp_path / "dedupe.db")
    yield index
    index.close()


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://News.Example/a/b?id=7&utm_source=rss&utm_medium=x#comments",
            "https://news.example/a/b?id=7",
        ),
        ("http://news.example:80/?fbclid=abc&gclid=def", "http://news.example/"),
        ("https://news.example:8443/p?b=2&a=1", "https://news.example:8443/p?a=1&b=2"),
        ("http://[::1]:8080/x?mc_cid=1&q=", "http://[::1]:8080/x?q="),
    ],
)
def test_canonical_urls_drop_tracking_fragments_and_default_ports(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_the_content_hash_ignores_spacing_case_and_punctuation() -> None:
    assert content_hash("Troops  crossed\nthe river.") == content_hash("troops crossed the river")
    assert content_hash("Troops crossed the river.") != content_hash("Troops crossed the bridge.")


def test_an_edited_copy_is_similar_and_other_stories_are_not() -> None:
    sketch = signature(TEXTS[0])
    assert sketch.jaccard(signature(edited(TEXTS[0]))) > 0.7
    assert all(sketch.jaccard(signature(other)) < 0.2 for other in TEXTS[1:])


def test_each_url_and_each_text_is_admitted_once(index: DedupeIndex) -> None:
    first = index.admit(article(TEXTS[0], "https://a.example/story"))
    assert first.kind == "new"
    again = index.admit(article(TEXTS[1], "https://a.example/story?utm_source=feed"))
    assert (again.kind, again.of) == ("duplicate", first.article.id)
    same_text = index.admit(article(TEXTS[0].replace("\n", "  \n"), "https://b.example/mirror"))
    assert (same_text.kind, same_text.of) == ("duplicate", first.article.id)
    assert index.known_url("https://b.example/mirror") == first.article.id


def test_copies_link_to_the_first_article_of_their_story(index: DedupeIndex) -> None:
    originals = [index.admit(article(text)) for text in TEXTS]
    assert [verdict.kind for verdict in originals] == ["new"] * len(TEXTS)
    copy = index.admit(article(edited(TEXTS[3])))
    assert (copy.kind, copy.article.copy_of) == ("copy", originals[3].article.id)
    copy_of_copy = index.admit(
        article(edited(edited(TEXTS[3])) + "\nA late paragraph on the reaction abroad.")
    )
    assert copy_of_copy.article.copy_of == originals[3].article.id


def test_the_index_survives_a_restart_and_forgets_what_was_rolled_back(tmp_path: Path) -> None:
    index = DedupeIndex(tmp_path / "dedupe.db")
    kept = index.admit(article(TEXTS[0]))
    index.commit()
    index.admit(article(TEXTS[1], "https://a.example/lost"))
    index.rollback()
    index.close()
    reopened = DedupeIndex(tmp_path / "dedupe.db")
    assert reopened.admit(article(edited(TEXTS[0]))).article.copy_of == kept.article.id
    assert reopened.known_url("https://a.example/lost") is None
    assert reopened.admit(article(TEXTS[1])).kind == "new"
    reopened.close()


def test_an_index_built_with_other_minhash_parameters_is_refused(tmp_path: Path) -> None:
    DedupeIndex(tmp_path / "dedupe.db").close()
    db = sqlite3.connect(tmp_path / "dedupe.db")
    db.execute("UPDATE meta SET value = 'legacy perm=256' WHERE key = 'sketch'")
    db.commit()
    db.close()
    with pytest.raises(IndexFormatError, match="legacy perm=256"):
        DedupeIndex(tmp_path / "dedupe.db")
