"""A record that could not be processed, kept with the reason on ``articles.dlq``."""

from __future__ import annotations

import datetime as dt

from schemas.base import Message

EXCERPT_LIMIT = 512


class DeadLetter(Message):
    """``input`` names where the record came from (a path, ``path:line`` or ``topic[p]@offset``)."""

    input: str
    reason: str
    stage: str = "ingest"
    excerpt: str = ""
    size: int = 0
    received_at: dt.datetime | None = None

    def line(self) -> str:
        """The one-line rejection shown to users."""
        return f"rejected input={self.input} reason={self.reason}"

    @classmethod
    def of(
        cls, input: str, reason: str, payload: bytes | str | None = b"", stage: str = "ingest"
    ) -> DeadLetter:
        """A dead letter with a safe, bounded excerpt of the offending payload (none of a null one)."""
        raw = payload.encode("utf-8", "replace") if isinstance(payload, str) else payload or b""
        excerpt = raw[:EXCERPT_LIMIT].decode("utf-8", "replace")
        return cls(input=input, reason=reason, stage=stage, excerpt=excerpt, size=len(raw))
