"""Entente message contracts: frozen pydantic v2 models, serialised with orjson.

Every message carries ``schema_version``; :mod:`schemas.upcast` upgrades old
payloads when they are read, so a replay of an old log still works.
"""

from schemas.article import Article
from schemas.change import Change
from schemas.correction import Correction
from schemas.dead_letter import DeadLetter
from schemas.event import SYMMETRIC_TYPES, Event, Evidence, Modality, PloverType
from schemas.state import AllianceState, Fact, Relation, ZoneState

__all__ = [
    "SYMMETRIC_TYPES",
    "AllianceState",
    "Article",
    "Change",
    "Correction",
    "DeadLetter",
    "Event",
    "Evidence",
    "Fact",
    "Modality",
    "PloverType",
    "Relation",
    "ZoneState",
]
