"""Write the API documents checked in under ``docs/``: ``python -m streams.api.docs``."""

from __future__ import annotations

import json
from pathlib import Path

from streams.api import asyncapi, openapi
from streams.api.routes import endpoints

DOCS = Path(__file__).resolve().parents[2] / "docs"


def rendered() -> dict[str, str]:
    """File name under ``docs/`` → its current text."""
    return {
        "openapi.json": json.dumps(openapi.document(endpoints()), indent=2, ensure_ascii=False) + "\n",
        "asyncapi.yaml": asyncapi.rendered(),
    }


def write(directory: Path = DOCS) -> list[Path]:
    """Write both documents into ``directory``; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in rendered().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write():
        print(written)
