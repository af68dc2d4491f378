"""The registry entries of the two standard tables: ``alliances`` (one row per unordered actor pair,
key ``A|B``, from the events with a target) and ``zones`` (one row per zone, from the events with a
zone). Each grows a row from what its last build computed (:mod:`agents.reduce.growth`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from agents.reduce import alliances, audit, growth, zones
from agents.reduce.config import default
from agents.reduce.tables import Api, Table, register
from schemas.ids import pair_key
from schemas.state import AllianceState, Fact, ZoneState

_pair_key = lru_cache(maxsize=1 << 16)(pair_key)  # one call an event: most pairs recur


def pair_of(fields: Mapping[str, Any]) -> str | None:
    """The actor pair of an event with a target."""
    target = fields["target"]
    return None if target is None else _pair_key(fields["source"], target)


def zone_of(fields: Mapping[str, Any]) -> str | None:
    """The zone of an event."""
    zone: str | None = fields["zone"]
    return zone


def pair_named(a: str, b: str) -> str:
    """The key of the pair of two different actors."""
    if a == b:
        raise ValueError("an alliance needs two different actors")
    return pair_key(a, b)


def build_alliance(key: str, facts: tuple[Fact, ...], as_of: dt.date | None) -> AllianceState:
    return alliances.build(key, facts, as_of, default())


def build_zone(key: str, facts: tuple[Fact, ...], as_of: dt.date | None) -> ZoneState:
    return zones.build(key, facts, as_of, default())


ALLIANCES = register(
    Table(
        AllianceState,
        route=pair_of,
        build=build_alliance,
        api=Api(
            one="alliance",
            listing="Every actor pair, sorted by key.",
            detail="One actor pair (either order) with the audit chain behind its score.",
            params=(("a", "An actor id."), ("b", "The other actor id.")),
            key=pair_named,
            view="An actor pair's row, without its facts.",
        ),
        grown=growth.grown,
        growing=growth.Growing,
        why=audit.alliance_why,
        strongest=audit.alliance_strongest,
        ranked=audit.by_strength,
    )
)
ZONES = register(
    Table(
        ZoneState,
        route=zone_of,
        build=build_zone,
        api=Api(
            one="zone",
            listing="Every zone, sorted by id.",
            detail="One zone with the audit chain behind its status.",
            params=(("zone", "A zone id."),),
            key=str,
            view="A zone's row, without its facts.",
        ),
        grown=growth.grown,
        growing=growth.Growing,
        why=audit.zone_why,
        strongest=audit.zone_strongest,
    )
)
