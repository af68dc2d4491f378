"""The base of every message: frozen, strict about unknown fields, orjson on the wire."""

from __future__ import annotations

from typing import Any, ClassVar, Self

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator


class Message(BaseModel):
    """A versioned, immutable message. Subclasses set ``SCHEMA_VERSION``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    SCHEMA_VERSION: ClassVar[int] = 1
    schema_version: int = 1

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, version: int) -> int:
        """Refuse a payload a newer schema wrote: this version cannot know what its fields mean."""
        if version > cls.SCHEMA_VERSION:
            raise ValueError(f"version {version} is newer than {cls.SCHEMA_VERSION}, the newest known here")
        return version

    def dumps(self) -> bytes:
        """Serialise to compact JSON bytes (keys in field order, ``None`` kept)."""
        return orjson.dumps(self.model_dump(mode="json"))

    @classmethod
    def loads(cls, data: bytes | str) -> Self:
        """Parse JSON bytes, upcasting payloads written by older schema versions."""
        return cls.from_payload(orjson.loads(data))

    @classmethod
    def from_payload(cls, payload: Any) -> Self:
        """Validate a decoded JSON value, upcasting it if an older schema version wrote it."""
        from schemas.upcast import upcast

        return cls.from_dict(upcast(cls.__name__, payload))

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> Self:
        """Validate a decoded payload."""
        return cls.model_validate(payload)


class Part(BaseModel):
    """An immutable value nested inside a message (no version of its own)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def validation_reason(error: ValidationError) -> str:
    """A one-line summary of a pydantic error: the first problem and its field."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "record"
    more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"
