"""How a state row is stored by either runtime: its summary apart from its facts.

A row holds the fact of every event it counts, and its summary (stance, score, relations...) is
rebuilt from all of them. Written whole, a busy row would cost its full size at every update, and
the bytes written would grow with the square of its history. So a store keeps the row's summary
(the row without its facts, :func:`encode_summary`) under the row, and appends the facts each
update added or changed as one record of facts (:func:`encode_facts`): an update writes the new
summary and one record of facts, however many events it took in. A fact a re-extraction changed
stays in its old record too; :func:`assemble` puts the row back together keeping the one
:func:`~agents.reduce.facts.preferred` keeps, as building the row does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import orjson
from pydantic import TypeAdapter

from agents.reduce.facts import canonical
from agents.reduce.rows import State
from agents.reduce.tables import Held, grown
from agents.speed import assemble as instance
from schemas.event import PloverType
from schemas.state import Fact

_FACTS = TypeAdapter(list[Fact])


def encode_facts(items: Sequence[Fact]) -> bytes:
    return _FACTS.dump_json(list(items))


def decode_facts(value: bytes) -> list[Fact]:
    """The facts of a record :func:`encode_facts` wrote, not validated again: they were when their
    row was built, and validating a busy row's facts costs many times decoding them."""
    return [
        instance(
            Fact,
            item
            | {
                "type": PloverType(item["type"]),
                "date": None if item.get("date") is None else dt.date.fromisoformat(item["date"]),
            },
        )
        for item in orjson.loads(value)
    ]


def encode_summary(state: State) -> bytes:
    """The stored summary of ``state``: the row with no facts."""
    return orjson.dumps({**state.model_dump(mode="json", exclude={"facts"}), "facts": []})


def assemble(model: type[State], summary: bytes, facts: Iterable[bytes]) -> State:
    """The whole row from its stored ``summary`` and the values of its records of facts."""
    items = [item for record in facts for item in decode_facts(record)]
    return model.loads(summary).model_copy(update={"facts": canonical(items)})


def regrown(table: str, key: str, model: type[State], summary: bytes, facts: Iterable[bytes]) -> Held:
    """A row read back from its store, with the parts its next growth reuses (built once)."""
    state = assemble(model, summary, facts)
    return grown(table, key, state.facts, state.as_of)
