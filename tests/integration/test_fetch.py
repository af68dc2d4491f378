"""The fetcher against a local server: limits, retries, redirects, conditional GET, address checks."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from schemas import Article, DeadLetter
from streams.config import Settings
from streams.ingest.fetch import Fetched, Fetcher, FetchFailure, FetchPolicy, Validators
from streams.ingest.files import Item
from streams.ingest.html import read_html_file
from streams.ingest.live import LiveIngest, ingest_pages, is_saved_page, is_url
from streams.ingest.safety import ANY_ADDRESS
from streams.runtime.embedded import EmbeddedRuntime
from streams.runtime.publish import ingest_items
from tests.support.http_site import Site, article_page, seeds

LOOPBACK = ("127.0.0.1/32",)
POLICY = FetchPolicy(timeout=1.0, retries=2, backoff=0.01, max_bytes=4096, allowed=LOOPBACK)


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as site:
        yield site


class StubResolver:
    """Names to addresses from a table, every lookup recorded; no real lookups."""

    def __init__(self, table: dict[str, Sequence[str]]) -> None:
        self.table, self.asked = table, []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.asked.append(host)
        return self.table[host]


async def get(
    url: str, policy: FetchPolicy = POLICY, html_only: bool = False, validators: Validators | None = None
) -> Fetched | FetchFailure:
    async with Fetcher(policy) as fetcher:
        return await fetcher.get(url, html_only=html_only, validators=validators)


async def test_a_page_is_fetched_with_entente_user_agent_through_redirects(site: Site) -> None:
    site.add("/story", b"<html><body><p>Hello.</p></body></html>")
    site.redirect("/old", site.url("/story"), status=301)
    result = await get(site.url("/old"), html_only=True)
    assert isinstance(result, Fetched)
    assert (result.status, result.final_url, result.content_type) == (200, site.url("/story"), "text/html")
    assert result.body.startswith(b"<html>")
    assert site.hits("/story")[0].headers["user-agent"].startswith("Entente/")


async def test_conditional_get_returns_not_modified(site: Site) -> None:
    site.add("/feed", b"<rss/>", "application/rss+xml", etag='"abc"')
    first = await get(site.url("/feed"))
    assert isinstance(first, Fetched) and first.validators == Validators('"abc"', None)
    second = await get(site.url("/feed"), validators=first.validators)
    assert isinstance(second, Fetched) and second.not_modified and second.body == b""


async def test_oversize_responses_are_refused_whether_declared_or_streamed(site: Site) -> None:
    site.add("/big", b"<p>" + b"x" * 10_000 + b"</p>")
    declared = await get(site.url("/big"))
    assert isinstance(declared, FetchFailure) and not declared.transient
    assert declared.reason == "too large (10007 bytes > 4096)"
    site.routes["/big"].headers["Transfer-Encoding"] = "chunked"  # no length: counted while read
    streamed = await get(site.url("/big"), FetchPolicy(max_bytes=4096, allowed=LOOPBACK))
    assert isinstance(streamed, FetchFailure) and "too large" in streamed.reason


async def test_non_html_is_refused_when_html_is_wanted(site: Site) -> None:
    site.add("/data.json", b"{}", "application/json")
    result = await get(site.url("/data.json"), html_only=True)
    assert isinstance(result, FetchFailure) and result.reason == "not HTML (content type application/json)"
    assert isinstance(await get(site.url("/data.json")), Fetched)


async def test_server_errors_are_retried_with_backoff_and_client_errors_are_not(site: Site) -> None:
    site.add("/flaky", b"<p>ok</p>", failures=2)
    result = await get(site.url("/flaky"))
    assert isinstance(result, Fetched) and len(site.hits("/flaky")) == 3
    missing = await get(site.url("/missing"))
    assert isinstance(missing, FetchFailure) and missing.reason == "HTTP 404" and not missing.transient
    assert len(site.hits("/missing")) == 1


async def test_a_timeout_is_transient_and_retried(site: Site) -> None:
    site.add("/slow", b"<p>late</p>", delay=2.0)
    result = await get(site.url("/slow"), FetchPolicy(timeout=0.2, retries=1, backoff=0.01, allowed=LOOPBACK))
    assert isinstance(result, FetchFailure) and result.transient and result.reason == "timed out after 0.2s"
    assert len(site.hits("/slow")) == 2


async def test_redirects_are_limited_and_loops_detected(site: Site) -> None:
    for hop in range(8):
        site.redirect(f"/hop{hop}", site.url(f"/hop{hop + 1}"))
    site.add("/hop8", b"<p>end</p>")
    far = await get(site.url("/hop0"), FetchPolicy(max_redirects=5, allowed=LOOPBACK))
    assert isinstance(far, FetchFailure) and far.reason == "too many redirects (over 5)"
    assert site.hits("/hop6") == []
    site.redirect("/self", site.url("/self"))
    loop = await get(site.url("/self"))
    assert isinstance(loop, FetchFailure) and loop.reason.startswith("redirect loop")


@pytest.mark.parametrize(
    "target",
    ["http://metadata.internal/latest/", "http://10.0.0.1/admin", "http://[::1]:9/", "http://sneaky.test/"],
)
async def test_a_redirect_to_a_private_address_is_refused_before_connecting(target: str) -> None:
    resolver = StubResolver({"metadata.internal": ["169.254.169.254"], "sneaky.test": ["127.0.0.1"]})
    with Site("127.0.0.2") as site:  # a loopback address of its own, so 127.0.0.1 stays refused
        site.redirect("/go", target)
        async with Fetcher(FetchPolicy(allowed=("127.0.0.2/32",), retries=0), resolver) as fetcher:
            result = await fetcher.get(site.url("/go"))
        assert [request.path for request in site.requests] == ["/go"]
    assert isinstance(result, FetchFailure) and not result.transient
    assert "blocked non-public address" in result.reason
    host = target.split("/")[2].split(":")[0].strip("[]")
    assert resolver.asked == ([host] if host.endswith(("internal", "test")) else [])


async def test_loopback_is_refused_unless_allowed(site: Site) -> None:
    site.add("/story", b"<p>x</p>")
    result = await get(site.url("/story"), FetchPolicy(retries=0))
    assert isinstance(result, FetchFailure) and "blocked non-public address 127.0.0.1" in result.reason
    assert site.requests == []


async def test_requests_to_one_host_are_limited(site: Site) -> None:
    for n in range(6):
        site.add(f"/p{n}", b"<p>x</p>", delay=0.15)
    async with Fetcher(FetchPolicy(per_host=2, allowed=LOOPBACK)) as fetcher:
        results = await asyncio.gather(*(fetcher.get(site.url(f"/p{n}")) for n in range(6)))
    assert all(isinstance(result, Fetched) for result in results)
    assert site.most_at_once == 2


async def test_urls_given_directly_become_articles_once(tmp_path: Path, site: Site) -> None:
    seed = seeds()[0]
    url = site.add("/news/story", article_page(seed.title, seed.paragraphs))
    pdf = site.add("/news/file.pdf", b"%PDF", "application/pdf")
    huge = site.add("/news/huge", b"<html><body>" + b"<p>word</p>" * 20_000 + b"</body></html>")
    async with LiveIngest(tmp_path, FetchPolicy(max_bytes=100_000, allowed=LOOPBACK)) as live:
        items = await live.fetch_pages([url, pdf, huge])
        live.commit()
        again = await live.fetch_pages([url + "?utm_campaign=x"])
    [(_, article), (pdf_origin, not_html), (huge_origin, too_large)] = items
    assert isinstance(article, Article) and article.title == seed.title and article.url == url
    assert isinstance(not_html, DeadLetter) and pdf_origin == pdf and "not HTML" in not_html.reason
    assert isinstance(too_large, DeadLetter) and huge_origin == huge
    assert too_large.reason == "too large (220026 bytes > 100000)"
    assert again == [] and live.progress.duplicates == 1


def test_pages_and_saved_files_from_the_command_line_are_ingested_once(tmp_path: Path, site: Site) -> None:
    first, second = seeds()[:2]
    url = site.add("/news/one", article_page(first.title, first.paragraphs))
    saved = tmp_path / "two.html"
    saved.write_bytes(article_page(second.title, second.paragraphs))
    home = tmp_path / "data"
    published: list[Item] = []
    with EmbeddedRuntime(home, Settings(home=home)) as runtime:
        progress = ingest_pages(home, [url], published.extend, max_bytes=1_000_000, allowed=ANY_ADDRESS)
        read = ingest_items(runtime, read_html_file(saved, 1_000_000))
        assert [item.title for _, item in published if isinstance(item, Article)] == [first.title]
        assert progress.new == 1 and (read.published, read.duplicates) == (1, 0)
        assert [article.title for article in runtime.articles()] == [second.title]
        again = ingest_pages(home, [url], published.extend, max_bytes=1_000_000)
        assert len(published) == 1 and again.duplicates == 1
        assert ingest_items(runtime, read_html_file(saved, 1_000_000)).duplicates == 1
    given = (url, str(saved), "notes.txt", "-")
    assert [(is_url(path), is_saved_page(path)) for path in given] == [
        (True, False),
        (False, True),
        (False, False),
        (False, False),
    ]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[::1/", "malformed URL 'http://[::1/': Invalid port"),
        ("http://a b/", "malformed host 'a%20b'"),
        ("http://１２７.０.０.１/", "malformed URL 'http://１２７.０.０.１/': Invalid IDNA hostname"),
        ("http://0177.0.0.1/", "malformed URL 'http://0177.0.0.1/': Invalid IPv4 address"),
        ("http://2130706433/", "malformed host '2130706433': a number that is not a dotted-quad address"),
        ("http://127.0.0.1:99999/", "malformed URL 'http://127.0.0.1:99999/': port 99999 out of range"),
        ("http://xn--/", "malformed URL 'http://xn--/'"),
    ],
)
async def test_a_malformed_url_is_a_one_line_failure_with_no_request(url: str, reason: str) -> None:
    resolver = StubResolver({})
    async with Fetcher(POLICY, resolver) as fetcher:
        result = await fetcher.get(url)
    assert isinstance(result, FetchFailure) and not result.transient
    assert result.reason.startswith(reason) and "\n" not in result.reason
    assert resolver.asked == []


async def test_a_redirect_to_no_url_is_refused_as_such(site: Site) -> None:
    site.redirect("/bad", "http://xn--/")
    result = await get(site.url("/bad"))
    assert isinstance(result, FetchFailure) and not result.transient
    assert result.reason.startswith("malformed redirect to 'http://xn--/'") and result.status == 302
