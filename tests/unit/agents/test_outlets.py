"""Outlet identity and wire attribution: what corroboration counts as one source."""

from __future__ import annotations

import pytest

from agents.outlets import HEAD, domain, originating, outlet, wire
from schemas import Article
from tests.support.factories import event

BODY = "The two foreign ministers met at the border crossing and signed a note on prisoner exchanges."


def article(text: str = BODY, **fields: object) -> Article:
    return Article.model_validate({"id": "x1", "text": text, **fields})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.com/a", "example.com"),
        ("https://m.example.com/a", "example.com"),
        ("https://amp.example.com/a?x=1", "example.com"),
        ("https://mobile.example.com/a", "example.com"),
        ("https://news.bbc.co.uk/world/1", "bbc.co.uk"),
        ("https://www.m.bbc.co.uk/world/1", "bbc.co.uk"),
        ("HTTPS://WWW.Example.COM:8443/a", "example.com"),
        ("https://one.blogspot.com/post", "one.blogspot.com"),
        ("http://127.0.0.1:8080/page", "127.0.0.1"),
        ("http://www.news.example/page", "news.example"),
        ("http://localhost/page", "localhost"),
    ],
)
def test_the_domain_of_a_url_is_its_registered_domain_whatever_form_of_the_site(
    url: str, expected: str
) -> None:
    assert domain(url) == expected


@pytest.mark.parametrize("url", ["not a url", "", "http://[::1/", "file:///tmp/a.txt"])
def test_a_url_with_no_host_has_no_domain(url: str) -> None:
    assert domain(url) is None


def test_the_source_is_preferred_to_the_url_normalised() -> None:
    assert outlet(article(source="  The   Daily\tHerald ", url="https://www.herald.example.com/a")) == (
        "the daily herald"
    )
    assert outlet(article(url="https://m.herald.co.uk/a")) == "herald.co.uk"
    assert outlet(article(source="   ", url="https://amp.herald.co.uk/a")) == "herald.co.uk"
    assert outlet(article()) is None


def test_a_source_naming_a_wire_is_the_wire() -> None:
    assert outlet(article(source="AP")) == outlet(article(source="associated  press")) == "associated press"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"HARBOURTOWN, May 4 (Reuters) - {BODY}", "reuters"),
        (f"HARBOURTOWN (AP) — {BODY}", "associated press"),
        (f"HARBOURTOWN — AFP — {BODY}", "agence france-presse"),
        (f"Xinhua - {BODY}", "xinhua"),
        (f"By Ann Example, Associated Press\nHARBOURTOWN - {BODY}", "associated press"),
        (f"HARBOURTOWN, May 4 (dpa) - {BODY}", "deutsche presse-agentur"),
        (f"HARBOURTOWN (Yonhap) -- {BODY}", "yonhap"),
        (f"HARBOURTOWN, May 4 (REUTERS/AFP) - {BODY}", "reuters"),
    ],
)
def test_a_wire_named_in_the_dateline_or_byline_originates_the_story(text: str, expected: str) -> None:
    assert wire("", text) == expected
    assert originating(article(text, source="The Daily Herald", url="https://herald.example.com/a")) == (
        expected
    )


def test_a_wire_named_as_the_author_originates_the_story() -> None:
    assert wire("Ann Example, Reuters", BODY) == "reuters"
    assert originating(article(author="Agence France-Presse", source="The Daily Herald")) == (
        "agence france-presse"
    )


@pytest.mark.parametrize(
    "text",
    [
        f"{BODY} " * 4 + "Reuters reported that the talks would resume, citing two officials.",
        f"{BODY} " * 4 + "Officials told the press (Reuters) that the talks would resume.",
        f"The minister told Reuters the talks would resume. {BODY}",
        f"Uniformed guards (the AP count was lower) stood by. {BODY}",
        f"Apart from the note, the ministers agreed on nothing. {BODY}",
    ],
)
def test_a_wire_mentioned_in_the_body_is_no_attribution(text: str) -> None:
    assert wire("", text) is None
    assert originating(article(text, source="The Daily Herald")) == "the daily herald"


def test_the_byline_region_ends_within_the_head_of_the_text() -> None:
    late = " ".join(["Ministers met again."] * (HEAD // 10))
    assert wire("", f"{late} HARBOURTOWN (Reuters) - {BODY}") is None


def test_the_outlet_an_event_is_credited_to_leaves_its_id_as_it_was() -> None:
    assert event(outlet="reuters").id == event(outlet="bbc.co.uk").id == event().id
