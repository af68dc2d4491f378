"""Typed reads of the log: its state tables' models and a published article by id."""

from __future__ import annotations

from schemas import AllianceState, Article, ZoneState
from streams import topics
from streams.log.interface import StoreReader

TABLES: dict[str, type[AllianceState | ZoneState]] = {"alliances": AllianceState, "zones": ZoneState}
"""The model of each state table's rows."""


def read_article(log: StoreReader, article_id: str) -> Article | None:
    """The article ``article_id`` as published on ``articles.raw``, or ``None``."""
    offset = log.article_offset(article_id)
    if offset is None:
        return None
    (record,) = log.read(topics.ARTICLES, offset, 1)
    return Article.loads(record.value)
