"""An analyst's correction of the record, as published on ``corrections``: who made it, when, why,
and what it corrects."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator, model_validator

from schemas.base import Message
from schemas.ids import digest

__all__ = ["OVERRIDABLE", "Correction", "CorrectionKind"]

CorrectionKind = Literal["retraction", "override", "revision"]
OVERRIDABLE = ("type", "source", "target", "zone", "date", "modality")
"""The fields of an event an override may set."""


class Correction(Message):
    """``by`` corrected ``target`` at ``at`` because of ``reason``.

    A ``retraction`` targets an article: its events leave the state. An ``override`` targets an
    event: it ``drop``\\s it, or sets some of its fields (``set``, the values as text; an empty
    text sets a field that may be empty, such as ``target`` or ``zone``, to none). A ``revision``
    targets an article published again with another text: ``events`` are the events of the new
    version, and the article's other events leave the state.
    """

    SCHEMA_VERSION = 1
    schema_version: int = 1

    id: str
    kind: CorrectionKind
    target: str = Field(min_length=1)
    by: str = Field(min_length=1)
    at: dt.datetime
    reason: str
    drop: bool = False
    set: dict[str, str] = Field(default_factory=dict)
    events: tuple[str, ...] = ()

    @field_validator("reason", "by")
    @classmethod
    def _said(cls, text: str) -> str:
        """Refuse an empty (or blank) reason or author."""
        if not text.strip():
            raise ValueError("must not be empty")
        return text

    @field_validator("set")
    @classmethod
    def _overridable(cls, fields: dict[str, str]) -> dict[str, str]:
        """Refuse a field an override cannot set."""
        for name in fields:
            if name not in OVERRIDABLE:
                raise ValueError(f"cannot set {name!r}; expected one of {', '.join(OVERRIDABLE)}")
        return fields

    @model_validator(mode="after")
    def _one_action(self) -> Correction:
        """A retraction or revision does nothing else; an override drops its event or sets fields, not
        both; only a revision names the events of its new version."""
        if self.kind != "override" and (self.drop or self.set):
            raise ValueError(f"a {self.kind} neither drops nor sets fields")
        if self.kind != "revision" and self.events:
            raise ValueError("only a revision names the events of a new version")
        if self.kind == "override" and self.drop == bool(self.set):
            raise ValueError("an override either drops its event or sets fields, one of the two")
        return self

    @classmethod
    def made(
        cls,
        kind: CorrectionKind,
        target: str,
        *,
        by: str,
        reason: str,
        at: dt.datetime,
        drop: bool = False,
        fields: dict[str, str] | None = None,
        events: tuple[str, ...] = (),
    ) -> Correction:
        """A new correction made at ``at``, with an id of its own."""
        fields = fields or {}
        ident = digest(
            "correction", kind, target, by, at.isoformat(), reason, drop, sorted(fields.items()), events
        )
        return cls(
            id=ident,
            kind=kind,
            target=target,
            by=by,
            at=at,
            reason=reason,
            drop=drop,
            set=fields,
            events=events,
        )
