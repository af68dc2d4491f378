"""Feed lists and feed documents: OPML or one URL a line; entries with content but no link."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from schemas import Article
from streams.ingest.feeds import parse_feed
from streams.ingest.fetch import FetchPolicy
from streams.ingest.files import Item
from streams.ingest.live import LiveIngest, follow
from streams.ingest.opml import FeedListError, feed_list, parse_feed_list
from tests.support.http_site import ATOM, Site

OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>Subscriptions</title></head><body>
  <outline text="World"><outline text="Ledger" type="rss" xmlUrl="https://ledger.example/rss"/>
  <outline text="Courier" type="rss" xmlUrl="https://courier.example/atom.xml"/></outline>
  <outline text="A folder without a feed"/>
  <outline text="Ledger again" xmlUrl="https://ledger.example/rss"/>
</body></opml>"""


def test_opml_lists_each_feed_once_in_order() -> None:
    assert parse_feed_list(OPML) == ["https://ledger.example/rss", "https://courier.example/atom.xml"]


def test_a_plain_list_skips_blanks_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "feeds.txt"
    path.write_text(
        "# morning papers\nhttps://a.example/rss\n\n  https://b.example/feed  \n", encoding="utf-8"
    )
    opml = tmp_path / "feeds.opml"
    opml.write_text(OPML, encoding="utf-8")
    assert feed_list(["https://b.example/feed"], [path, opml]) == [
        "https://b.example/feed",
        "https://a.example/rss",
        "https://ledger.example/rss",
        "https://courier.example/atom.xml",
    ]


def test_an_unreadable_list_is_an_error_naming_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><body><outline xmlUrl='x'>", encoding="utf-8")
    with pytest.raises(FeedListError, match=r"broken\.opml: malformed OPML"):
        feed_list(files=[broken])
    with pytest.raises(FeedListError, match="cannot read feed list"):
        feed_list(files=[tmp_path / "missing.txt"])


def test_a_document_that_is_not_a_feed_says_so() -> None:
    for body in (b"<html><body>Hello</body></html>", b"/etc/passwd"):
        reason = parse_feed(body, "http://x/")
        assert isinstance(reason, str) and reason.startswith("not a feed")


async def test_an_entry_with_content_and_no_link_becomes_an_article(tmp_path: Path) -> None:
    content = "".join(
        f"<p>{sentence}</p>"
        for sentence in (
            "The harbour board agreed to dredge the northern channel before the autumn storms arrive.",
            "Fishing crews had complained for months that laden boats scraped the bottom at low tide.",
            "Work is due to begin next month and to last for roughly six weeks, the board said.",
        )
    )
    body = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Harbour Notes</title><id>urn:harbour</id><updated>2019-05-02T10:00:00Z</updated>"
        "<entry><title>Channel to be dredged</title><id>urn:harbour:1</id>"
        f'<updated>2019-05-02T10:00:00Z</updated><content type="html"><![CDATA[{content}]]></content></entry>'
        "</feed>"
    ).encode()
    with Site() as site:
        url = site.add("/harbour.xml", body, ATOM)
        published: list[Item] = []
        async with LiveIngest(tmp_path, FetchPolicy(allowed=("127.0.0.1/32",))) as live:
            await follow(live, [url], published.extend)
    [(origin, article)] = published
    assert isinstance(article, Article) and origin == f"{url}#urn:harbour:1"
    assert article.title == "Channel to be dredged" and "northern channel" in article.text
    assert article.published == dt.date(2019, 5, 2)
    assert article.provenance is not None and article.provenance.date_method == "feed"
