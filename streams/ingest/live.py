"""Live news: poll feeds, fetch the pages they link to (or pages named directly), each story once.

One round polls every feed that is due, concurrently, then fetches the new
entries' pages, then admits the articles one by one in feed order (so the
first copy of a wire story is the same on every run). A round's state is
staged in memory and committed, in one short transaction of the data directory's
log, only after its items are published, so no write lock is held while pages
are fetched::

    items = await live.poll(feeds)   # 1. fetch, extract, dedupe (staged)
    publish(items)                   # 2. put them on articles.raw
    live.commit()                    # 3. remember URLs, hashes, entries, validators

A crash between 2 and 3 re-fetches the round's entries on the next run, and
the runtime ignores the articles it already has; nothing is lost.

A feed that fails (timeout, HTTP error, not a feed, redirect loop) is
reported and tried again after a backoff that doubles with each failure,
while the other feeds go on. A page that fails transiently is tried again
next round; one that can never become an article is a dead letter.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

from schemas import Article, DeadLetter
from streams.ingest.dedupe import DedupeIndex, Verdict
from streams.ingest.feeds import Entry, FeedRecord, FeedState, parse_feed
from streams.ingest.fetch import Fetcher, FetchFailure, FetchPolicy
from streams.ingest.files import Item
from streams.ingest.html import HTML_SUFFIXES, Origin, article_from_html
from streams.ingest.safety import Resolver, system_resolver
from streams.log import Log
from streams.log.staged import commit
from streams.signals import stop_on_signals

Clock = Callable[[], dt.datetime]
Publish = Callable[[list[Item]], object]
ERRORS_KEPT = 100


def utc_now() -> dt.datetime:
    """The current time, in UTC."""
    return dt.datetime.now(dt.UTC)


@dataclass
class Progress:
    """Running counts of a live ingest, handed to the progress callback after each step."""

    rounds: int = 0
    feeds_polled: int = 0
    feeds_unchanged: int = 0
    feeds_failed: int = 0
    feeds_waiting: int = 0
    new: int = 0
    copies: int = 0
    duplicates: int = 0
    failures: int = 0
    rejected: int = 0
    errors: deque[str] = field(default_factory=lambda: deque(maxlen=ERRORS_KEPT))

    def line(self) -> str:
        """One line for a progress display."""
        return (
            f"{self.feeds_polled} feeds polled ({self.feeds_failed} failed), {self.new} new, "
            f"{self.copies} copies, {self.duplicates} duplicates, {self.failures} failures"
        )

    def as_dict(self) -> dict[str, object]:
        """The summary printed by ``--json``."""
        counts: dict[str, object] = {
            name: value for name, value in vars(self).items() if isinstance(value, int)
        }
        return {**counts, "errors": list(self.errors)}


@dataclass(frozen=True)
class Pending:
    """A page's outcome before admission: ``feed`` and ``key`` name the entry it came from.

    A :class:`FetchFailure` here is always transient; the others became dead letters.
    """

    link: str | None
    result: Article | DeadLetter | FetchFailure
    feed: str | None = None
    key: str | None = None

    @property
    def input(self) -> str:
        """Where the outcome came from: the page's link, else ``feed#entry``."""
        return self.link or f"{self.feed}#{self.key}"


