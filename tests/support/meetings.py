"""A table of the tests' own, ``meetings``, added as any other table is: a row model and a registry
entry, listed in ``TABLES`` for ``ENTENTE_TABLES=tests.support.meetings``.

One row per actor, keyed by the source of its CONSULT events, counting them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from agents.reduce.tables import Api, Table
from schemas.event import PloverType
from schemas.state import Fact, Headline, Row


class MeetingState(Row):
    """The consultations an actor led: how many, and the days they span."""

    TABLE: ClassVar[str] = "meetings"

    actor: str
    meetings: int = 0
    first: dt.date | None = None
    last: dt.date | None = None
    as_of: dt.date | None = None
    facts: tuple[Fact, ...] = ()

    @property
    def key(self) -> str:
        return self.actor

    def headline(self) -> Headline:
        return Headline(events=self.meetings, first=self.first, last=self.last, actors=(self.actor,))


def source_of_consult(fields: Mapping[str, Any]) -> str | None:
    """The source of a CONSULT event."""
    return fields["source"] if fields["type"] == PloverType.CONSULT else None  # type: ignore[no-any-return]


def build(key: str, facts: tuple[Fact, ...], as_of: dt.date | None) -> MeetingState:
    days = [item.date for item in facts if item.date is not None]
    return MeetingState(
        actor=key, meetings=len(facts), first=min(days, default=None), last=max(days, default=None),
        as_of=as_of, facts=facts,
    )  # fmt: skip


MEETINGS = Table(
    MeetingState,
    route=source_of_consult,
    build=build,
    api=Api(
        one="meeting",
        listing="Every actor that consulted another, sorted by id.",
        detail="One actor's consultations, with their facts.",
        params=(("actor", "An actor id."),),
        key=str,
        view="An actor's consultations, without their facts.",
    ),
)
TABLES = (MEETINGS,)
