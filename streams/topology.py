"""The one topology both runtimes run.

    articles.raw ──extract──▶ events ──reduce──▶ state tables ──▶ state.changes
         │
         └──(bad records)──▶ articles.dlq

Stage names double as consumer-group names of the embedded log.
"""

from __future__ import annotations

from dataclasses import dataclass

from streams import topics


@dataclass(frozen=True)
class Stage:
    """One processing step: reads ``source``, writes ``sinks``."""

    name: str
    source: str
    sinks: tuple[str, ...]


EXTRACT = Stage("extract", topics.ARTICLES, (topics.EVENTS, topics.DLQ))
REDUCE = Stage("reduce", topics.EVENTS, (topics.CHANGES,))
STAGES = (EXTRACT, REDUCE)
