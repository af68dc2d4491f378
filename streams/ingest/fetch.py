"""Polite, bounded HTTP fetching: timeouts, retries with backoff, per-host limits, conditional GET.

Every connection goes through :class:`streams.ingest.safety.GuardedBackend`;
redirects are followed here, hop by hop, so each hop is checked and counted.
A fetch never raises for a network or HTTP problem: it returns a
:class:`FetchFailure` saying what went wrong and whether trying again may help.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import httpcore
import httpx

from streams.ingest.safety import BlockedAddress, GuardedBackend, Resolver, parse_networks, system_resolver

USER_AGENT = "Entente/0.1 (news event ingest)"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
ACCEPT_HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
ACCEPT_FEED = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1"


@dataclass(frozen=True)
class FetchPolicy:
    """How the fetcher behaves; ``allowed`` lists networks reachable although not public."""

    timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    per_host: int = 2
    max_connections: int = 50
    user_agent: str = USER_AGENT
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Validators:
    """What a server gave to make the next request conditional."""

    etag: str | None = None
    last_modified: str | None = None

    @property
    def known(self) -> bool:
        """Whether there is any validator to send."""
        return bool(self.etag or self.last_modified)

    def headers(self) -> dict[str, str]:
        """``If-None-Match`` / ``If-Modified-Since`` for the validators known."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class Fetched:
    """A successful response (``status`` 304 means unchanged since the validators sent)."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    validators: Validators
    fetched_at: dt.datetime

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class FetchFailure:
    """Why a fetch failed; ``transient`` failures are worth trying again later."""

    url: str
    reason: str
    transient: bool
    status: int | None = None
    excerpt: bytes = b""


class Refused(Exception):
    """A response the fetcher will not return (wrong type, too large, bad redirect)."""

    def __init__(self, reason: str, status: int | None = None, excerpt: bytes = b"") -> None:
        super().__init__(reason)
        self.reason, self.status, self.excerpt = reason, status, excerpt


async def _excerpt(rsp: httpx.Response, size: int = 512) -> bytes:
    """The first ``size`` bytes of a body, without reading the rest."""
    head = bytearray()
    async for chunk in rsp.aiter_bytes():
        head += chunk
        if len(head) >= size:
            break
    return bytes(head[:size])


async def check_location(rsp: httpx.Response) -> None:
    """Refuse a redirect to something that is no URL (httpx would report a connection error)."""
    if rsp.has_redirect_location:
        location = rsp.headers["Location"]
        try:
            rsp.request.url.join(location).host  # noqa: B018 -- decoding the host is the check
        except (httpx.InvalidURL, UnicodeError) as exc:
            raise Refused(f"malformed redirect to {location!r}: {exc}", rsp.status_code) from exc


def guarded_transport(backend: GuardedBackend, policy: FetchPolicy) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose connection pool opens connections only through ``backend``."""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx builds its pool without a way to pass a network backend; replace it with one that has ours.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=policy.max_connections,
        max_keepalive_connections=policy.max_connections,
        keepalive_expiry=5.0,
        network_backend=backend,
    )
    return transport