class LiveIngest:
    """Feeds and pages over HTTP, with their state in the log of ``data_dir`` (the near-duplicate
    index and the feed state), whichever runtime publishes the articles."""

    def __init__(
        self,
        data_dir: Path,
        policy: FetchPolicy | None = None,
        *,
        resolver: Resolver = system_resolver,
        on_progress: Callable[[Progress], None] | None = None,
        clock: Clock = utc_now,
        retry_base: float = 60.0,
        retry_cap: float = 3600.0,
    ) -> None:
        self.fetcher = Fetcher(policy, resolver)
        self.store = Log.open(data_dir)
        try:
            self.index = DedupeIndex(self.store)
        except BaseException:
            self.store.close()
            raise
        self.state = FeedState(self.store)
        self.progress = Progress()
        self._on_progress = on_progress
        self._clock = clock
        self._retry_base, self._retry_cap = retry_base, retry_cap

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.rollback()
        await self.fetcher.__aexit__(kind, exc, tb)
        self.store.close()

    def commit(self) -> None:
        """Make the last round durable, in one transaction; call it once its items are published."""
        commit(self.store, self.index, self.state)

    def rollback(self) -> None:
        """Forget the uncommitted round: its entries will be fetched again."""
        self.index.rollback()
        self.state.rollback()

    async def poll(self, feeds: Sequence[str]) -> list[Item]:
        """One round over the feeds that are due: new articles and dead letters, in feed order."""
        self.progress.rounds += 1
        now = self._clock()
        rounds = await asyncio.gather(*(self._poll_feed(url, now) for url in feeds))
        return self._admit(pending for feed in rounds for pending in feed)

    async def fetch_pages(self, urls: Sequence[str]) -> list[Item]:
        """The articles at ``urls``; URLs already ingested count as duplicates and are not fetched.

        No later round tries a page named directly again, so one that cannot be
        fetched, even for a passing reason, is a dead letter.
        """
        fresh = []
        for url in urls:
            if self.index.known_url(url) is None:
                fresh.append(url)
            else:
                self.progress.duplicates += 1
        return self._admit(await asyncio.gather(*(self._fetch_page(url, last_try=True) for url in fresh)))

    async def _poll_feed(self, url: str, now: dt.datetime) -> list[Pending]:
        record = self.state.get(url)
        if record.retry_at is not None and record.retry_at > now:
            self.progress.feeds_waiting += 1
            return []
        fetched = await self.fetcher.get(url, validators=record.validators)
        self.progress.feeds_polled += 1
        if isinstance(fetched, FetchFailure):
            return self._feed_failed(record, fetched.reason, now)
        if fetched.not_modified:
            validators = fetched.validators if fetched.validators.known else record.validators
            self.state.succeeded(url, now, validators, None)
            self.progress.feeds_unchanged += 1
            self._notify()
            return []
        feed = parse_feed(fetched.body, fetched.final_url)
        if isinstance(feed, str):
            return self._feed_failed(record, feed, now)
        self.state.succeeded(url, now, fetched.validators, feed.title)
        self.state.keep_only(url, [entry.key for entry in feed.entries])
        entries = []
        for entry in feed.entries:
            if self.state.seen(url, entry.key):
                continue
            if entry.link is not None and self.index.known_url(entry.link) is not None:
                self.progress.duplicates += 1
                self.state.mark_seen(url, entry.key)
            else:
                entries.append(entry)
        pages = await asyncio.gather(*(self._entry_page(url, feed.title, entry) for entry in entries))
        self._notify()
        return list(pages)

    def _feed_failed(self, record: FeedRecord, reason: str, now: dt.datetime) -> list[Pending]:
        delay = min(self._retry_base * 2**record.failures, self._retry_cap)
        self.state.failed(record.url, now, reason, now + dt.timedelta(seconds=delay))
        self.progress.feeds_failed += 1
        self.progress.errors.append(f"feed {record.url}: {reason} (next try in {delay:g}s)")
        self._notify()
        return []

    async def _entry_page(self, feed: str, feed_title: str | None, entry: Entry) -> Pending:
        origin = Origin(feed=feed, feed_title=feed_title, feed_date=entry.published, entry_title=entry.title)
        if entry.link is None:
            input = f"{feed}#{entry.key}"
            if not entry.content:
                dead = DeadLetter.of(input, "feed entry has neither link nor content")
                return Pending(None, dead, feed, entry.key)
            return Pending(None, article_from_html(entry.content, input, origin), feed, entry.key)
        return await self._fetch_page(entry.link, origin, entry.key)

    async def _fetch_page(
        self, link: str, origin: Origin | None = None, key: str | None = None, *, last_try: bool = False
    ) -> Pending:
        """The page at ``link``; a transient failure stays one (to retry) unless this is the ``last_try``."""
        origin = origin or Origin()
        fetched = await self.fetcher.get(link, html_only=True)
        if isinstance(fetched, FetchFailure):
            result: Article | DeadLetter | FetchFailure = fetched
            if last_try or not fetched.transient:
                result = DeadLetter.of(link, fetched.reason, fetched.excerpt)
            return Pending(link, result, origin.feed, key)
        origin = dataclasses.replace(
            origin, url=fetched.final_url, fetched_at=fetched.fetched_at, http_status=fetched.status
        )
        # Extraction takes milliseconds of CPU: off the event loop, so other fetches' timeouts keep true time.
        article = await asyncio.to_thread(article_from_html, fetched.body, link, origin)
        return Pending(link, article, origin.feed, key)

    def _admit(self, pending: Iterable[Pending]) -> list[Item]:
        """Admit each outcome in order; failed fetches stay unmarked so they are tried again."""
        items: list[Item] = []
        for page in pending:
            result = page.result
            if isinstance(result, FetchFailure):
                self.progress.failures += 1
                self.progress.errors.append(f"page {page.link}: {result.reason}")
                continue
            if isinstance(result, DeadLetter):
                self.progress.rejected += 1
                items.append((result.input, result))
            else:
                verdict = self._count(self.index.admit(result, (page.link,) if page.link else ()))
                if verdict.kind != "duplicate":
                    items.append((page.input, verdict.article))
            if page.feed is not None and page.key is not None:
                self.state.mark_seen(page.feed, page.key)
        self._notify()
        return items

    def _count(self, verdict: Verdict) -> Verdict:
        if verdict.kind == "new":
            self.progress.new += 1
        elif verdict.kind == "copy":
            self.progress.copies += 1
        else:
            self.progress.duplicates += 1
        return verdict

    def _notify(self) -> None:
        if self._on_progress is not None:
            self._on_progress(self.progress)


