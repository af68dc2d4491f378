"""A fingerprint of every table, for ``replay --verify``."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import orjson

from agents.reduce.rows import State, view


def digest(tables: Mapping[str, Mapping[str, State]]) -> str:
    """Hex sha256 over the canonical JSON of ``(table, key, view)`` for every row, in sorted order."""
    hasher = hashlib.sha256()
    for table in sorted(tables):
        rows = tables[table]
        for key in sorted(rows):
            hasher.update(orjson.dumps([table, key, view(rows[key])], option=orjson.OPT_SORT_KEYS))
            hasher.update(b"\n")
    return hasher.hexdigest()