class Fetcher:
    """An async HTTP client for feeds and pages; use as ``async with Fetcher(policy) as f``."""

    def __init__(self, policy: FetchPolicy | None = None, resolver: Resolver = system_resolver) -> None:
        self.policy = policy or FetchPolicy()
        backend = GuardedBackend(resolver, parse_networks(self.policy.allowed))
        self._client = httpx.AsyncClient(
            transport=guarded_transport(backend, self.policy),
            timeout=self.policy.timeout,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": self.policy.user_agent},
            event_hooks={"response": [check_location]},
        )
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.policy.per_host)
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._client.aclose()

    async def get(
        self, url: str, *, html_only: bool = False, validators: Validators | None = None
    ) -> Fetched | FetchFailure:
        """GET ``url``, retrying transient failures with exponential backoff."""
        attempt = 0
        while True:
            result = await self._attempt(url, html_only, validators or Validators())
            if isinstance(result, Fetched) or not result.transient or attempt >= self.policy.retries:
                return result
            await asyncio.sleep(self.policy.backoff * 2**attempt)
            attempt += 1

    async def _attempt(self, url: str, html_only: bool, validators: Validators) -> Fetched | FetchFailure:
        """One try: follow redirects hop by hop (each within the host's limit and the timeout)."""
        headers = {"Accept": ACCEPT_HTML if html_only else ACCEPT_FEED, **validators.headers()}
        visited: list[str] = []
        current = url
        try:
            while True:
                host = self._check_hop(current, visited)
                visited.append(current)
                async with self._hosts[host], asyncio.timeout(self.policy.timeout):
                    result = await self._hop(url, current, headers, html_only)
                if not isinstance(result, str):
                    return result
                current = result
        except Refused as exc:
            return FetchFailure(url, exc.reason, transient=False, status=exc.status, excerpt=exc.excerpt)
        except (httpx.InvalidURL, UnicodeError) as exc:  # httpx's URL parsing, IDNA included
            return FetchFailure(url, f"malformed URL {current!r}: {exc}", transient=False)
        except BlockedAddress as exc:
            return FetchFailure(url, str(exc), transient=False)
        except (TimeoutError, httpx.TimeoutException):
            return FetchFailure(url, f"timed out after {self.policy.timeout:g}s", transient=True)
        except httpx.HTTPError as exc:
            return FetchFailure(url, f"connection failed: {type(exc).__name__}: {exc}", transient=True)

    async def _hop(
        self, url: str, current: str, headers: dict[str, str], html_only: bool
    ) -> Fetched | FetchFailure | str:
        """The response at ``current``, or the URL it redirects to."""
        async with self._client.stream("GET", current, headers=headers) as rsp:
            if rsp.next_request is not None:
                return str(rsp.next_request.url)
            return await self._read(url, rsp, html_only)

    def _check_hop(self, url: str, visited: list[str]) -> str:
        """The host of the next hop, or :class:`Refused` for a loop, too many hops or a bad scheme
        (``httpx.InvalidURL`` for a malformed URL; the host itself is checked when connecting)."""
        parts = httpx.URL(url)
        if parts.scheme not in ("http", "https") or not parts.host:
            raise Refused(f"unsupported URL {url!r}")
        if parts.port is not None and not 0 < parts.port < 65536:
            raise Refused(f"malformed URL {url!r}: port {parts.port} out of range")
        if url in visited:
            raise Refused(f"redirect loop at {url}")
        if len(visited) > self.policy.max_redirects:
            raise Refused(f"too many redirects (over {self.policy.max_redirects})")
        return parts.raw_host.decode("ascii")

    async def _read(self, url: str, rsp: httpx.Response, html_only: bool) -> Fetched | FetchFailure:
        """The response as :class:`Fetched`, or why it is not acceptable."""
        status = rsp.status_code
        content_type = rsp.headers.get("content-type", "").split(";")[0].strip().lower()
        validators = Validators(rsp.headers.get("etag"), rsp.headers.get("last-modified"))
        if 300 <= status < 400 and status != 304:
            raise Refused(f"HTTP {status} without a usable Location", status)
        if status >= 400:
            transient = status >= 500 or status in (408, 429)
            return FetchFailure(url, f"HTTP {status}", transient, status, await _excerpt(rsp))
        if html_only and content_type and content_type not in HTML_TYPES:
            raise Refused(f"not HTML (content type {content_type})", status)
        limit = self.policy.max_bytes
        declared = rsp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise Refused(f"too large ({declared} bytes > {limit})", status)
        body = bytearray()
        async for chunk in rsp.aiter_bytes():
            body += chunk
            if len(body) > limit:
                raise Refused(f"too large (over {limit} bytes)", status, bytes(body[:512]))
        return Fetched(
            url=url,
            final_url=str(rsp.url),
            status=status,
            content_type=content_type,
            body=bytes(body),
            validators=validators,
            fetched_at=dt.datetime.now(dt.UTC),
        )
