"""Articles from files, directories and standard input.

Formats: ``.txt`` (first line is the title, the file stem the id; the date from a first line
``published: YYYY-MM-DD`` or from the file name), ``.jsonl`` /
``.json`` (one object a line with ``id, title, text, published, source, url``).
Every input that cannot become an article yields a :class:`DeadLetter` naming
the input (``path`` or ``path:line``) and the reason; nothing stops the batch.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import stat
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
SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES
FIELDS = ("id", "title", "text", "published", "source", "url")
BOM = b"\xef\xbb\xbf"
PUBLISHED_HEADER = re.compile(r"published:\s*(\S+)", re.IGNORECASE)
NAMED_DAY = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")


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


def validated(fields: dict[str, Any], origin: str, raw: bytes) -> Item:
    """The article of ``fields``, or the dead letter saying which field is wrong."""
    try:
        return origin, Article.model_validate(fields)
    except ValidationError as exc:
        return origin, DeadLetter.of(origin, f"schema violation: {validation_reason(exc)}", raw)


def published_of(text: str, name: str | None) -> tuple[str, str | None]:
    """The text without a first line ``published: YYYY-MM-DD``, and that date; else the text and the first
    valid ``YYYY-MM-DD`` date in the file name ``name``, if any."""
    first, newline, rest = text.partition("\n")
    if newline and (header := PUBLISHED_HEADER.fullmatch(first.strip())):
        return rest, header[1]
    for day in NAMED_DAY.findall(name or ""):
        with contextlib.suppress(ValueError):
            return text, dt.date.fromisoformat(day).isoformat()
    return text, None


def article_from_text(raw: bytes, origin: str, article_id: str | None = None) -> Item:
    """A plain-text article: first non-empty line is the title; its date from a first line
    ``published: YYYY-MM-DD`` (not part of its text), else from a date in its file name (the id)."""
    text = decode_text(raw, origin)
    if isinstance(text, DeadLetter):
        return origin, text
    text, published = published_of(text, article_id)
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    fields = {"id": article_id or text_id(text), "title": title, "text": text, "published": published}
    return validated({name: value for name, value in fields.items() if value is not None}, origin, raw)


def article_from_json(line: bytes, origin: str) -> Item:
    """One JSON Lines record (a leading BOM dropped); unknown fields are ignored, known ones validated."""
    try:
        payload: Any = orjson.loads(line.removeprefix(BOM))
    except orjson.JSONDecodeError as exc:
        return origin, DeadLetter.of(origin, f"malformed JSON: {exc}", line)
    return article_from_object(payload, origin, line)


def article_from_object(payload: Any, origin: str, raw: bytes) -> Item:
    """One decoded JSON value as an article; ``raw`` is what the dead letter quotes."""
    if not isinstance(payload, dict):
        return origin, DeadLetter.of(origin, f"expected a JSON object, got {type(payload).__name__}", raw)
    fields = {name: payload[name] for name in FIELDS if payload.get(name) is not None}
    if isinstance(fields.get("text"), str) and "id" not in fields:
        fields["id"] = text_id(fields["text"])
    return validated(fields, origin, raw)


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
        with open_regular(path) as stream:
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


def open_regular(path: Path) -> IO[bytes]:
    """``path`` opened for reading; :class:`OSError` when it is not a regular file (a FIFO would block)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError("not a regular file")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def listed(directory: Path) -> tuple[list[Path], list[DeadLetter]]:
    """The supported files under ``directory``, sorted, and the folders under it that cannot be read."""
    found: list[Path] = []
    unreadable: list[DeadLetter] = []

    def refused(exc: OSError) -> None:
        unreadable.append(DeadLetter.of(str(exc.filename), f"cannot read: {exc.strerror or exc}"))

    for root, _dirs, names in os.walk(directory, onerror=refused):
        found.extend(
            Path(root, name)
            for name in names
            if Path(name).suffix.lower() in SUFFIXES and Path(root, name).is_file()
        )
    return sorted(found), unreadable


def expand(paths: Iterable[Path]) -> Iterator[Path | DeadLetter]:
    """Files named, and the supported files under directories named, in sorted order; a directory
    that cannot be listed, or holds no supported file, is a dead letter."""
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        found, unreadable = listed(path)
        yield from found
        yield from unreadable
        if not found and not unreadable:
            yield DeadLetter.of(str(path), f"no {', '.join(sorted(SUFFIXES))} file in the directory")


def read_paths(paths: Iterable[Path], max_bytes: int) -> Iterator[Item]:
    """Articles of every file and directory in ``paths``."""
    for path in expand(paths):
        if isinstance(path, DeadLetter):
            yield path.input, path
        else:
            yield from read_file(path, max_bytes)


def read_stream(stream: IO[bytes], max_bytes: int, name: str = "<stdin>") -> Iterator[Item]:
    """Articles from standard input: JSON Lines when it starts with ``{`` (after a BOM), else one text
    article."""
    head = stream.peek(len(BOM) + 1)[: len(BOM) + 1] if hasattr(stream, "peek") else b""
    if head.removeprefix(BOM)[:1] == b"{":
        yield from read_jsonl(stream, name, max_bytes)
        return
    raw = read_bounded(stream, name, max_bytes)
    yield (name, raw) if isinstance(raw, DeadLetter) else article_from_text(raw, name)
