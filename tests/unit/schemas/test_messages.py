"""Message contracts: frozen, versioned, deterministic ids, orjson round trips, exported schemas current."""

from __future__ import annotations

import datetime as dt
import json

import orjson
import pytest
from pydantic import ValidationError

from schemas import Article, Change, Correction, DeadLetter, Event, Evidence
from schemas.export import MODELS, SCHEMA_DIR, rendered
from schemas.upcast import _REGISTRY, upcast, upcaster


def make_event(**overrides: object) -> Event:
    fields: dict[str, object] = {
        "article_id": "a1",
        "type": "CONSULT",
        "source": "TUR",
        "target": "RUS",
        "date": dt.date(2019, 2, 14),
        "evidence": Evidence(text="Ankara and Moscow held talks.", start=0, end=29),
        "extractor": "test",
    }
    fields.update(overrides)
    return Event.model_validate(fields)


def test_every_model_is_frozen_and_versioned() -> None:
    for model in MODELS:
        assert model.model_config["frozen"] is True
        assert "schema_version" in model.model_fields
    article = Article(id="x", text="Some text.")
    with pytest.raises(ValidationError):
        article.text = "changed"  # type: ignore[misc]


def test_round_trip_through_orjson() -> None:
    event = make_event()
    assert Event.loads(event.dumps()) == event
    change = Change(
        id="c", table="alliances", key="RUS|TUR", after={"stance": "cooperative"}, event_ids=("e",)
    )
    assert Change.loads(change.dumps()) == change


def test_event_id_is_deterministic_and_ignores_actor_order_of_symmetric_types() -> None:
    first, second = make_event(), make_event(source="RUS", target="TUR")
    assert (first.source, first.target) == ("RUS", "TUR")
    assert first.id == second.id
    assert len(first.id) == 32
    directed = make_event(type="ASSAULT")
    assert (directed.source, directed.target) == ("TUR", "RUS")
    assert directed.id != first.id


def test_event_with_itself_is_rejected() -> None:
    with pytest.raises(ValidationError, match="itself"):
        make_event(target="TUR")


def test_unknown_fields_and_blank_text_are_rejected() -> None:
    with pytest.raises(ValidationError):
        Article.model_validate({"id": "x", "text": "t", "colour": "red"})
    with pytest.raises(ValidationError, match="blank"):
        Article(id="x", text="   \n")


def test_dead_letter_line_names_input_and_reason() -> None:
    dead = DeadLetter.of("feed.jsonl:3", "malformed JSON", b"{oops" * 1000)
    assert dead.line() == "rejected input=feed.jsonl:3 reason=malformed JSON"
    assert len(dead.excerpt) <= 512 and dead.size == 5000


def test_upcast_walks_registered_steps() -> None:
    @upcaster("Probe", 1)
    def _v1_v2(payload: dict[str, object]) -> dict[str, object]:
        return {**payload, "added": True}

    try:
        assert upcast("Probe", {"schema_version": 1}) == {"schema_version": 2, "added": True}
        assert upcast("Probe", {"schema_version": 2}) == {"schema_version": 2}
    finally:
        del _REGISTRY[("Probe", 1)]


def test_exported_json_schemas_are_current() -> None:
    for name, text in rendered().items():
        path = SCHEMA_DIR / name
        assert path.exists(), f"{path} missing: run `entente schemas export`"
        assert json.loads(path.read_text()) == json.loads(text), (
            f"{path} is stale: run `entente schemas export`"
        )


def test_a_change_of_schema_version_1_loads_with_the_headlines_of_its_views() -> None:
    pair = {"a": "RUS", "b": "TUR", "stance": "tense", "score": -3.5, "events": 4, "last": "2018-01-02"}
    zone = {"zone": "IDLIB", "status": "contested", "parties": ["TUR"], "deployed": ["RUS"], "events": 2}
    zone |= {"hostilities": [{"source": "SYR", "target": "TUR", "type": "ASSAULT", "count": 1}]}
    old = {"schema_version": 1, "id": "c", "key": "RUS|TUR", "event_ids": ["e"]}
    alliance = Change.loads(orjson.dumps(old | {"table": "alliances", "before": None, "after": pair}))
    assert alliance.schema_version == 3 and alliance.before is None and alliance.after is not None
    assert (alliance.cause, alliance.reason) == ("event", None)
    assert (alliance.after.stance, alliance.after.score, alliance.after.events) == ("tense", -3.5, 4)
    assert alliance.after.actors == ("RUS", "TUR") and alliance.after.last == dt.date(2018, 1, 2)
    changed = Change.loads(
        orjson.dumps(old | {"table": "zones", "key": "IDLIB", "before": zone, "after": zone})
    )
    assert changed.before == changed.after
    assert changed.after is not None and changed.after.status == "contested"
    assert changed.after.actors == ("RUS", "SYR", "TUR")


def test_a_change_of_schema_version_2_loads_as_an_event_s_change() -> None:
    old = {"schema_version": 2, "id": "c", "table": "alliances", "key": "RUS|TUR", "event_ids": ["e"]}
    change = Change.loads(orjson.dumps(old))
    assert (change.schema_version, change.cause, change.reason) == (3, "event", None)


def test_a_correction_says_who_when_why_and_what() -> None:
    at = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    retraction = Correction.made("retraction", "a-1", by="ana", reason="a hoax", at=at)
    assert Correction.loads(retraction.dumps()) == retraction
    override = Correction.made(
        "override", "e-1", by="ana", reason="misread", at=at, fields={"type": "ASSAULT"}
    )
    assert override.id != retraction.id and override.set == {"type": "ASSAULT"}
    for bad, match in (
        ({"reason": "  "}, "reason"),
        ({"by": ""}, "by"),
        ({"fields": {"evidence": "x"}}, "cannot set 'evidence'"),
        ({"drop": True}, "neither drops"),
    ):
        kwargs = {"by": "ana", "reason": "why", "at": at} | bad
        with pytest.raises(ValidationError, match=match):
            Correction.made("retraction", "a-1", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="one of the two"):
        Correction.made("override", "e-1", by="ana", reason="why", at=at)
