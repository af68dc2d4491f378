"""Upcasters: functions that lift a stored payload one schema version up.

Register ``upcast_v{n}_v{n+1}`` functions with :func:`upcaster`; :func:`upcast`
walks them until the payload reaches the model's current version. A model
that changes shape bumps its ``SCHEMA_VERSION`` and adds one here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]

_REGISTRY: dict[tuple[str, int], Upcaster] = {}


def upcaster(model: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a function lifting ``model`` payloads from ``from_version`` to the next."""

    def register(fn: Upcaster) -> Upcaster:
        _REGISTRY[(model, from_version)] = fn
        return fn

    return register


def upcast(model: str, payload: Payload) -> Payload:
    """Lift ``payload`` through every registered step; unknown versions pass unchanged."""
    if not isinstance(payload, dict):
        return payload
    version = payload.get("schema_version", 1)
    while (step := _REGISTRY.get((model, version))) is not None:
        payload = step(payload)
        version = payload["schema_version"] = version + 1
    return payload
