"""Pages to articles: the body without the chrome, and a date with the way it was found."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from schemas import Article, DeadLetter
from streams.ingest.html import Origin, article_from_html, read_html_file
from tests.support.http_site import CHROME, article_page, seeds

SEED = seeds()[2]
PUBLISHED = dt.datetime(2019, 2, 11, 6, 0, tzinfo=dt.UTC)
UNDATED = [
    "The river authority opened a new footbridge between the two halves of the old town.",
    "Engineers said the span had been assembled on the bank and lifted into place overnight.",
    "Residents who crowded onto it in the morning said the crossing now took a few minutes.",
]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_text_holds_the_body_and_none_of_the_chrome() -> None:
    article = article_from_html(article_page(SEED.title, SEED.paragraphs, published=PUBLISHED), "page")
    assert isinstance(article, Article)
    body = flat(article.text)
    assert all(flat(paragraph) in body for paragraph in SEED.paragraphs)
    assert not [phrase for phrase in CHROME if phrase in article.text]
    assert (article.title, article.author, article.source) == (SEED.title, "Dana Reyes", "The Morning Ledger")


def test_the_page_date_markup_wins_over_the_feed_date() -> None:
    page = article_page(SEED.title, SEED.paragraphs, published=PUBLISHED)
    article = article_from_html(page, "page", Origin(feed_date=dt.date(2019, 2, 14)))
    assert isinstance(article, Article) and article.provenance is not None
    assert (article.published, article.provenance.date_method) == (dt.date(2019, 2, 11), "metadata")


def test_without_date_markup_the_feed_date_is_used_then_a_date_in_the_text() -> None:
    page = article_page(SEED.title, SEED.paragraphs)
    from_feed = article_from_html(page, "page", Origin(feed_date=dt.date(2019, 2, 14)))
    assert isinstance(from_feed, Article) and from_feed.provenance is not None
    assert (from_feed.published, from_feed.provenance.date_method) == (dt.date(2019, 2, 14), "feed")
    dated = article_page(SEED.title, [*SEED.paragraphs, "Published on 12 March 2018 at noon."])
    from_text = article_from_html(dated, "page")
    assert isinstance(from_text, Article) and from_text.provenance is not None
    assert (from_text.published, from_text.provenance.date_method) == (dt.date(2018, 3, 12), "text")
    undated = article_from_html(article_page("A footbridge opens", UNDATED), "page")
    assert isinstance(undated, Article) and undated.provenance is not None
    assert (undated.published, undated.provenance.date_method) == (None, None)


def test_a_fetched_page_is_identified_by_its_canonical_url() -> None:
    page = article_page(SEED.title, SEED.paragraphs, published=PUBLISHED)
    one = article_from_html(page, "a", Origin(url="https://News.example/story?utm_source=x#top"))
    two = article_from_html(page, "b", Origin(url="https://news.example:443/story"))
    assert isinstance(one, Article) and isinstance(two, Article)
    assert one.id == two.id and one.url == "https://news.example/story"
    assert one.provenance is not None and one.provenance.outlet == "news.example"


def test_a_page_without_article_text_is_a_dead_letter() -> None:
    dead = article_from_html(b"<html><head><title>Empty</title></head><body></body></html>", "empty.html")
    assert isinstance(dead, DeadLetter)
    assert dead.line() == "rejected input=empty.html reason=no article text found in the page"


def test_a_saved_page_is_read_from_its_file(tmp_path: Path) -> None:
    path = tmp_path / "story.html"
    path.write_bytes(article_page(SEED.title, SEED.paragraphs, published=PUBLISHED))
    [(origin, article)] = list(read_html_file(path, 1_000_000))
    assert origin == str(path) and isinstance(article, Article) and article.title == SEED.title
    [(_, too_big)] = list(read_html_file(path, 100))
    assert isinstance(too_big, DeadLetter) and "too large" in too_big.reason
    [(_, missing)] = list(read_html_file(tmp_path / "gone.html", 100))
    assert isinstance(missing, DeadLetter) and missing.reason.startswith("cannot read")
