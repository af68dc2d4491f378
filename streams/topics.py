"""Topic names and the keys records are partitioned by."""

from __future__ import annotations

ARTICLES = "articles.raw"
EVENTS = "events"
EVENTS_BY_ROW = "events.by-row"
CHANGES = "state.changes"
CORRECTIONS = "corrections"
"""The corrections of the record (:class:`~schemas.correction.Correction`), in the order made."""
DLQ = "articles.dlq"
DLQ_REPLAYED = "articles.dlq.replayed"
"""The offsets of ``articles.dlq`` replayed (:mod:`streams.dlq`), one record each, keyed by the offset."""

ALL = (ARTICLES, EVENTS, CHANGES, DLQ, CORRECTIONS)
"""The topics a reader sees; ``events.by-row`` is the stages' own (:data:`streams.topology.ROUTE`)."""
