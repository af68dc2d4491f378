"""``/metrics`` in the Prometheus text exposition format."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from streams import topics
from streams.api.hub import Fanout

COUNTS = (
    ("entente_articles_total", "Articles published to articles.raw.", topics.ARTICLES),
    ("entente_events_total", "Events on the events topic.", topics.EVENTS),
    ("entente_changes_total", "State changes on state.changes.", topics.CHANGES),
    ("entente_dead_letters_total", "Rejections on articles.dlq.", topics.DLQ),
)


def _family(name: str, kind: str, help_text: str, samples: Iterable[tuple[str, int]]) -> list[str]:
    return [
        f"# HELP {name} {help_text}",
        f"# TYPE {name} {kind}",
        *(f"{name}{labels} {value}" for labels, value in samples),
    ]


def exposition(counts: dict[str, int], lag: dict[str, int], fanouts: Iterable[Fanout[Any]]) -> str:
    """Records per topic, lag per stage, and live-stream clients and drops per topic."""
    lines: list[str] = []
    for name, help_text, topic in COUNTS:
        lines += _family(name, "counter", help_text, [("", counts[topic])])
    lines += _family(
        "entente_stage_lag",
        "gauge",
        "Records of the stage's source topic after its committed position.",
        [(f'{{stage="{stage}"}}', behind) for stage, behind in lag.items()],
    )
    fanouts = list(fanouts)
    lines += _family(
        "entente_stream_clients",
        "gauge",
        "Clients connected to a live stream, by topic.",
        [(f'{{topic="{fanout.topic}"}}', len(fanout.clients)) for fanout in fanouts],
    )
    lines += _family(
        "entente_stream_dropped_total",
        "counter",
        "Live-stream clients dropped for reading too slowly, by topic.",
        [(f'{{topic="{fanout.topic}"}}', fanout.dropped) for fanout in fanouts],
    )
    return "\n".join(lines) + "\n"
