"""A raw news article as it enters ``articles.raw``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import AwareDatetime, Field, field_validator

from schemas.base import Message, Part

DateMethod = Literal["metadata", "feed", "text", "given"]


class Provenance(Part):
    """Where and how an article was fetched.

    ``date_method`` says how ``published`` was found: ``metadata`` (the page's
    own date markup), ``feed`` (the feed entry's date), ``text`` (a date in the
    page text) or ``given`` (supplied with the input).
    """

    feed: str | None = None
    url: str | None = None
    outlet: str | None = None
    fetched_at: AwareDatetime | None = None
    http_status: int | None = None
    content_hash: str | None = None
    date_method: DateMethod | None = None


class Article(Message):
    """One article: its text, and what is known about where and when it was published.

    ``copy_of`` names the first article this one is a near-duplicate of (the same
    wire story republished with small edits): it is kept as a mention, but it is
    not an independent report.
    """

    id: str = Field(min_length=1, max_length=200)
    title: str | None = None
    text: str = Field(min_length=1)
    published: dt.date | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    provenance: Provenance | None = None
    copy_of: str | None = None

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is blank")
        return value
