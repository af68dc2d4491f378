"""Corrections survive re-extraction: a promoted projection folds the events as they leave them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from agents import reduce
from agents.extract import load_extractor
from schemas import Correction, PloverType
from streams.config import Settings
from streams.reextract import diff, project, promote
from streams.runtime.embedded import EmbeddedRuntime
from tests.e2e.cli import seed_lines
from tests.support.embedded import WithoutAssaults

AT = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)


def test_retractions_and_overrides_hold_after_a_promoted_re_extraction(tmp_path: Path) -> None:
    with EmbeddedRuntime(tmp_path, Settings(home=tmp_path), extractor=load_extractor()) as runtime:
        runtime.publish_articles((f"seeds:{n}", line) for n, line in enumerate(seed_lines()))
        runtime.run_until_idle()
        events = runtime.events()
        retracted = events[0].article_id
        dropped, retyped = [
            event
            for event in events
            if event.article_id != retracted and event.type is not PloverType.ASSAULT
        ][:2]
        for correction in (
            Correction.made("retraction", retracted, by="ana", reason="a hoax", at=AT),
            Correction.made("override", dropped.id, by="ana", reason="not an event", at=AT, drop=True),
            Correction.made(
                "override", retyped.id, by="ana", reason="an attack", at=AT, fields={"type": "ASSAULT"}
            ),
        ):
            runtime.correct(correction)
        later = runtime.articles()[-1]
        sentences = later.text.split(". ")
        revised = later.model_copy(update={"text": ". ".join(sentences[: len(sentences) // 2]) + "."})
        runtime.revise("a correspondent", revised)
        runtime.run_until_idle()
        assert diff(project(runtime, "same"))["differs"] is False

        extractor = WithoutAssaults(load_extractor())
        promote(runtime, project(runtime, "v-next", extractor))
        runtime.run_until_idle()

        after = {event.id: event for event in runtime.events()}
        assert retracted not in {event.article_id for event in after.values()}
        assert dropped.id not in after and after[retyped.id].type is PloverType.ASSAULT
        assert all(
            event.type is not PloverType.ASSAULT for name, event in after.items() if name != retyped.id
        )
        state = {table: {row.key: row for row in runtime.state(table)} for table in reduce.tables.names()}
        assert reduce.digest(reduce.fold(runtime.events())) == reduce.digest(state)
        assert {change.cause for _offset, change in runtime.changes()} == {
            "event",
            "retraction",
            "override",
            "revision",
            "reextraction",
        }
        now = {event.id for event in runtime.events() if event.article_id == later.id}
        assert now == {event.id for event in extractor.extract(revised)} != set()
