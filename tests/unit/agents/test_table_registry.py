"""The registry of state tables: what it holds, what a registered table does, what it refuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import pytest
from pydantic import ValidationError

from agents import reduce
from agents.reduce import tables
from agents.reduce.tables import Table, registered
from schemas.change import Change
from tests.support.factories import event
from tests.support.meetings import MEETINGS, MeetingState


@pytest.fixture
def meetings() -> Iterator[Table]:
    with registered(MEETINGS) as table:
        yield table


def test_the_standard_tables_are_registered_with_their_models() -> None:
    assert tables.names() == ("alliances", "zones")
    assert [table.model.TABLE for table in tables.every()] == ["alliances", "zones"]
    assert tables.get("alliances").fields[:3] == ("a", "b", "stance")
    with pytest.raises(ValueError, match="unknown table 'meetings'; expected one of alliances, zones"):
        tables.get("meetings")


def test_a_registered_table_takes_its_events_and_builds_its_rows_through_the_registry(
    meetings: Table,
) -> None:
    talks = [
        event(id=f"e{n}", type="CONSULT", source="RUS", target="TUR", date=dt.date(2020, 3, n))
        for n in (1, 2)
    ]
    assert reduce.keys(talks[0]) == [("alliances", "RUS|TUR"), ("meetings", "RUS")]
    assert reduce.keys(event(type="AGREE")) == [("alliances", "RUS|TUR")]
    folded = reduce.fold(talks)["meetings"]["RUS"]
    assert (folded.meetings, folded.first, folded.last) == (2, dt.date(2020, 3, 1), dt.date(2020, 3, 2))
    state = None
    changes = []
    for item in [*talks, talks[0]]:  # the repeat changes nothing
        state, made = reduce.apply("meetings", state, item)
        changes += made
    assert state == folded
    assert [change.after.events for change in changes if change.after] == [1, 2]
    assert reduce.why(folded)["facts"][0]["event_id"] == "e1"
    assert [fact["event_id"] for fact in reduce.strongest(folded, 1)["facts"]] == ["e2"]


def test_the_registry_refuses_a_second_table_of_a_name_and_a_module_without_tables(meetings: Table) -> None:
    with pytest.raises(ValueError, match="table 'meetings' is registered already"):
        tables.register(replace(MEETINGS, route=lambda fields: None))
    with pytest.raises(ValueError, match=r"input=tests\.support\.nowhere reason=cannot import"):
        tables.load(["tests.support.nowhere"])
    with pytest.raises(ValueError, match=r"input=tests\.support\.factories reason=the module has no TABLES"):
        tables.load(["tests.support.factories"])
    tables.load(["tests.support.meetings"])  # registered already: the same table again
    assert tables.names() == ("alliances", "zones", "meetings")


def test_a_change_names_a_table_a_row_model_declares() -> None:
    fields = {"id": "c1", "key": "RUS", "event_ids": ["e1"]}
    assert Change.model_validate(fields | {"table": MeetingState.TABLE}).table == "meetings"
    with pytest.raises(ValidationError, match="unknown table 'nothing'"):
        Change.model_validate(fields | {"table": "nothing"})
