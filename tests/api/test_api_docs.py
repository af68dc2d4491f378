"""The checked-in API documents are current, served, and refer only to schemas they define."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import yaml

from streams import topics
from streams.api.docs import DOCS, rendered


def refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(item) for item in node))
    return set()


def resolves(document: dict[str, Any], pointer: str) -> bool:
    node: Any = document
    for part in pointer.removeprefix("#/").split("/"):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_the_checked_in_documents_are_current() -> None:
    for name, text in rendered().items():
        path: Path = DOCS / name
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run python -m streams.api.docs"


def test_the_served_openapi_is_the_checked_in_one(api: httpx.Client) -> None:
    assert api.get("/openapi.json").json() == json.loads((DOCS / "openapi.json").read_text(encoding="utf-8"))


def test_openapi_covers_every_endpoint_and_every_reference_resolves() -> None:
    document = json.loads(rendered()["openapi.json"])
    assert document["openapi"].startswith("3.1")
    assert {
        "/alliances",
        "/alliances/{a}/{b}",
        "/zones",
        "/zones/{zone}",
        "/events",
        "/events/stream",
        "/articles",
        "/articles/{id}",
        "/articles/{id}/retraction",
        "/events/{id}/override",
        "/changes",
        "/health",
        "/metrics",
    } <= set(document["paths"])
    assert document["paths"]["/articles"]["post"]["security"] == [{"bearer": []}]
    assert all(resolves(document, pointer) for pointer in refs(document))


def test_asyncapi_describes_the_topics_with_their_message_schemas() -> None:
    document = yaml.safe_load(rendered()["asyncapi.yaml"])
    assert document["asyncapi"] == "3.0.0"
    assert {channel["address"] for channel in document["channels"].values()} == set(topics.ALL)
    schemas = document["components"]["schemas"]
    assert {"Article", "Event", "Change", "DeadLetter", "Correction"} <= set(schemas)
    assert schemas["Event"]["properties"]["type"] == {"$ref": "#/components/schemas/PloverType"}
    assert all(resolves(document, pointer) for pointer in refs(document))
