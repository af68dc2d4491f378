"""The indexes of an in-memory log (:mod:`streams.log.memory`): what :mod:`streams.log.sides`
keeps in SQLite tables, in dictionaries."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from streams.log.interface import AuditHead, FeedRow, RankedFact

K = TypeVar("K")
V = TypeVar("V")


@dataclass
class Sides:
    """The indexes every handle on one in-memory log shares."""

    audit: dict[tuple[str, str], tuple[AuditHead, list[RankedFact]]] = field(default_factory=dict)
    dedupe_format: str | None = None
    urls: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    sketches: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    """Each article's ``(root, signature)``, in the order they were stored."""
    buckets: dict[int, list[str]] = field(default_factory=dict)
    """The articles whose signature falls in each bucket."""
    feeds: dict[str, FeedRow] = field(default_factory=dict)
    entries: dict[str, set[str]] = field(default_factory=dict)


class MemorySideRows:
    """Queries of the indexes, each under the lock of the log's data."""

    _sides: Sides
    _lock: threading.RLock

    def audit_head(self, tbl: str, key: str) -> AuditHead | None:
        """The head of the page of ``tbl[key]``, if there is one."""
        with self._lock:
            found = self._sides.audit.get((tbl, key))
            return None if found is None else found[0]

    def audit_facts(self, tbl: str, key: str, limit: int | None = None) -> list[RankedFact]:
        """The first ``limit`` facts (all when ``None``) of the page of ``tbl[key]``, in rank order."""
        with self._lock:
            found = self._sides.audit.get((tbl, key))
            return [] if found is None else found[1][:limit]

    def dedupe_format(self) -> str | None:
        """How the stored signatures were made, if any were."""
        with self._lock:
            return self._sides.dedupe_format

    def url_article(self, url: str) -> str | None:
        """The article admitted from ``url``, if any."""
        with self._lock:
            return self._sides.urls.get(url)

    def text_article(self, digest: str) -> str | None:
        """The article admitted with the text hash ``digest``, if any."""
        with self._lock:
            return self._sides.texts.get(digest)

    def admitted(self, article_id: str) -> bool:
        """Whether an article of id ``article_id`` was admitted (as new, or as a copy)."""
        with self._lock:
            return article_id in self._sides.sketches

    def sketches_in(self, buckets: list[int]) -> list[tuple[str, bytes]]:
        """The ``(root, signature)`` of every stored signature in one of ``buckets``, in stored order."""
        with self._lock:
            found = {article for bucket in buckets for article in self._sides.buckets.get(bucket, ())}
            return [sketch for article, sketch in self._sides.sketches.items() if article in found]

    def feed(self, url: str) -> FeedRow | None:
        """What is kept of the feed ``url``, if it was ever polled."""
        with self._lock:
            return self._sides.feeds.get(url)

    def entry_seen(self, feed: str, key: str) -> bool:
        """Whether entry ``key`` of ``feed`` was handled."""
        with self._lock:
            return key in self._sides.entries.get(feed, ())


class MemorySideWrites(MemorySideRows):
    """Writes of the indexes, each with the step that undoes it."""

    undo: list[Callable[[], None]]

    def _restore(self, mapping: dict[K, V], key: K) -> None:
        """Remember how to put ``mapping[key]`` back as it is now."""
        if key in mapping:
            old = mapping[key]
            self.undo.append(lambda: mapping.__setitem__(key, old))
        else:
            self.undo.append(lambda: mapping.pop(key, None))

    def _put_new(self, mapping: dict[K, V], key: K, value: V) -> bool:
        """Set ``mapping[key]`` unless it is set; whether it was not."""
        if key in mapping:
            return False
        self._restore(mapping, key)
        mapping[key] = value
        return True

    def put_audit(self, tbl: str, key: str, head: AuditHead, facts: list[RankedFact]) -> None:
        """Replace the page of ``tbl[key]``."""
        self._restore(self._sides.audit, (tbl, key))
        self._sides.audit[(tbl, key)] = (head, list(facts))

    def clear_audit(self) -> None:
        """Forget every page."""
        pages = dict(self._sides.audit)
        self.undo.append(lambda: self._sides.audit.update(pages))
        self._sides.audit.clear()

    def set_dedupe_format(self, made_as: str) -> None:
        """Record how signatures are made (unless recorded already)."""
        if self._sides.dedupe_format is None:
            self.undo.append(lambda: setattr(self._sides, "dedupe_format", None))
            self._sides.dedupe_format = made_as

    def remember_urls(self, urls: Iterable[str], article_id: str) -> None:
        """Remember ``urls`` as ``article_id``'s, each unless remembered already."""
        for url in urls:
            self._put_new(self._sides.urls, url, article_id)

    def remember_text(self, digest: str, article_id: str) -> None:
        """Remember the text hash ``digest`` as ``article_id``'s, unless remembered already."""
        self._put_new(self._sides.texts, digest, article_id)

    def add_sketch(self, article_id: str, root: str, signature: bytes, buckets: list[int]) -> None:
        """Store ``article_id``'s signature in ``buckets``, a copy of ``root`` (no-op when stored)."""
        if self._put_new(self._sides.sketches, article_id, (root, bytes(signature))):
            for bucket in dict.fromkeys(buckets):
                held = self._sides.buckets.setdefault(bucket, [])
                held.append(article_id)
                self.undo.append(held.pop)

    def put_feed(self, url: str, row: FeedRow) -> None:
        """Insert or replace what is kept of the feed ``url``."""
        self._restore(self._sides.feeds, url)
        self._sides.feeds[url] = row

    def mark_seen(self, feed: str, key: str) -> None:
        """Remember that entry ``key`` of ``feed`` was handled."""
        held = self._sides.entries.setdefault(feed, set())
        if key not in held:
            held.add(key)
            self.undo.append(lambda: held.discard(key))

    def keep_entries(self, feed: str, keys: Collection[str]) -> None:
        """Forget the entries of ``feed`` not in ``keys``."""
        held = self._sides.entries.get(feed, set())
        gone = {key for key in held if key not in keys}
        held -= gone
        self.undo.append(lambda: held.update(gone))
