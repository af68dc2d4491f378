"""A mutation of a state row, as published on ``state.changes``."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import orjson
from pydantic import Field

from schemas.base import Message

Table = Literal["alliances", "zones"]


class Change(Message):
    """``table[key]`` went from ``before`` to ``after`` because of the events in ``cause``.

    ``before``/``after`` are the public views of the row (without its facts);
    ``None`` means the row did not exist / was removed. ``offsets`` are where the events of
    ``event_ids`` are, one for each, in the stream the reducer read: the ``events`` log
    (embedded), or the partition of the row in the stream of events keyed by row (Kafka), where
    an article's events for a row share one record.
    """

    id: str
    table: Table
    key: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    event_ids: tuple[str, ...] = Field(min_length=1)
    article_ids: tuple[str, ...] = ()
    event_time: dt.date | None = None
    ingested_at: dt.datetime | None = None
    offsets: tuple[int, ...] = ()

    def dumps(self) -> bytes:
        """As :meth:`Message.dumps`, the views handed to orjson as they are: they are JSON values
        already (row views, see ``agents.reduce.view``), and walking them again costs more than
        the rest of the change."""
        head = self.model_dump(mode="json", exclude=_VIEWS)
        return orjson.dumps({name: getattr(self, name) if name in _VIEWS else head[name] for name in _FIELDS})


_VIEWS = frozenset({"before", "after"})
_FIELDS = tuple(Change.model_fields)
