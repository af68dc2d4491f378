"""A local news site for ingest tests: an HTTP server on loopback, in a thread of the test process.

Routes are plain data that a test changes between polls (a feed gains an
entry, a broken feed is repaired). The server honours ``If-None-Match`` and
``If-Modified-Since``, can delay a response, and records every request and
the most requests it served at once. The page and feed builders wrap the seed
texts in realistic chrome (navigation, related links, scripts, a cookie
banner) whose every phrase is listed in :data:`CHROME`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds" / "seeds.jsonl"

CHROME = (
    "We use cookies to improve your experience",
    "Accept all cookies",
    "Frontpage",
    "Weather Centre",
    "Related stories",
    "Markets rally after surprise rate decision",
    "Sign up for the Morning Briefing",
    "All rights reserved",
    "dataLayer",
    "console.log",
)
"""Every phrase of the page chrome: none may reach an article's text."""

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml"
ATOM = "application/atom+xml"


@dataclass(frozen=True)
class Seed:
    """A seed article split into its headline and body paragraphs."""

    id: str
    title: str
    paragraphs: tuple[str, ...]


def seeds() -> list[Seed]:
    """The seed articles (their text starts with the headline line)."""
    out = []
    for line in SEEDS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        lines = [part.strip() for part in record["text"].split("\n") if part.strip()]
        body = lines[1:] if lines[0] == record["title"] else lines
        out.append(Seed(record["id"], record["title"], tuple(body)))
    return out


def article_page(
    title: str,
    paragraphs: tuple[str, ...] | list[str],
    *,
    published: dt.datetime | None = None,
    author: str = "Dana Reyes",
    site: str = "The Morning Ledger",
) -> bytes:
    """A news page: the article between navigation, a cookie banner, related links, scripts and a footer."""
    esc = html.escape
    meta = f'<meta property="article:published_time" content="{published.isoformat()}">' if published else ""
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{esc(title)} | {esc(site)}</title>
<meta property="og:title" content="{esc(title)}">
<meta property="og:site_name" content="{esc(site)}">
<meta name="author" content="{esc(author)}">
{meta}
<script>window.dataLayer = window.dataLayer || []; console.log("analytics ready");</script>
<style>.banner {{ position: fixed; bottom: 0; }}</style>
</head><body>
<div id="cookie-banner" class="cookie-consent banner">
  <p>We use cookies to improve your experience on our site.</p>
  <button>Accept all cookies</button><button>Manage preferences</button>
</div>
<header><nav class="main-nav"><ul>
  <li><a href="/">Frontpage</a></li><li><a href="/weather">Weather Centre</a></li>
  <li><a href="/opinion">Opinion</a></li><li><a href="/video">Video</a></li>
</ul></nav></header>
<main>
<article class="story">
  <h1>{esc(title)}</h1>
  <p class="byline">By {esc(author)}</p>
  {body}
</article>
<aside class="related"><h2>Related stories</h2><ul>
  <li><a href="/markets">Markets rally after surprise rate decision</a></li>
  <li><a href="/coast">Heatwave grips the southern coast for a third week</a></li>
</ul></aside>
<section class="newsletter"><p>Sign up for the Morning Briefing, every weekday at six.</p></section>
</main>
<footer><p>&copy; {esc(site)}. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
<script>document.querySelector("#cookie-banner button").onclick = () => console.log("ok");</script>
</body></html>
"""
    return page.encode("utf-8")


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed."""

    title: str
    link: str
    published: dt.datetime
    guid: str | None = None


def rss(title: str, link: str, items: list[FeedItem]) -> bytes:
    """An RSS 2.0 document."""
    esc = html.escape
    entries = "".join(
        f"<item><title>{esc(item.title)}</title><link>{esc(item.link)}</link>"
        f"<guid>{esc(item.guid or item.link)}</guid>"
        f"<pubDate>{email.utils.format_datetime(item.published)}</pubDate></item>"
        for item in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{esc(title)}</title>'
        f"<link>{esc(link)}</link><description>News</description>{entries}</channel></rss>"
    ).encode()


def atom(title: str, link: str, items: list[FeedItem]) -> bytes:
    """An Atom 1.0 document."""
    esc = html.escape
    entries = "".join(
        f'<entry><title>{esc(item.title)}</title><link href="{esc(item.link)}"/>'
        f"<id>{esc(item.guid or item.link)}</id><updated>{item.published.isoformat()}</updated></entry>"
        for item in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>{esc(title)}</title><id>{esc(link)}</id><link href="{esc(link)}"/>'
        f"<updated>2019-01-01T00:00:00Z</updated>{entries}</feed>"
    ).encode()


