"""Incidents in the columns of ACLED's data export, one row an incident of a type ACLED records.

The mapping of PLOVER types to ACLED's types is ``data/acled.yaml``; ``streams/export/README.md`` says
what each column holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any, NamedTuple

import pycountry
import yaml

from agents.reduce.facts import Incident
from schemas import Event, PloverType
from streams.export.cameo import DATA
from streams.export.coverage import Coverage
from streams.export.gdelt import global_id

COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip
"""ACLED's columns, in the order of its exports."""
DAY, WEEK = 1, 2
"""ACLED's time precision: the day is known; the day falls within a week."""
REGION = 3
"""ACLED's geographic precision of a larger region: a zone's centre."""


class Typing(NamedTuple):
    """ACLED's disorder, event and sub-event type."""

    disorder: str
    event: str
    sub_event: str


class Rule(NamedTuple):
    """How ACLED types an incident of one PLOVER type, and the actor type of its source if set."""

    typing: Typing
    words: tuple[tuple[re.Pattern[str], Typing], ...]
    actor: str | None


class Mapping(NamedTuple):
    """The rules by PLOVER type, ACLED's actor types in order, and the actor type of each kind."""

    rules: dict[PloverType, Rule]
    actors: tuple[str, ...]
    kinds: dict[str, str]


def _any_of(words: list[str]) -> re.Pattern[str]:
    """A pattern matching any of ``words`` as whole words, in any case."""
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)


@cache
def mapping() -> Mapping:
    """The mapping of ``data/acled.yaml``."""
    data = yaml.safe_load((DATA / "acled.yaml").read_text(encoding="utf-8"))
    rules = {
        PloverType(kind): Rule(
            Typing(*rule["type"]),
            tuple((_any_of(item["words"]), Typing(*item["sub"])) for item in rule.get("words", ())),
            rule.get("actor"),
        )
        for kind, rule in data["types"].items()
    }
    return Mapping(rules, tuple(data["actors"]), data["kinds"])


def typing_of(rule: Rule, reports: list[Event]) -> Typing:
    """The type of an incident: the first word rule a report's sentence matches, else the type's."""
    for pattern, typed in rule.words:
        if any(pattern.search(report.evidence.text) for report in reports):
            return typed
    return rule.typing


def actor_type(actor: str, coverage: Coverage) -> str:
    """ACLED's actor type of an actor, by its kind in the knowledge base."""
    kinds = mapping().kinds
    return kinds.get(coverage.kind(actor) or "", kinds["organisation"])


def interaction(types: list[str]) -> str:
    """ACLED's interaction of the actor types: ``A-B`` in ACLED's order of types, ``A only`` alone."""
    order = mapping().actors
    ranked = sorted(types, key=order.index)
    return "-".join(ranked) if len(ranked) > 1 else f"{ranked[0]} only"


def place(incident: Incident, coverage: Coverage) -> tuple[str, dict[str, Any]]:
    """Where: the state (ISO alpha-3) and the columns of the zone's state (iso, country), name and
    centre; with no zone known, the source's state."""
    zone = coverage.zone(incident.zone)
    state = zone.state if zone else coverage.country(incident.source)
    country = pycountry.countries.get(alpha_3=state) if state else None
    located = zone is not None and zone.latitude is not None
    return state, {
        "iso": int(country.numeric) if country else "",
        "country": coverage.name(state) if state else "",
        "location": zone.name if zone else incident.zone or "",
        "latitude": zone.latitude if located else "",
        "longitude": zone.longitude if located else "",
        "geo_precision": REGION if located else "",
    }


def rows(coverage: Coverage) -> Iterator[dict[str, Any]]:
    """One row an incident of a type the mapping has, by the columns of :data:`COLUMNS`."""
    rules = mapping().rules
    for incident in coverage.incidents:
        rule = rules.get(incident.type)
        if rule is None or incident.date is None:
            continue
        reports = coverage.reports(incident)
        typed = typing_of(rule, reports)
        inter1 = rule.actor or actor_type(incident.source, coverage)
        inter2 = actor_type(incident.target, coverage) if incident.target else ""
        state, where = place(incident, coverage)
        added = [moment for report in reports if (moment := coverage.added(report.article_id))]
        yield {
            "event_id_cnty": f"{state or 'XXX'}{global_id(reports[0])}",
            "event_date": incident.date.isoformat(),
            "year": incident.date.year,
            "time_precision": DAY if any(report.date for report in reports) else WEEK,
            "disorder_type": typed.disorder,
            "event_type": typed.event,
            "sub_event_type": typed.sub_event,
            "actor1": coverage.name(incident.source),
            "inter1": inter1,
            "actor2": coverage.name(incident.target) if incident.target else "",
            "inter2": inter2,
            "interaction": interaction([inter1, inter2] if inter2 else [inter1]),
            **where,
            "source": "; ".join(incident.sources),
            "notes": reports[0].evidence.text,
            "fatalities": 0,
            "timestamp": int(max(added).timestamp()) if added else "",
        }
