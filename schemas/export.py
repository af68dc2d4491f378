"""Export the JSON Schema of every message to ``schemas/json/``."""

from __future__ import annotations

import json
from pathlib import Path

from schemas.article import Article
from schemas.base import Message
from schemas.change import Change
from schemas.correction import Correction
from schemas.dead_letter import DeadLetter
from schemas.event import Event
from schemas.state import TABLES

ROWS = tuple(model for model in TABLES.values() if model.__module__ == "schemas.state")
"""The row models of the tables the schemas declare (another table's module exports its own)."""
MODELS: tuple[type[Message], ...] = (Article, Event, *ROWS, Change, Correction, DeadLetter)
SCHEMA_DIR = Path(__file__).parent / "json"


def rendered() -> dict[str, str]:
    """File name → JSON Schema text, for every model."""
    return {
        f"{model.__name__}.schema.json": json.dumps(model.model_json_schema(), indent=2, sort_keys=True)
        + "\n"
        for model in MODELS
    }


def export(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write every schema file into ``directory``; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in rendered().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
