"""The message schemas of ``schemas/json/`` as components of the API documents.

Each file's ``$defs`` are lifted to the document's ``components/schemas`` and
its references rewritten to point there, so both documents stay valid and
every message is described once, by the file ``entente schemas export`` wrote.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from pydantic import BaseModel

from schemas.export import SCHEMA_DIR
from streams.api.endpoint import ref

Schema = dict[str, Any]


def message(name: str) -> Schema:
    """The JSON Schema of one message model, as exported to ``schemas/json/``."""
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def model_schema(model: type[BaseModel]) -> Schema:
    """The JSON Schema of ``model``: as exported to ``schemas/json/`` when it is there (a message of
    the schemas), else as pydantic gives it (a row model of a table another module registers)."""
    if (SCHEMA_DIR / f"{model.__name__}.schema.json").exists():
        return message(model.__name__)
    return model.model_json_schema()


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: ref(value.removeprefix("#/$defs/"))["$ref"]
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/")
            else _rewrite(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite(item) for item in node]
    return node


def components(named: dict[str, Schema]) -> dict[str, Schema]:
    """Schemas by component name, their ``$defs`` lifted beside them; sorted by name."""
    out: dict[str, Schema] = {}
    for name, schema in named.items():
        schema = copy.deepcopy(schema)
        for inner, definition in schema.pop("$defs", {}).items():
            out[inner] = _rewrite(definition)
        out[name] = _rewrite(schema)
    return dict(sorted(out.items()))


def restricted(
    schema: Schema, keep: tuple[str, ...] | None, drop: tuple[str, ...], title: str, description: str
) -> Schema:
    """``schema`` with only the properties in ``keep`` (all when ``None``) minus those in ``drop``."""
    out = copy.deepcopy(schema)
    names = [name for name in out["properties"] if (keep is None or name in keep) and name not in drop]
    out["properties"] = {name: out["properties"][name] for name in names}
    out["required"] = [name for name in out.get("required", []) if name in names]
    out["title"], out["description"] = title, description
    return out


def with_offset(schema: Schema, title: str, description: str) -> Schema:
    """``schema`` with the log ``offset`` the API adds in front of its fields."""
    out = copy.deepcopy(schema)
    out["properties"] = {"offset": {"type": "integer", "minimum": 0, "title": "Offset"}, **out["properties"]}
    out["required"] = ["offset", *out.get("required", [])]
    out["title"], out["description"] = title, description
    return out
