"""A raw news article as it enters ``articles.raw``."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator

from schemas.base import Message


class Article(Message):
    """One article: its text, and what is known about where and when it was published."""

    id: str = Field(min_length=1, max_length=200)
    title: str | None = None
    text: str = Field(min_length=1)
    published: dt.date | None = None
    source: str | None = None
    url: str | None = None

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is blank")
        return value
