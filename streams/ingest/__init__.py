"""Readers that turn inputs into articles: each yields ``(origin, Article | DeadLetter)``."""

from streams.ingest.files import Item, read_paths, read_stream

__all__ = ["Item", "read_paths", "read_stream"]
