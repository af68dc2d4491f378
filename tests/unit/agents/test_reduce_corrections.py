"""Corrections applied to events and rows (:mod:`agents.reduce.corrections`): pure, no log."""

from __future__ import annotations

import datetime as dt

from agents import reduce
from agents.reduce.corrections import Corrections, corrected_row, correction_change, refusal
from agents.reduce.tables import grown
from schemas import Correction, PloverType
from tests.support.factories import event

AT = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
DEAL = event()
TALKS = event(type="CONSULT", evidence={"text": "They met.", "start": 40, "end": 49})
OTHER = event(article_id="a2", source="IRN", target="SYR")


def retract(article_id: str) -> Correction:
    return Correction.made("retraction", article_id, by="ana", reason="a hoax", at=AT)


def override(event_id: str, drop: bool = False, **fields: str) -> Correction:
    return Correction.made("override", event_id, by="ana", reason="misread", at=AT, drop=drop, fields=fields)


def test_a_retraction_takes_every_event_of_its_article_and_no_other() -> None:
    corrections = Corrections([retract("a1")])
    assert corrections.events([DEAL, OTHER, TALKS]) == [OTHER]


def test_the_last_override_of_an_event_holds_and_a_drop_removes_it() -> None:
    corrections = Corrections([override(DEAL.id, type="ASSAULT"), override(DEAL.id, target="IRN")])
    [changed] = corrections.events([DEAL])
    assert (changed.id, changed.type, changed.source, changed.target) == (
        DEAL.id,
        PloverType.AGREE,
        "IRN",
        "RUS",
    )
    assert Corrections([override(DEAL.id, drop=True)]).events([DEAL, OTHER]) == [OTHER]
    assert (
        Corrections([override(DEAL.id, zone="")]).events([DEAL.model_copy(update={"zone": "IDLIB"})])[0].zone
        is None
    )


def test_an_override_the_event_cannot_take_leaves_it_as_logged() -> None:
    corrections = Corrections([override(DEAL.id, target="RUS")])  # an event of an actor with itself
    assert corrections.events([DEAL]) == [DEAL]


def test_a_correction_held_already_is_taken_once() -> None:
    corrections = Corrections([retract("a1"), retract("a1")])
    assert len(corrections.logged) == 1


def test_taking_an_override_names_the_rows_the_event_leaves_and_enters() -> None:
    corrections = Corrections()
    effect = corrections.take(override(DEAL.id, target="IRN"), [DEAL, OTHER])
    assert effect.gone == {DEAL.id}
    assert [(item.source, item.target) for item in effect.come] == [("IRN", "RUS")]
    assert effect.rows == (("alliances", "IRN|RUS"), ("alliances", "RUS|TUR"))


def test_a_row_is_built_again_without_what_a_correction_takes_out() -> None:
    row = grown(
        "alliances",
        "RUS|TUR",
        tuple(sorted((reduce.facts.fact(DEAL), reduce.facts.fact(TALKS)), key=lambda f: f.event_id)),
    )
    after = corrected_row("alliances", "RUS|TUR", row, {DEAL.id}, [])
    assert after is not None
    assert after.state == reduce.fold([TALKS])["alliances"]["RUS|TUR"]
    change = correction_change("alliances", "RUS|TUR", row, after, retract("a1"), {DEAL.id, TALKS.id})
    assert change is not None and change.event_ids == (DEAL.id,) and change.cause == "retraction"
    assert change.reason == "a hoax" and change.after is not None and change.after.events == 1
    emptied = corrected_row("alliances", "RUS|TUR", after, {TALKS.id}, [])
    assert emptied is None
    gone = correction_change("alliances", "RUS|TUR", after, None, retract("a1"), {TALKS.id})
    assert gone is not None and gone.after is None
    assert correction_change("alliances", "RUS|TUR", after, after, retract("a1"), {DEAL.id}) is None


def test_what_cannot_be_corrected_is_refused_in_one_line() -> None:
    held = Corrections([retract("a1")])
    assert refusal(retract("a9"), held, False, []).reason == "unknown article a9"  # type: ignore[union-attr]
    assert refusal(retract("a9"), held, False, []).unknown  # type: ignore[union-attr]
    assert (
        "already retracted (by ana at 2024-05-01T12:00:00+00:00)"
        in refusal(retract("a1"), held, True, []).reason
    )  # type: ignore[union-attr]
    assert refusal(override("nope", drop=True), held, True, [DEAL]).reason == "unknown event nope"  # type: ignore[union-attr]
    assert "retracted article a1" in refusal(override(DEAL.id, drop=True), held, True, [DEAL]).reason  # type: ignore[union-attr]
    assert "cannot set type" in refusal(override(OTHER.id, type="NOPE"), held, True, [OTHER]).reason  # type: ignore[union-attr]
    assert refusal(override(OTHER.id, type="ASSAULT"), held, True, [OTHER]) is None


def test_an_audit_of_a_row_finds_the_corrections_of_events_that_went_to_it() -> None:
    moved, gone = override(DEAL.id, target="IRN"), retract("a2")
    corrections = Corrections([moved, gone])
    assert corrections.of_row("alliances", "RUS|TUR", [DEAL, OTHER]) == [moved]
    assert corrections.of_row("alliances", "IRN|RUS", [DEAL, OTHER]) == [moved]
    assert corrections.of_row("alliances", "IRN|SYR", [DEAL, OTHER]) == [gone]
