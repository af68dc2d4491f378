"""Publishing what the readers of :mod:`streams.ingest` yield, through either runtime, in batches.

Every ingestion path (files, standard input, ``POST /articles``, on either runtime) goes through
:func:`ingest_items`, which checks each article against the data directory's near-duplicate
index (:class:`~streams.ingest.dedupe.DedupeIndex`) as the feeds do: a URL or text seen before
is a duplicate and is dropped, a near-duplicate is published as a mention of the first copy, and
a URL seen before with a new text is a new version of its article
(:meth:`~streams.runtime.base.Runtime.revise`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from schemas import Article, DeadLetter
from streams import handlers
from streams.ingest import Item
from streams.ingest.dedupe import DedupeIndex, Verdict
from streams.runtime.base import Runtime

BATCH = 500


@dataclass
class IngestSummary:
    """What one ingest did with its inputs; ``copies`` counts the published near-duplicates."""

    read: int = 0
    published: int = 0
    copies: int = 0
    duplicates: int = 0
    rejected: list[DeadLetter] = field(default_factory=list)

    def add(self, other: IngestSummary) -> None:
        """Fold another summary into this one."""
        self.read += other.read
        self.published += other.published
        self.copies += other.copies
        self.duplicates += other.duplicates
        self.rejected.extend(other.rejected)

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "published": self.published,
            "copies": self.copies,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
            "errors": [dl.line() for dl in self.rejected],
        }


def ingest_items(
    runtime: Runtime, items: Iterable[Item], on_read: Callable[[IngestSummary], None] | None = None
) -> IngestSummary:
    """:func:`publish_items` checked against the data directory's near-duplicate index."""
    with runtime.dedupe_index() as index:
        return publish_items(runtime, items, on_read, index)


def publish_items(
    runtime: Runtime,
    items: Iterable[Item],
    on_read: Callable[[IngestSummary], None] | None = None,
    index: DedupeIndex | None = None,
) -> IngestSummary:
    """Publish every article to ``articles.raw`` in batches; dead letters go to ``articles.dlq``.

    With ``index``, each article the runtime would accept is admitted first (duplicates dropped,
    copies linked to the first article of their story), and a batch's admissions commit once it
    is published; without, the items were admitted already (feeds, pages). ``on_read`` is told
    the summary so far after each item read.
    """
    summary = IngestSummary()
    batch: list[tuple[str, bytes]] = []

    def flush() -> None:
        result = runtime.publish_articles(batch)
        summary.published += result.published + result.revised
        summary.duplicates += result.duplicates
        summary.rejected.extend(result.dead_letters)
        batch.clear()
        if index is not None:
            index.commit()

    for origin, item in items:
        summary.read += 1
        if index is not None and isinstance(item, Article):
            item = admitted(runtime, index, origin, item, summary)
        if isinstance(item, Verdict):  # a new version of an article, published after those before it
            flush()
            item = runtime.revise(origin, item.article)
            summary.published += item is None
        if isinstance(item, DeadLetter):
            runtime.publish_dead_letter(item)
            summary.rejected.append(item)
        elif item is not None:
            batch.append((origin, item.dumps()))
            if len(batch) >= BATCH:
                flush()
        if on_read is not None:
            on_read(summary)
    if batch:
        flush()
    return summary


def admitted(
    runtime: Runtime, index: DedupeIndex, origin: str, article: Article, summary: IngestSummary
) -> Article | DeadLetter | Verdict | None:
    """``article`` as it is to be published (``copy_of`` set on a copy), the dead letter the runtime
    would make of it, the verdict of a new version of an article, or ``None`` for a duplicate;
    counted in ``summary``.

    The runtime's check comes first, so the index never remembers an article that is not published.
    """
    value = article.dumps()
    checked = handlers.decode_article(
        value, origin, runtime.settings.max_article_bytes, dt.datetime.now(dt.UTC)
    )
    if isinstance(checked, DeadLetter):
        return checked
    verdict = index.admit(article)
    if verdict.kind == "duplicate":
        summary.duplicates += 1
        return None
    if verdict.kind == "revision":
        return verdict
    summary.copies += verdict.kind == "copy"
    return verdict.article
