"""Ingestion on Kafka keeps what it admitted in the data directory's one database, as on the embedded log,
whatever the input, and finds there the new versions of articles it admitted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pytest

from streams.log import LOG_FILE
from tests.e2e.cli import SEEDS, outlet_copies, seed_lines
from tests.kafka.test_audit_kafka import Home
from tests.support.http_site import article_page, seeds
from tests.support.kafka import Kafka, unique

pytestmark = pytest.mark.kafka

DAY = dt.datetime(2019, 2, 11, 8, 30, tzinfo=dt.UTC)


@pytest.fixture
def home(kafka: Kafka, tmp_path: Path) -> Home:
    return Home(
        tmp_path / "home", f"kafka://{kafka.bootstrap}", {"ENTENTE_KAFKA_NAMESPACE": f"{unique('ns')}."}
    )


def test_saved_pages_published_to_kafka_are_admitted_once(home: Home, tmp_path: Path) -> None:
    seed = seeds()[0]
    first, copy = tmp_path / "first.html", tmp_path / "copy.html"
    first.write_bytes(article_page(seed.title, seed.paragraphs, published=DAY))
    paragraphs = [*seed.paragraphs, "(Reporting by the regional desk.)"]
    copy.write_bytes(article_page(f"UPDATE: {seed.title}", paragraphs, published=DAY, site="Wire"))
    assert home.json("ingest", str(first), str(copy))["published"] == 2
    assert home.json("ingest", str(first), str(copy))["published"] == 0
    assert sorted(path.name for path in home.data_dir.glob("*.db")) == [LOG_FILE]


def test_json_lines_copies_published_to_kafka_are_mentions_and_repeats_duplicates(
    home: Home, tmp_path: Path
) -> None:
    copies = tmp_path / "copies.jsonl"
    copies.write_bytes(outlet_copies(SEEDS, 2))
    first = home.json("ingest", str(SEEDS), str(copies))
    assert (first["published"], first["copies"], first["duplicates"]) == (10, 5, 5)
    again = home.json("ingest", str(copies))
    assert (again["published"], again["duplicates"]) == (0, 10)


def test_an_article_ingested_again_under_its_id_with_another_text_is_a_revision(
    home: Home, tmp_path: Path
) -> None:
    """The data directory that admitted an article knows its id: the same id with half its text is a
    new version of it, whose events replace the old version's, as in a log that never held that."""
    lines = seed_lines()
    article = orjson.loads(lines[0])
    sentences = article["text"].split(". ")
    article["text"] = ". ".join(sentences[: len(sentences) // 2]) + "."
    revised, never = tmp_path / "revised.jsonl", tmp_path / "never.jsonl"
    revised.write_bytes(orjson.dumps(article) + b"\n")
    never.write_bytes(b"\n".join([orjson.dumps(article), *lines[1:]]) + b"\n")
    home.cli("run", str(SEEDS))
    assert home.json("run", str(revised))["published"] == 1
    fresh = Home(tmp_path / "never", home.broker, {"ENTENTE_KAFKA_NAMESPACE": f"{unique('ns')}."})
    fresh.cli("run", str(never))
    assert home.json("state") == fresh.json("state")
    changes = [
        orjson.loads(line)
        for line in home.cli("subscribe", "--from-beginning", "--until-idle", "--json").stdout.splitlines()
    ]
    assert any(change["cause"] == "revision" for change in changes)
