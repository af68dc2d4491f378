"""Topic names and the keys records are partitioned by."""

from __future__ import annotations

ARTICLES = "articles.raw"
EVENTS = "events"
CHANGES = "state.changes"
DLQ = "articles.dlq"

ALL = (ARTICLES, EVENTS, CHANGES, DLQ)
