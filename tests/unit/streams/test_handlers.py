"""The shared step code: decode, extract, and what becomes a dead letter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from schemas import Article, DeadLetter, Event, Evidence

LIMIT = 10_000
NOW = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)


class Recorder:
    """An extractor that records what it was asked and finds one fixed event."""

    version = "recorder"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def extract(self, article: Article) -> list[Event]:
        self.seen.append(article.id)
        evidence = Evidence(text=article.text, start=0, end=len(article.text))
        return [
            Event(
                article_id=article.id,
                type="CONSULT",
                source="A",
                target="B",
                evidence=evidence,
                extractor="r",
            )
        ]


class Broken(Recorder):
    def extract(self, article: Article) -> list[Event]:
        raise RuntimeError("boom")


def test_articles_are_extracted_and_copies_are_not() -> None:
    from streams.handlers import extract_article

    extractor = Recorder()
    original = Article(id="a", text="Talks were held.")
    copy = Article(id="b", text="Talks were held!", copy_of="a")
    assert len(extract_article((original.dumps(), "t@0", NOW), extractor, LIMIT)) == 1
    assert extract_article((copy.dumps(), "t@1", NOW), extractor, LIMIT) == []
    assert extractor.seen == ["a"]


def test_bad_records_become_dead_letters_naming_the_record() -> None:
    from streams.handlers import extract_article

    cases = {
        b"\xff\xfe not json": "malformed JSON",
        b'{"id": "x"}': "schema violation: text",
        b'{"id": "x", "text": "' + b"y" * LIMIT + b'"}': "too large",
    }
    for value, reason in cases.items():
        dead = extract_article((value, "articles.raw@7", NOW), Recorder(), LIMIT)
        assert isinstance(dead, DeadLetter) and dead.input == "articles.raw@7"
        assert dead.reason.startswith(reason), dead.reason
    failed = extract_article((Article(id="a", text="t").dumps(), "articles.raw@8", NOW), Broken(), LIMIT)
    assert isinstance(failed, DeadLetter) and failed.reason == "extraction failed: RuntimeError: boom"


class Batched(Recorder):
    """A batch extractor that fails a whole batch holding the article ``bad``, and that article alone."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    def extract(self, article: Article) -> list[Event]:
        if article.id == "bad":
            raise ValueError("unreadable")
        return super().extract(article)

    def extract_many(self, articles: Sequence[Article]) -> list[list[Event]]:
        self.batches.append([a.id for a in articles])
        return [self.extract(a) for a in articles]


def test_a_batch_is_extracted_at_once_and_a_failure_only_loses_its_article() -> None:
    from streams.handlers import extract_articles

    extractor = Batched()
    good = [(Article(id=f"a{n}", text="Talks.").dumps(), f"t@{n}", NOW) for n in range(3)]
    results = extract_articles(good, extractor, LIMIT)
    assert [len(r) for r in results] == [1, 1, 1] and extractor.batches == [["a0", "a1", "a2"]]
    mixed = [good[0], (Article(id="bad", text="x").dumps(), "t@9", NOW), (b"{", "t@10", NOW), good[1]]
    results = extract_articles(mixed, extractor, LIMIT)
    assert (
        isinstance(results[1], DeadLetter)
        and results[1].reason == "extraction failed: ValueError: unreadable"
    )
    assert isinstance(results[2], DeadLetter) and results[2].reason.startswith("malformed JSON")
    assert [len(results[0]), len(results[3])] == [1, 1]


def test_a_published_date_after_the_time_of_ingest_or_before_1900_is_a_dead_letter() -> None:
    from streams.handlers import decode_article

    def published(date: str) -> Article | DeadLetter:
        value = Article(id="a", text="Talks.", published=dt.date.fromisoformat(date)).dumps()
        return decode_article(value, "articles.raw@3", LIMIT, NOW)

    future = published("9999-12-31")
    assert isinstance(future, DeadLetter) and future.input == "articles.raw@3"
    assert future.reason.startswith("published date 9999-12-31 is after the time of ingest"), future.reason
    past = published("1850-01-01")
    assert isinstance(past, DeadLetter) and past.reason == "published date 1850-01-01 is before 1900-01-01"
    assert isinstance(published("2024-05-02"), Article)  # a day ahead: the publisher's time zone
    assert isinstance(published("1900-01-01"), Article)


def test_an_event_is_routed_to_every_row_it_touches_and_a_bad_one_is_a_dead_letter() -> None:
    from streams.handlers import route_event
    from tests.support.factories import event

    both = event(type="ASSAULT", source="TUR", target="YPG", zone="MANBIJ")
    assert route_event(both.dumps(), "events[0]@0") == ["alliances:TUR|YPG", "zones:MANBIJ"]
    for value, reason in ((None, "null value"), (b"{", "undecodable event: JSONDecodeError")):
        dead = route_event(value, "events[0]@1")
        assert isinstance(dead, DeadLetter)
        assert (dead.input, dead.stage, reason in dead.reason) == ("events[0]@1", "route", True)
