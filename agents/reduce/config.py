"""The scoring configuration of the reducers, read from ``scoring.yaml`` beside this module."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from schemas.event import Modality, PloverType
from schemas.state import Stance

SCORING_FILE = Path(__file__).with_name("scoring.yaml")


@dataclass(frozen=True)
class Scoring:
    """Weights, decay, corroboration and thresholds; immutable once loaded.

    ``kinds`` maps each (lower-case) word naming a kind of zone to the kind's rank
    in the file and its name; ``mentions`` finds whether a text holds any of them.
    """

    weights: Mapping[PloverType, float]
    modality: Mapping[Modality, float]
    half_life_days: float
    undated: float
    window_days: int
    exponent: float
    thresholds: Mapping[Stance, tuple[float, float]]
    strongest: int
    zone_status: Mapping[PloverType, str]
    status_rank: Mapping[str, int]
    kinds: Mapping[str, tuple[int, str]]
    mentions: re.Pattern[str]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scoring:
        """Validate a decoded ``scoring.yaml``: every PLOVER type and modality must be weighted."""
        weights = {PloverType(name): float(value) for name, value in data["weights"].items()}
        missing = set(PloverType) - set(weights)
        if missing:
            raise ValueError(f"scoring: no weight for {sorted(missing)}")
        modality = {name: float(data["modality"][name]) for name in ("asserted", "planned", "historical")}
        stance = data["stance"]
        thresholds = {
            name: (float(stance[name]["tone"]), float(stance[name]["score"]))
            for name in ("allied", "cooperative", "tense", "hostile")
        }
        zones = data["zones"]
        status = {PloverType(kind): str(label) for kind, label in zones["status"].items()}
        kinds = {
            str(word).lower(): (rank, str(kind))
            for rank, (kind, words) in enumerate(zones["kinds"].items())
            for word in words
        }
        return cls(
            weights=MappingProxyType(weights),
            modality=MappingProxyType(modality),
            half_life_days=float(data["decay"]["half_life_days"]),
            undated=float(data["decay"]["undated"]),
            window_days=int(data["corroboration"]["window_days"]),
            exponent=float(data["corroboration"]["exponent"]),
            thresholds=MappingProxyType(thresholds),
            strongest=int(data["strongest"]),
            zone_status=MappingProxyType(status),
            status_rank=MappingProxyType({label: rank for rank, label in enumerate(status.values())}),
            kinds=MappingProxyType(kinds),
            mentions=re.compile("|".join(map(re.escape, kinds))),
        )


def load(path: Path = SCORING_FILE) -> Scoring:
    """Read a scoring file."""
    return Scoring.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def default() -> Scoring:
    """The packaged scoring, read once on first use."""
    return load()
