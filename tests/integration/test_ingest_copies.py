"""What ingestion enters in the near-duplicate index, on the embedded log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from schemas import Article
from streams.runtime.embedded import EmbeddedRuntime
from streams.runtime.publish import ingest_items

TEXT = "Turkey and Russia agreed on joint patrols along the M4 highway, both defence ministries said."


def test_an_article_the_runtime_rejects_is_not_entered_so_its_corrected_version_is_published(
    tmp_path: Path,
) -> None:
    late = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30)
    article = Article(id="patrols", text=TEXT, url="https://wire.example/patrols", published=late)
    with EmbeddedRuntime(tmp_path) as runtime:
        rejected = ingest_items(runtime, [("in.jsonl:1", article)])
        corrected = ingest_items(runtime, [("in.jsonl:2", article.model_copy(update={"published": None}))])
        (dead,) = runtime.dead_letters()
    assert (len(rejected.rejected), rejected.duplicates, rejected.published) == (1, 0, 0)
    assert dead.input == "in.jsonl:1" and dead.reason.startswith("published date")
    assert (corrected.published, corrected.duplicates) == (1, 0)