async def follow(
    live: LiveIngest,
    feeds: Sequence[str],
    publish: Publish,
    interval: float | None = None,
    stop: asyncio.Event | None = None,
) -> Progress:
    """Poll ``feeds`` once, or every ``interval`` seconds until ``stop`` is set; publish each round."""
    stop = stop or asyncio.Event()
    while True:
        items = await live.poll(feeds)
        publish(items)
        live.commit()
        if interval is None:
            return live.progress
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
        if stop.is_set():
            return live.progress


def follow_feeds(
    data_dir: Path,
    feeds: Sequence[str],
    publish: Publish,
    *,
    interval: float | None = None,
    max_bytes: int = FetchPolicy.max_bytes,
    allowed: Sequence[str] = (),
    on_progress: Callable[[Progress], None] | None = None,
) -> Progress:
    """Blocking :func:`follow` for the CLI; SIGINT or SIGTERM ends it after the current round.

    ``allowed`` lists the networks (CIDR) that may be fetched from although not public.
    """

    async def run() -> Progress:
        stop = stop_on_signals()
        policy = FetchPolicy(max_bytes=max_bytes, allowed=tuple(allowed))
        async with LiveIngest(data_dir, policy, on_progress=on_progress) as live:
            return await follow(live, feeds, publish, interval, stop)

    return asyncio.run(run())


def is_url(path: str) -> bool:
    """Whether a command-line input is the ``http(s)://`` URL of a page."""
    return path.startswith(("http://", "https://"))


def is_saved_page(path: str) -> bool:
    """Whether a command-line input is a saved page: a ``.html`` file (read by
    :func:`~streams.ingest.html.read_html_file`, ingested as files are)."""
    return not is_url(path) and Path(path).suffix.lower() in HTML_SUFFIXES


def ingest_pages(
    data_dir: Path,
    urls: Sequence[str],
    publish: Publish,
    *,
    max_bytes: int,
    allowed: Sequence[str] = (),
) -> Progress:
    """Fetch the pages at ``urls``, de-duplicated; publish; commit.

    ``allowed`` lists the networks (CIDR) that may be fetched from although not public.
    """

    async def run() -> Progress:
        policy = FetchPolicy(max_bytes=max_bytes, allowed=tuple(allowed))
        async with LiveIngest(data_dir, policy) as live:
            items = await live.fetch_pages(urls)
            publish(items)
            live.commit()
            return live.progress

    return asyncio.run(run())