@dataclass
class Route:
    """What one path answers; ``etag`` / ``last_modified`` make the server honour conditional GETs."""

    body: bytes = b""
    content_type: str = HTML
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    """Answer HTTP 500 this many times before answering normally."""


class QuietServer(ThreadingHTTPServer):
    """A threading server that counts the connections it accepts and does not print a client hanging up
    early (as the fetcher does on purpose)."""

    daemon_threads = True
    connections = 0

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.connections += 1
        return True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class QuietServer6(QuietServer):
    """:class:`QuietServer` on an IPv6 address."""

    address_family = socket.AF_INET6


@dataclass(frozen=True)
class Request:
    """A request the server received."""

    path: str
    headers: dict[str, str]


class Site:
    """The server: ``with Site() as site: site.add("/feed", rss(...), RSS)``; ``site.url("/feed")``.

    ``host`` is any loopback address, IPv4 or IPv6 (``::1``).
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.most_at_once = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        self._server = (QuietServer6 if ":" in host else QuietServer)((host, 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def host(self) -> str:
        """The address served, as written in a URL (``127.0.0.1``, ``[::1]``)."""
        host = str(self._server.server_address[0])
        return f"[{host}]" if ":" in host else host

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def connections(self) -> int:
        """How many connections the server accepted."""
        return self._server.connections

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def add(
        self,
        path: str,
        body: bytes = b"",
        content_type: str = HTML,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        etag: str | None = None,
        last_modified: str | None = None,
        failures: int = 0,
    ) -> str:
        """Serve ``body`` at ``path`` (see :class:`Route` for the options); return its URL."""
        self.routes[path] = Route(
            body, content_type, status, headers or {}, delay, etag, last_modified, failures
        )
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        """Answer ``path`` with a redirect to ``to``; return its URL."""
        return self.add(path, status=status, headers={"Location": to})

    def hits(self, path: str) -> list[Request]:
        """The requests received for ``path``."""
        return [request for request in self.requests if request.path == path]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        with self._lock:
            self.requests.append(Request(path, {k.lower(): v for k, v in handler.headers.items()}))
            self._in_flight += 1
            self.most_at_once = max(self.most_at_once, self._in_flight)
        try:
            route = self.routes.get(path) or self.routes.get(path.split("?")[0])
            if route is None:
                self._send(handler, 404, {"Content-Type": "text/plain"}, b"not found")
                return
            if route.delay:
                time.sleep(route.delay)
            if route.failures > 0:
                route.failures -= 1
                self._send(handler, 500, {"Content-Type": "text/plain"}, b"internal error")
                return
            headers = {"Content-Type": route.content_type, **route.headers}
            if route.etag:
                headers["ETag"] = route.etag
            if route.last_modified:
                headers["Last-Modified"] = route.last_modified
            unchanged = (route.etag and handler.headers.get("If-None-Match") == route.etag) or (
                route.last_modified and handler.headers.get("If-Modified-Since") == route.last_modified
            )
            if unchanged:
                self._send(handler, 304, headers, b"")
            else:
                self._send(handler, route.status, headers, route.body)
        finally:
            with self._lock:
                self._in_flight -= 1

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value.encode("utf-8").decode("latin-1"))  # a UTF-8 Location as sent
        if status != 304:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if status != 304:
            handler.wfile.write(body)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site._answer(self)

            def log_message(self, format: str, *args: object) -> None:
                """Keep the test output quiet."""

        return Handler


def publish_seeds(site: Site, outlet: str, items: list[tuple[Seed, dt.datetime]]) -> list[FeedItem]:
    """Serve each seed as a page at ``/<outlet>/<seed id>``; return the feed items linking to them."""
    entries = []
    for seed, published in items:
        link = site.add(
            f"/{outlet}/{seed.id}",
            article_page(seed.title, seed.paragraphs, published=published, site=outlet.title()),
        )
        entries.append(FeedItem(seed.title, link, published + dt.timedelta(days=1)))
    return entries


def iter_paragraphs(seed: Seed) -> Iterator[str]:
    """The seed's body paragraphs long enough to identify it."""
    return (paragraph for paragraph in seed.paragraphs if len(paragraph) > 40)
