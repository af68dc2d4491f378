"""De-duplication: canonical URLs, content hashes, and near-duplicates linked to the first copy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from schemas import Article
from schemas.ids import text_id
from streams.ingest.dedupe import DedupeIndex, IndexFormatError, canonical_url, content_hash, signature
from streams.log import LOG_FILE, Log
from streams.log.interface import LogStore
from streams.log.memory import MemoryLog
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


@pytest.fixture(params=["sqlite", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LogStore]:
    opened: LogStore = Log.open(tmp_path) if request.param == "sqlite" else MemoryLog(tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def index(store: LogStore) -> DedupeIndex:
    return DedupeIndex(store)


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
    again = index.admit(article(TEXTS[0], "https://a.example/story?utm_source=feed"))
    assert (again.kind, again.of) == ("duplicate", first.article.id)
    revised = index.admit(article(TEXTS[1], "https://a.example/story#top"))
    assert (revised.kind, revised.of, revised.article.id) == ("revision", first.article.id, first.article.id)
    assert index.admit(article(TEXTS[1], "https://a.example/story")).kind == "duplicate"
    same_text = index.admit(article(TEXTS[0].replace("\n", "  \n"), "https://b.example/mirror"))
    assert (same_text.kind, same_text.of) == ("duplicate", first.article.id)
    assert index.known_url("https://b.example/mirror") == first.article.id


def test_another_text_under_an_id_admitted_is_a_revision_staged_or_committed(index: DedupeIndex) -> None:
    first = index.admit(Article(id="story-1", text=TEXTS[0]))
    staged = index.admit(Article(id="story-1", text=edited(TEXTS[0])))
    assert (first.kind, staged.kind, staged.of) == ("new", "revision", "story-1")
    assert staged.article.copy_of is None
    index.commit()
    committed = index.admit(Article(id="story-1", text=TEXTS[1]))
    assert (committed.kind, committed.of) == ("revision", "story-1")
    assert index.admit(Article(id="story-2", text=TEXTS[1])).kind == "duplicate"


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
    with Log.open(tmp_path) as log:
        index = DedupeIndex(log)
        kept = index.admit(article(TEXTS[0]))
        index.commit()
        index.admit(article(TEXTS[1], "https://a.example/lost"))
        index.rollback()
    with Log.open(tmp_path) as log:
        reopened = DedupeIndex(log)
        assert reopened.admit(article(edited(TEXTS[0]))).article.copy_of == kept.article.id
        assert reopened.known_url("https://a.example/lost") is None
        assert reopened.admit(article(TEXTS[1])).kind == "new"


def test_admissions_are_staged_without_the_write_lock_until_they_commit(
    store: LogStore, tmp_path: Path
) -> None:
    index = DedupeIndex(store)
    first = index.admit(article(TEXTS[0], "https://a.example/story"))
    copy = index.admit(article(edited(TEXTS[0]), "https://b.example/copy"))
    assert copy.article.copy_of == first.article.id
    other = Log(tmp_path / LOG_FILE, busy_timeout=0.1) if isinstance(store, Log) else store.reopen()
    try:
        other.append("articles.raw", [(first.article.id, first.article.dumps())])  # the lock is free
        assert other.url_article("https://a.example/story") is None
        index.commit()
        assert other.url_article("https://a.example/story") == first.article.id
        assert other.url_article("https://b.example/copy") == copy.article.id
        assert other.text_article(content_hash(TEXTS[0])) == first.article.id
    finally:
        other.close()


def test_an_index_built_with_other_minhash_parameters_is_refused(store: LogStore) -> None:
    with store.transaction() as writer:
        writer.set_dedupe_format("legacy perm=256")
    with pytest.raises(IndexFormatError, match="legacy perm=256"):
        DedupeIndex(store)
