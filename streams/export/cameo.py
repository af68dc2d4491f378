"""CAMEO codes of PLOVER types for the GDELT export: the code (``data/cameo.yaml``), its base and root,
its quad class and its Goldstein score (GDELT's ``CAMEO.goldsteinscale.txt``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

import yaml

from schemas import PloverType

DATA = Path(__file__).parent / "data"
QUAD_CLASSES = ((5, 1), (8, 2), (13, 3), (20, 4))
"""GDELT's quad classes by CAMEO root: up to 05 verbal cooperation (1), up to 08 material cooperation
(2), up to 13 verbal conflict (3), up to 20 material conflict (4)."""


class Cameo(NamedTuple):
    """The CAMEO coding of an event type."""

    code: str
    base: str
    root: str
    quad: int
    goldstein: float


def goldstein_scale() -> dict[str, float]:
    """CAMEO event code → Goldstein score, from GDELT's lookup table."""
    lines = (DATA / "CAMEO.goldsteinscale.txt").read_text(encoding="utf-8").splitlines()[1:]
    return {code: float(score) for code, score in (line.split("\t") for line in lines if line)}


def quad_class(root: str) -> int:
    """GDELT's quad class of a CAMEO root code."""
    return next(quad for last, quad in QUAD_CLASSES if int(root) <= last)


@cache
def codes() -> dict[PloverType, Cameo]:
    """The CAMEO coding of every PLOVER type."""
    chosen = yaml.safe_load((DATA / "cameo.yaml").read_text(encoding="utf-8"))
    scores = goldstein_scale()
    return {
        PloverType(kind): Cameo(code, code[:3], code[:2], quad_class(code[:2]), scores[code])
        for kind, code in chosen.items()
    }
