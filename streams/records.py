"""Records of either log (the embedded one, Kafka's): decoding them, and where a reader starts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from schemas.article import Article
from schemas.base import Message
from schemas.event import Event

M = TypeVar("M", bound=Message)


class Valued(Protocol):
    """A record of either log: what it holds."""

    @property
    def value(self) -> bytes | None: ...


R = TypeVar("R", bound=Valued)
E = TypeVar("E", Article, Event)


def decoded(records: Iterable[R], model: type[M]) -> list[tuple[R, M]]:
    """The records that decode as ``model``, each with its message, in the order given.

    A record written in another shape (by a foreign producer, ``Runtime.publish_raw``) is left out:
    the stage that read it has put it on ``articles.dlq``.
    """
    out = []
    for record in records:
        try:
            out.append((record, model.loads(record.value)))
        except ValueError:
            continue
    return out


def start_position(committed: int | None, from_beginning: bool, end: int) -> int:
    """Where a subscriber starts: its group's committed position, else the first change or the next one."""
    if committed is not None:
        return committed
    return 0 if from_beginning else end


def first_of_each(items: Iterable[E]) -> list[E]:
    """``items`` in order, without the repeats of an id already seen."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            out.append(item)
    return out


def latest_versions(articles: Iterable[Article]) -> list[Article]:
    """Each article id once, as its latest version (a revision publishes it again), in the order the
    ids first came."""
    latest: dict[str, Article] = {}
    for article in articles:
        latest[article.id] = article
    return list(latest.values())
