"""The correct stage of :mod:`streams.topology` as a Faust agent: ``corrections`` → ``events.by-row``.

Each correction is sent to every row it concerns (:class:`~agents.reduce.corrections.Effect`), in a
record of its own keyed by the row, so that the worker holding the row builds it again in the
order of the row's records (:mod:`streams.kafka.reduce`). What the correction concerns is read from
the ``events`` topic and the corrections before it on ``corrections`` (one partition): a rare
record, so reading the topics whole costs nothing that matters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

import orjson
from faust.types import StreamT

from agents.reduce.corrections import Corrections, Effect
from schemas import Correction, DeadLetter, Event
from streams import topics
from streams.kafka.admin import read_topic
from streams.kafka.stages import StageAgent, origin_of
from streams.records import decoded


@dataclass(frozen=True)
class RowCorrection:
    """A correction as a record of ``events.by-row`` carries it to one of its rows."""

    correction: Correction
    effect: Effect

    PREFIX = b'{"correction":'
    """How the value of such a record begins (and no array or event of ``events.by-row`` does)."""

    def dumps(self) -> bytes:
        return orjson.dumps(
            {
                "correction": self.correction.model_dump(mode="json"),
                "gone": sorted(self.effect.gone),
                "come": [event.model_dump(mode="json") for event in self.effect.come],
                "rows": [list(row) for row in self.effect.rows],
            }
        )

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Self:
        """The correction a record's decoded value holds (a :class:`ValueError` if it holds none)."""
        effect = Effect(
            frozenset(payload["gone"]),
            tuple(Event.from_payload(item) for item in payload["come"]),
            tuple((table, key) for table, key in payload["rows"]),
        )
        return cls(Correction.from_payload(payload["correction"]), effect)


async def logged_corrections(bootstrap: str, topic: str, before: int | None = None) -> Corrections:
    """The corrections on ``topic`` (one partition), those before offset ``before`` when given."""
    records = await read_topic(bootstrap, topic)
    kept = [record for record in records if before is None or record.offset < before]
    return Corrections(correction for _record, correction in decoded(kept, Correction))


class Correct(StageAgent):
    """``corrections`` → ``events.by-row``, one record for each row a correction concerns."""

    async def run(self, stream: StreamT[Any]) -> None:
        """Send each correction to its rows, and tell the worker's other stages of it at once."""
        options, bootstrap = self.app.options, self.app.bootstrap
        async for record in stream.events():
            before = await logged_corrections(
                bootstrap, options.topic(topics.CORRECTIONS), record.message.offset
            )
            events = await read_topic(bootstrap, options.topic(topics.EVENTS))
            logged = [event for _record, event in decoded(events, Event)]
            taken = self.stage.handler(record.message.value, origin_of(record), before, logged)
            if isinstance(taken, DeadLetter):
                await self.dead_letter(taken, record)
                continue
            correction, effect = taken
            await self.app.feed.caught_up()  # the worker's other stages know it from here on
            value = RowCorrection(correction, effect).dumps()
            for table, key in effect.rows:
                await self.output.send(key=f"{table}:{key}".encode(), value=value)
