"""The one topology both runtimes run: each stage names its source, its handler, how it keys its
output and every topic it writes, dead letters included.

    articles.raw ──extract──▶ events ──route──▶ events.by-row ──reduce──▶ state tables ──▶ state.changes
         │                      │                     │
         └────────── bad records (any stage) ─────────┴──────────▶ articles.dlq
    corrections ──correct──▶ events.by-row (the rows each correction concerns) ──reduce──▶ ...

``correct`` sends each correction (:mod:`agents.reduce.corrections`) to the rows it concerns, where
the reduce step builds the row again without the facts it takes out; on the embedded log, one
partition a topic, it applies the correction to the rows itself (as the reduce of its records).

``route`` re-keys each event by the rows it touches (``alliances:A|B``, ``zones:Z``), so that on
Kafka every record of a row reaches the partition, and the worker, that holds the row. The embedded
log has one partition a topic: there re-keying moves no record, so the embedded runtime runs a
re-keying stage as the identity: it reads the stage's sink as its source (:func:`log_topic`), and
the reduce stage reads ``events`` itself.

Both runtimes wire themselves by looping over :data:`STAGES` and running each stage's handler their
own way (:mod:`streams.runtime.embedded`, :mod:`streams.kafka.app`). Stage names double as
consumer-group names of the embedded log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from streams import handlers, topics


class Key(StrEnum):
    """What a stage's output records are keyed by, so what they are partitioned by."""

    ARTICLE = "article"
    """The article id: an article's events on one partition, in the order extracted, so that a row
    receives the events of an article in that order on every runtime."""
    ROW = "row"
    """The state row, ``table:key``: every record of a row on the partition of the row."""


@dataclass(frozen=True)
class Stage:
    """One processing step: reads ``source``, runs ``handler`` (step code of :mod:`streams.handlers`),
    writes ``output`` keyed by ``keyed_by`` and its rejections to ``dead_letters``."""

    name: str
    source: str
    handler: Callable[..., Any]
    output: str
    keyed_by: Key
    dead_letters: str = topics.DLQ
    rekeys: bool = False
    """Whether ``output`` holds the records of ``source`` keyed anew, and nothing else."""

    @property
    def sinks(self) -> tuple[str, str]:
        """Every topic the stage writes."""
        return self.output, self.dead_letters


EXTRACT = Stage("extract", topics.ARTICLES, handlers.extract_articles, topics.EVENTS, Key.ARTICLE)
ROUTE = Stage("route", topics.EVENTS, handlers.route_event, topics.EVENTS_BY_ROW, Key.ROW, rekeys=True)
REDUCE = Stage("reduce", topics.EVENTS_BY_ROW, handlers.reduce_row, topics.CHANGES, Key.ROW)
CORRECT = Stage("correct", topics.CORRECTIONS, handlers.correction_rows, topics.EVENTS_BY_ROW, Key.ROW)
PIPELINE = (EXTRACT, ROUTE, REDUCE)
"""The stages an article goes through, each reading what the one before writes."""
STAGES = (EXTRACT, ROUTE, CORRECT, REDUCE)
"""Every stage, each before those that read what it writes (the order lags are measured in)."""


def log_topic(topic: str) -> str:
    """Where a log of one partition a topic keeps the records of ``topic``: the source of the
    re-keying stage that writes it, if one does, else ``topic`` itself."""
    for stage in STAGES:
        if stage.rekeys and stage.output == topic:
            return log_topic(stage.source)
    return topic
