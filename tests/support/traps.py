"""Traps: servers on loopback addresses that ingestion must never reach, and every way to write them.

The news site of a test is served from ``127.0.0.1`` and only ``127.0.0.1/32``
is allowed; the traps listen on ``127.0.0.2`` and ``[::1]`` and count every
connection they accept. :meth:`Traps.urls` writes their addresses in each form
a guard could misjudge (IPv4-mapped, compatible, NAT64, 6to4, decimal, octal,
hex, short, full-width), :data:`OUTSIDE` names private and link-local targets
that must fail before any socket connects (see :mod:`tests.support.egress`),
and :func:`trap_feeds` serves feeds whose every item points at them.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import ExitStack
from types import TracebackType
from typing import Self

import pytest

from tests.support.http_site import ATOM, RSS, Request, Site, article_page, seeds

ALLOWED = ("127.0.0.1/32",)
SEED = seeds()[0]
OUTSIDE = (
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/admin",
    "http://[::ffff:169.254.169.254]/latest/meta-data/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:a9fe:a9fe::1]/",
    "http://[fe80::1]/",
    "http://[fec0::1]/",
    "http://2852039166/",
    "http://0251.0376.0251.0376/",
    "http://0xa9.0xfe.0xa9.0xfe/",
    "http://10.1/",
)
"""Private and link-local targets, written plainly and in the forms that hide them."""


class Traps:
    """Two trap servers, ``127.0.0.2`` and ``[::1]``: ``with Traps() as traps: traps.urls("/x")``."""

    def __init__(self) -> None:
        self.v4, self.v6 = Site("127.0.0.2"), Site("::1")
        self._stack = ExitStack()

    def __enter__(self) -> Self:
        self._stack.enter_context(self.v4)
        self._stack.enter_context(self.v6)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stack.close()

    def urls(self, path: str) -> list[str]:
        """``path`` on the traps, in every form of their addresses."""
        four, six = self.v4.port, self.v6.port
        hosts = [
            f"127.0.0.2:{four}",
            f"[::ffff:127.0.0.2]:{four}",
            f"[::ffff:7f00:2]:{four}",
            f"[::7f00:2]:{four}",
            f"[64:ff9b::7f00:2]:{four}",
            f"[2002:7f00:2::1]:{four}",
            f"[2001:0:4136:e378:8000:63bf:80ff:fffd]:{four}",
            f"2130706434:{four}",
            f"0177.0.0.2:{four}",
            f"0x7f.0.0.2:{four}",
            f"127.2:{four}",
            f"１２７.０.０.２:{four}",
            f"[::1]:{six}",
            f"[0:0:0:0:0:0:0:1]:{six}",
        ]
        return [f"http://{host}{path}" for host in hosts]

    @property
    def connections(self) -> int:
        """How many connections the traps accepted (the test expects none)."""
        return self.v4.connections + self.v6.connections

    @property
    def requests(self) -> list[Request]:
        return self.v4.requests + self.v6.requests


@pytest.fixture
def traps() -> Iterator[Traps]:
    """Running traps (a test that imports this fixture gets them)."""
    with Traps() as running:
        yield running


def targets(traps: Traps, path: str) -> list[str]:
    """``path`` on the traps in every form, then the private and link-local targets."""
    return [*traps.urls(path), *OUTSIDE]


def trap_page(traps: Traps, title: str) -> bytes:
    """An article page (without a date) whose refresh, canonical link, images and scripts lead to traps."""
    page = article_page(title, SEED.paragraphs).decode()
    for url in targets(traps, "/page"):
        link = html.escape(url)
        page = page.replace(
            "</head>",
            f'<meta http-equiv="refresh" content="0; url={link}"><link rel="canonical" href="{link}">'
            f'<meta property="og:url" content="{link}"><link rel="stylesheet" href="{link}">'
            f'<script src="{link}"></script><base href="{link}"></head>',
        )
        page = page.replace(
            "</article>",
            f'<img src="{link}"><iframe src="{link}"></iframe><a href="{link}">more</a></article>',
        )
    return page.encode()


def rss_of(items: list[str], head: str = "") -> bytes:
    """An RSS document of ``items``, with ``head`` (a DOCTYPE) before it."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{head}<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Traps</title>'
        f"<link>http://127.0.0.1/</link>{''.join(items)}</channel></rss>"
    ).encode()


def entry(key: str, body: str) -> str:
    """An RSS item identified by ``key`` (a guid that is no link)."""
    return f'<item><title>{key}</title>{body}<guid isPermaLink="false">{key}</guid></item>'


def trap_feeds(site: Site, traps: Traps) -> list[str]:
    """Feeds whose every item, one way or another, points at the traps."""
    items = []
    for n, url in enumerate(targets(traps, "/link")):
        link = html.escape(url)
        text = html.escape(url.replace("/link", "/text.html"))
        redirect = site.redirect(f"/redirect/{n}", url)
        items += [
            entry(f"link {n}", f"<link>{link}</link>"),
            f'<item><title>guid {n}</title><guid isPermaLink="true">{link}</guid></item>',
            entry(f"text {n}", f"<description>{text}</description>"),
            entry(f"content {n}", f"<content:encoded>{text}</content:encoded>"),
            entry(f"moved {n}", f"<link>{redirect}</link>"),
        ]
    page = site.add("/page", trap_page(traps, SEED.title))
    enclosures = "".join(
        f'<enclosure url="{html.escape(url)}" length="1" type="audio/mpeg"/>' for url in targets(traps, "/e")
    )
    items.append(f"<item><title>{html.escape(SEED.title)}</title><link>{page}</link>{enclosures}</item>")
    inline = html.escape(trap_page(traps, "Inline").decode())
    items.append(entry("inline", f"<description>{inline}</description>"))
    site.add("/traps.xml", rss_of(items), RSS)
    entity = traps.urls("/entity")[0]
    site.add(
        "/entities.xml",
        rss_of(
            ["<item><title>&ext;</title><description>&ext;</description></item>"],
            f'<!DOCTYPE rss [<!ENTITY % dtd SYSTEM "{entity}">%dtd;<!ENTITY ext SYSTEM "{entity}">]>',
        ),
        RSS,
    )
    site.add(
        "/based.xml",
        (
            f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            f'xml:base="{traps.urls("/")[0]}"><title>Based</title><id>based</id>'
            '<entry><title>Relative</title><id>rel</id><link href="story"/></entry></feed>'
        ).encode(),
        ATOM,
    )
    moved = [site.redirect(f"/moved/{n}.xml", url) for n, url in enumerate(targets(traps, "/feed.xml"))]
    return [site.url("/traps.xml"), site.url("/entities.xml"), site.url("/based.xml"), *moved]


def assert_untouched(traps: Traps) -> None:
    """The traps accepted no connection and received no request."""
    assert (traps.connections, traps.requests) == (0, [])
