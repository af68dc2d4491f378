"""The OpenAPI 3.1 document, built from the endpoint declarations and the message schemas."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from agents.reduce.tables import Table, every
from streams.api.contracts import Schema, components, message, model_schema, restricted, with_offset
from streams.api.endpoint import Endpoint, ref
from streams.ingest.files import FIELDS

TITLE = "Entente API"


def view_name(table: Table) -> str:
    """The name of the schema of a row's view: ``AllianceView``, ``ZoneView``..."""
    return f"{table.api.one.capitalize()}View"


def schemas() -> dict[str, Schema]:
    """Every schema the operations refer to."""
    event, change = message("Event"), message("Change")
    named = {
        "Article": message("Article"),
        "ArticleInput": restricted(
            message("Article"),
            FIELDS,
            (),
            "ArticleInput",
            "An article to publish; `id` defaults to a digest of `text`, other fields are ignored.",
        )
        | {"additionalProperties": True},
        **{
            view_name(table): restricted(
                model_schema(table.model), table.fields, (), view_name(table), table.api.view
            )
            for table in every()
        },
        "Event": event,
        "Correction": message("Correction"),
        "EventMessage": with_offset(event, "EventMessage", "An event with its offset on the events topic."),
        "ChangeMessage": with_offset(change, "ChangeMessage", "A change with its offset on state.changes."),
    }
    extra: dict[str, Schema] = {
        "Error": {
            "type": "object",
            "properties": {"error": {"type": "string"}},
            "required": ["error"],
            "description": "Every error response.",
        },
        "Why": {
            "type": "object",
            "description": "A page of the audit chain of a row: each fact with its sentence, its article"
            " (title, outlet, link), where the sentence lies in the article's text, and its contribution.",
            "properties": {
                "table": {"type": "string"},
                "key": {"type": "string"},
                "facts": {"type": "array", "items": {"type": "object"}},
                "facts_total": {"type": "integer"},
                "offset": {"type": "integer"},
                "next": {"type": ["integer", "null"], "description": "The `offset` of the next page."},
            },
        },
        "Timeline": {
            "type": "object",
            "description": "A row's view by day (`series`) and its facts counted by day and type (`events`).",
            "properties": {
                "table": {"type": "string"},
                "key": {"type": "string"},
                "series": {"type": "array", "items": {"type": "object"}},
                "events": {"type": "array", "items": {"type": "object"}},
            },
        },
        "Atlas": {
            "type": "object",
            "description": "Actors (id, name, kind, countries, ISO numeric code of a state) and zones"
            " (id, name, state, latitude, longitude).",
            "properties": {
                "actors": {"type": "array", "items": {"type": "object"}},
                "zones": {"type": "array", "items": {"type": "object"}},
            },
        },
        "EventPage": {
            "type": "object",
            "properties": {
                "events": {"type": "array", "items": ref("EventMessage")},
                "next": {"type": ["integer", "null"], "description": "The `after` of the next page."},
            },
            "required": ["events", "next"],
        },
        "IngestResult": {
            "type": "object",
            "properties": {
                "read": {"type": "integer"},
                "published": {"type": "integer"},
                "copies": {
                    "type": "integer",
                    "description": "How many of those published are copies of a story already seen.",
                },
                "duplicates": {"type": "integer"},
                "rejected": {"type": "integer"},
                "errors": {"type": "array", "items": {"type": "string"}},
                "ids": {"type": "array", "items": {"type": "string"}},
            },
        },
        "Health": {
            "type": "object",
            "properties": {
                "status": {"enum": ["ok", "degraded"]},
                "worker": {"enum": ["off", "running", "stopped", "failed"]},
            },
        },
    }
    return components(named) | extra


def operation(endpoint: Endpoint) -> dict[str, Any]:
    """One operation object."""
    out: dict[str, Any] = {
        "summary": endpoint.summary,
        "operationId": endpoint.handler.__name__,
        "tags": [endpoint.tag],
    }
    if endpoint.params:
        out["parameters"] = [
            {
                "name": param.name,
                "in": param.where,
                "required": param.where == "path",
                "description": param.description,
                "schema": param.schema,
            }
            for param in endpoint.params
        ]
    if endpoint.body is not None:
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": endpoint.body}}}
    if endpoint.secured:
        out["security"] = [{"bearer": []}]
    out["responses"] = {
        str(reply.status): {"description": reply.description}
        | ({} if reply.schema is None else {"content": {reply.media: {"schema": reply.schema}}})
        for reply in endpoint.replies
    }
    return out


def document(endpoints: tuple[Endpoint, ...]) -> dict[str, Any]:
    """The whole document."""
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation(endpoint)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": version("entente"),
            "description": "Alliances, zones, events and articles; live changes as server-sent events.",
        },
        "servers": [{"url": "http://127.0.0.1:8080"}],
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The server's ENTENTE_API_TOKEN.",
                }
            },
        },
    }
