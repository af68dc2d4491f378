"""Deterministic identifiers: sha256 over canonical JSON of the identifying fields.

Never the built-in ``hash()``, which is salted per process.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson


def digest(*parts: Any, length: int = 16) -> str:
    """Hex sha256 of the canonical JSON of ``parts``, cut to ``length`` bytes."""
    canonical = orjson.dumps(list(parts), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()[: length * 2]


def text_id(text: str) -> str:
    """Id of an article that came without one: a digest of its text."""
    return digest("article", text)


def pair_key(a: str, b: str) -> str:
    """The canonical key of an unordered actor pair: ``"A|B"`` with ``A < B``."""
    first, second = sorted((a, b))
    return f"{first}|{second}"
