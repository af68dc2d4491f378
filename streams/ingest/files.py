"""Articles from files, directories and standard input.

Formats: ``.txt`` (first line is the title, the file stem the id), ``.jsonl`` /
``.json`` (one object a line with ``id, title, text, published, source, url``).
Every input that cannot become an article yields a :class:`DeadLetter` naming
the input (``path`` or ``path:line``) and the reason; nothing stops the batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson
from pydantic import ValidationError

from schemas import Article, DeadLetter
from schemas.base import validation_reason
from schemas.ids import text_id

Item = tuple[str, Article | DeadLetter]

TEXT_SUFFIXES = {".txt", ".text"}
JSONL_SUFFIXES = {".jsonl", ".json", ".ndjson"}
FIELDS = ("id", "title", "text", "published", "source", "url")


def decode_text(raw: bytes, origin: str) -> str | DeadLetter:
    """UTF-8 text of ``raw`` (a leading BOM dropped), or why it is not text."""
    if not raw.strip():
        return DeadLetter.of(origin, "empty input", raw)
    if b"\x00" in raw[:8192]:
        return DeadLetter.of(origin, "binary content (NUL bytes), not text", raw)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return DeadLetter.of(origin, f"invalid UTF-8 at byte {exc.start}", raw)


def article_from_text(raw: bytes, origin: str, article_id: str | None = None) -> Item:
    """A plain-text article: first non-empty line is the title."""
    text = decode_text(raw, origin)
    if isinstance(text, DeadLetter):
        return origin, text
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    return origin, Article(id=article_id or text_id(text), title=title, text=text)


def article_from_json(line: bytes, origin: str) -> Item:
    """One JSON Lines record; unknown fields are ignored, known ones validated."""
    try:
        payload: Any = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return origin, DeadLetter.of(origin, f"malformed JSON: {exc}", line)
    if not isinstance(payload, dict):
        return origin, DeadLetter.of(origin, f"expected a JSON object, got {type(payload).__name__}", line)
    fields = {name: payload[name] for name in FIELDS if payload.get(name) is not None}
    if isinstance(fields.get("text"), str) and "id" not in fields:
        fields["id"] = text_id(fields["text"])
    try:
        return origin, Article.model_validate(fields)
    except ValidationError as exc:
        return origin, DeadLetter.of(origin, f"schema violation: {validation_reason(exc)}", line)


def read_jsonl(stream: IO[bytes], name: str, max_bytes: int) -> Iterator[Item]:
    """Each non-blank line of ``stream`` as an article, streamed (never the whole file in memory)."""
    for number, line in enumerate(stream, start=1):
        origin = f"{name}:{number}"
        if not line.strip():
            continue
        if len(line) > max_bytes:
            yield origin, DeadLetter.of(origin, f"too large ({len(line)} bytes > {max_bytes})", line)
            continue
        text = decode_text(line, origin)
        yield (origin, text) if isinstance(text, DeadLetter) else article_from_json(line, origin)


def read_bounded(stream: IO[bytes], origin: str, max_bytes: int) -> bytes | DeadLetter:
    """Read at most ``max_bytes``; a longer input becomes a dead letter without being read whole."""
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        return DeadLetter.of(origin, f"too large (over {max_bytes} bytes)", raw[:512])
    return raw


def read_file(path: Path, max_bytes: int) -> Iterator[Item]:
    """Articles of one file, by its suffix."""
    origin = str(path)
    try:
        with path.open("rb") as stream:
            if path.suffix.lower() in JSONL_SUFFIXES:
                yield from read_jsonl(stream, origin, max_bytes)
                return
            raw = read_bounded(stream, origin, max_bytes)
    except OSError as exc:
        yield origin, DeadLetter.of(origin, f"cannot read: {exc.strerror or exc}")
        return
    if isinstance(raw, DeadLetter):
        yield origin, raw
    elif path.suffix.lower() in TEXT_SUFFIXES:
        yield article_from_text(raw, origin, path.stem)
    else:
        yield origin, DeadLetter.of(origin, f"unsupported file type {path.suffix or '(none)'!r}", raw)


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and the supported files under directories named, in sorted order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES
            )
        else:
            yield path


def read_paths(paths: Iterable[Path], max_bytes: int) -> Iterator[Item]:
    """Articles of every file and directory in ``paths``."""
    for path in expand(paths):
        yield from read_file(path, max_bytes)


def read_stream(stream: IO[bytes], max_bytes: int, name: str = "<stdin>") -> Iterator[Item]:
    """Articles from standard input: JSON Lines when it starts with ``{``, else one text article."""
    head = stream.peek(1)[:1] if hasattr(stream, "peek") else b""
    if head == b"{":
        yield from read_jsonl(stream, name, max_bytes)
        return
    raw = read_bounded(stream, name, max_bytes)
    yield (name, raw) if isinstance(raw, DeadLetter) else article_from_text(raw, name)
