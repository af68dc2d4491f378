"""What the dashboard reads beside the state: a row's evidence a page at a time, its history by date,
and the knowledge base's names, codes and places of the actors and zones the state holds."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import pycountry

from agents import reduce
from agents.kb import KnowledgeBase
from schemas import Article
from schemas.state import Row
from streams.audit import Audit, article_ids, as_of_row, with_articles
from streams.audit_index import page

LIMIT = 20
"""How many facts a page of evidence lists by default."""
POINTS = 200
"""At most how many days a row's history gives its view of (evenly spread, the last always)."""
REBUILT = 100_000
"""About how many facts a row's history rebuilds rows from in all: a busy row's has fewer days."""
FEWEST = 24
"""How many days a row's history gives at least (when it has that many)."""
HISTORY_FIELDS = ("stance", "score", "status")
"""The fields of a row's view its history keeps, those the row has."""


def evidence(
    ranked: Audit,
    offset: int,
    limit: int,
    article: Callable[[str], Article | None],
    on: dt.date | None = None,
) -> Audit:
    """The facts ``offset`` to ``offset + limit`` of a row's audit ``ranked`` (every fact, strongest
    first; zones: newest first), only those dated ``on`` when given; each with its article and where
    its sentence lies in the article's text (``start``/``end``, none when the text does not hold it).
    ``rest`` sums the facts not listed; ``next`` is the offset of the next page, ``None`` after the last."""
    facts = ranked["facts"]
    total = ranked["facts_total"]
    if on is not None:
        facts = [item for item in facts if item["date"] == on.isoformat()]
        total = len(facts)
    listed = facts[offset : offset + limit]
    after = offset + len(listed)
    held = sum(item.get("contribution", 0.0) for item in listed)
    audit = page(ranked | {"facts_total": total}, listed, held) | {
        "offset": offset,
        "next": after if after < total else None,
    }
    found = {name: item for name in article_ids(audit) if (item := article(name)) is not None}
    paged = with_articles(audit, found)
    located = [_located(item, _text(found.get(item["article_id"]))) for item in paged["facts"]]
    return paged | {"facts": located}


def _text(found: Article | None) -> str:
    return "" if found is None else found.text


def _located(item: dict[str, Any], text: str) -> dict[str, Any]:
    """``item`` with the character span of its sentence in its article's ``text``."""
    start = text.find(item["sentence"]) if item["sentence"] else -1
    span = (start, start + len(item["sentence"])) if start >= 0 else (None, None)
    return item | {"start": span[0], "end": span[1]}


def history(row: Row, table: str, key: str) -> dict[str, Any]:
    """``row``'s view on each day it has facts (at most :data:`POINTS` days, fewer for a row of many
    facts, each day's view being a row rebuilt from the facts up to it), and its facts counted by day
    and type: the series a timeline draws, the events its points."""
    days = sorted({item.date for item in row.facts if item.date is not None})
    points = max(FEWEST, min(POINTS, REBUILT // max(len(row.facts), 1)))
    if len(days) > points:
        days = [days[round(step * (len(days) - 1) / (points - 1))] for step in range(points)]
    series = []
    for day in days:
        rebuilt = as_of_row(row, table, key, day)
        if rebuilt is not None:
            view = reduce.view(rebuilt)
            kept = {name: view[name] for name in HISTORY_FIELDS if name in view}
            series.append({"date": day.isoformat()} | kept)
    counted: dict[str, Counter[str]] = {}
    for item in row.facts:
        if item.date is not None:
            counted.setdefault(item.date.isoformat(), Counter())[item.type.value] += 1
    events = [
        {"date": day, "count": sum(types.values()), "types": dict(sorted(types.items()))}
        for day, types in sorted(counted.items())
    ]
    return {"table": table, "key": key, "series": series, "events": events}


def atlas(kb: KnowledgeBase, actors: Iterable[str], zones: Iterable[str]) -> dict[str, Any]:
    """The names, kinds and ISO codes of ``actors`` (a state's alpha-3 and numeric code; a group's
    states) and the names, states and centres of ``zones``, as the knowledge base has them."""
    listed = []
    for actor_id in sorted(set(actors)):
        known = kb.actors.get(actor_id)
        if known is None:
            listed.append({"id": actor_id, "name": actor_id, "kind": None, "countries": [], "numeric": None})
            continue
        country = pycountry.countries.get(alpha_3=actor_id) if known.kind == "state" else None
        listed.append(
            {
                "id": actor_id,
                "name": known.name,
                "kind": known.kind,
                "countries": list(known.countries),
                "numeric": None if country is None else country.numeric,
            }
        )
    places = []
    for zone_id in sorted(set(zones)):
        zone = kb.zones.get(zone_id)
        places.append(
            {
                "id": zone_id,
                "name": zone_id if zone is None else zone.name,
                "state": None if zone is None else zone.state or None,
                "latitude": None if zone is None else zone.latitude,
                "longitude": None if zone is None else zone.longitude,
            }
        )
    return {"actors": listed, "zones": places}
