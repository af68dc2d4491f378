"""The AsyncAPI 3.0 document of the topics a reader sees, generated from the message schemas."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import yaml

from streams import topics
from streams.api.contracts import components, message
from streams.api.endpoint import ref

# topic, channel id, message model, key, what it carries, who writes it
TOPICS = (
    (
        topics.ARTICLES,
        "articlesRaw",
        "Article",
        "the article id",
        "Articles as published by ingest or the API.",
    ),
    (
        topics.EVENTS,
        "events",
        "Event",
        "the event id",
        "Events the extract stage found, one per sentence and dyad.",
    ),
    (
        topics.CHANGES,
        "stateChanges",
        "Change",
        "`table:key`",
        "Every change of a state row, with the events behind it.",
    ),
    (
        topics.DLQ,
        "articlesDlq",
        "DeadLetter",
        "the input it came from",
        "Records no stage could process, with the reason.",
    ),
    (
        topics.CORRECTIONS,
        "corrections",
        "Correction",
        "the article or event it corrects",
        "Corrections of the record (retractions, overrides) with who made them, when and why.",
    ),
)


def document() -> dict[str, Any]:
    """The whole document as a mapping."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic, channel, model, key, summary in TOPICS:
        schema = message(model)
        messages[model] = {
            "name": model,
            "title": schema.get("title", model),
            "summary": schema.get("description", "").split("\n")[0],
            "contentType": "application/json",
            "payload": ref(model),
            "bindings": {"kafka": {"key": {"type": "string", "description": f"Keyed by {key}."}}},
        }
        channels[channel] = {
            "address": topic,
            "description": summary,
            "messages": {model: {"$ref": f"#/components/messages/{model}"}},
        }
        operations[f"receive{model}"] = {
            "action": "receive",
            "summary": f"Consume {topic}.",
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [{"$ref": f"#/channels/{channel}/messages/{model}"}],
        }
    operations["sendArticle"] = {
        "action": "send",
        "summary": f"Publish an article to {topics.ARTICLES}.",
        "channel": {"$ref": "#/channels/articlesRaw"},
        "messages": [{"$ref": "#/channels/articlesRaw/messages/Article"}],
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Entente topics",
            "version": version("entente"),
            "description": (
                "The topics of the pipeline articles.raw → extract → events → reduce → state.changes, "
                "and articles.dlq for rejections; corrections → correct → state.changes for the corrections"
                " of the record; the same on the embedded log and on Kafka."
            ),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": components(
                {model: message(model) for _topic, _channel, model, _key, _summary in TOPICS}
            ),
        },
    }


def rendered() -> str:
    """The document as YAML text."""
    return yaml.safe_dump(document(), sort_keys=False, allow_unicode=True, width=110)
