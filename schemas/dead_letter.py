"""A record that could not be processed, kept with the reason on ``articles.dlq``."""

from __future__ import annotations

import base64
import datetime as dt

from schemas.base import Message

EXCERPT_LIMIT = 512
ORIGINAL_LIMIT = 1_000_000
"""The largest payload a dead letter keeps whole (in ``original``), so that it can be replayed."""


class DeadLetter(Message):
    """``input`` names where the record came from (a path, ``path:line`` or ``topic[p]@offset``)."""

    input: str
    reason: str
    stage: str = "ingest"
    excerpt: str = ""
    size: int = 0
    received_at: dt.datetime | None = None
    original: str | None = None
    """The whole payload, base64, when it is at most :data:`ORIGINAL_LIMIT` bytes."""

    def original_bytes(self) -> bytes | None:
        """The whole payload, or ``None`` when it was not kept."""
        return None if self.original is None else base64.b64decode(self.original)

    def line(self) -> str:
        """The one-line rejection shown to users."""
        return f"rejected input={self.input} reason={self.reason}"

    @classmethod
    def of(
        cls, input: str, reason: str, payload: bytes | str | None = b"", stage: str = "ingest"
    ) -> DeadLetter:
        """A dead letter with a safe, bounded excerpt of the offending payload (none of a null one),
        and the payload whole when it is small enough to keep."""
        raw = payload.encode("utf-8", "replace") if isinstance(payload, str) else payload or b""
        excerpt = raw[:EXCERPT_LIMIT].decode("utf-8", "replace")
        original = base64.b64encode(raw).decode() if raw and len(raw) <= ORIGINAL_LIMIT else None
        return cls(input=input, reason=reason, stage=stage, excerpt=excerpt, size=len(raw), original=original)
