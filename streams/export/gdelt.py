"""Events in the layout of GDELT 2.0's event table: its 61 columns in order, tab-separated, no header.

See ``streams/export/README.md`` for what each column holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from schemas import Event
from streams.export.cameo import codes
from streams.export.coverage import Coverage

ACTOR_FIELDS = (
    "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
    "Type1Code", "Type2Code", "Type3Code",
)  # fmt: skip
GEO_FIELDS = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{name}" for name in ACTOR_FIELDS),
    *(f"Actor2{name}" for name in ACTOR_FIELDS),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"{actor}Geo_{name}" for actor in ("Actor1", "Actor2", "Action") for name in GEO_FIELDS),
    "DATEADDED", "SOURCEURL",
)  # fmt: skip
"""GDELT 2.0's event table columns, in the order of its files."""
WORLD_STATE = 5
"""GDELT's geographic type of a first-level division outside the United States: a zone's."""


def global_id(event: Event) -> int:
    """A stable integer id: the first 60 bits of the event's id."""
    return int(event.id[:15], 16)


def dates(day: dt.date | None) -> dict[str, Any]:
    """SQLDATE (YYYYMMDD), MonthYear (YYYYMM), Year and FractionDate (year plus day of year / 365)."""
    if day is None:
        return {}
    fraction = round(day.year + day.timetuple().tm_yday / 365, 4)
    return {
        "SQLDATE": int(day.strftime("%Y%m%d")),
        "MonthYear": day.year * 100 + day.month,
        "Year": day.year,
        "FractionDate": fraction,
    }


def actor(slot: str, actor_id: str | None, coverage: Coverage) -> dict[str, Any]:
    """An actor's Code (its id), Name and CountryCode (ISO alpha-3)."""
    if actor_id is None:
        return {}
    return {
        f"{slot}Code": actor_id,
        f"{slot}Name": coverage.name(actor_id),
        f"{slot}CountryCode": coverage.country(actor_id),
    }


def action_geo(event: Event, coverage: Coverage) -> dict[str, Any]:
    """Where it happened: the zone's name, state (ISO alpha-3) and centre; its id as the feature id."""
    if event.zone is None:
        return {}
    zone = coverage.zone(event.zone)
    if zone is None:
        return {"ActionGeo_FeatureID": event.zone}
    state = coverage.name(zone.state) if zone.state else ""
    return {
        "ActionGeo_Type": WORLD_STATE if zone.latitude is not None else "",
        "ActionGeo_FullName": ", ".join(part for part in (zone.name, state) if part),
        "ActionGeo_CountryCode": zone.state,
        "ActionGeo_Lat": zone.latitude,
        "ActionGeo_Long": zone.longitude,
        "ActionGeo_FeatureID": zone.id,
    }


def is_root(event: Event, coverage: Coverage) -> int:
    """1 when the event's sentence starts in its article's first paragraph (up to the first line
    break), as GDELT marks an event of a lead paragraph."""
    article = coverage.articles.get(event.article_id)
    if article is None:
        return 0
    lead = article.text.find("\n")
    return int(lead < 0 or event.evidence.start < lead)


def rows(coverage: Coverage) -> Iterator[dict[str, Any]]:
    """One row an event, by the columns of :data:`COLUMNS` (a column it leaves out is empty)."""
    cameo = codes()
    for event in coverage.events.values():
        coded, incident = cameo[event.type], coverage.incident(event)
        article = coverage.articles.get(event.article_id)
        added = coverage.added(event.article_id)
        yield {
            "GLOBALEVENTID": global_id(event),
            **dates(event.event_date),
            **actor("Actor1", event.source, coverage),
            **actor("Actor2", event.target, coverage),
            "IsRootEvent": is_root(event, coverage),
            "EventCode": coded.code,
            "EventBaseCode": coded.base,
            "EventRootCode": coded.root,
            "QuadClass": coded.quad,
            "GoldsteinScale": coded.goldstein,
            "NumMentions": len(incident.facts),
            "NumSources": incident.outlets,
            "NumArticles": len(incident.reports),
            **action_geo(event, coverage),
            "DATEADDED": added.strftime("%Y%m%d%H%M%S") if added else "",
            "SOURCEURL": article.url if article else "",
        }
