"""Typed reads of the log: its state tables' models (:data:`schemas.state.TABLES`) and a published
article by id."""

from __future__ import annotations

from schemas import Article
from schemas.state import TABLES
from streams import topics
from streams.log.interface import StoreReader

__all__ = ["TABLES", "read_article"]


def read_article(log: StoreReader, article_id: str) -> Article | None:
    """The article ``article_id`` as published on ``articles.raw``, or ``None``."""
    offset = log.article_offset(article_id)
    if offset is None:
        return None
    (record,) = log.read(topics.ARTICLES, offset, 1)
    return Article.loads(record.value)
