"""Auditing on Kafka through the ``entente`` command: ``state --known-at`` and ``reextract``.

The same articles go through both runtimes in two runs, the seeds then (a moment later) an article
about a 2019 meeting, so each answer on Kafka can be checked against the embedded log's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from agents.extract import DEFAULT_MODEL, Extractor, load_extractor
from schemas import Article
from streams import topics
from streams.config import Settings
from streams.kafka.options import KafkaOptions
from streams.reextract import PromoteError, diff, project, promote
from streams.runtime.embedded import EmbeddedRuntime
from streams.runtime.kafka import KafkaRuntime
from tests.e2e.cli import ENTENTE, SEEDS, environment
from tests.support.embedded import WithoutAssaults
from tests.support.kafka import Kafka, unique

pytestmark = pytest.mark.kafka

LATE = Article(
    id="late-2019",
    title="Talks in Tehran",
    text="Iran and Turkey held talks in Tehran on 12 March 2019 about a ceasefire in Idlib.",
    published="2019-03-13",
)
LATE_PAIR = ("IRN", "TUR")


@dataclass(frozen=True)
class Home:
    """A data directory, the broker commands name, and the environment they run in."""

    data_dir: Path
    broker: str
    env: dict[str, str]

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        """``entente ARGS --broker BROKER`` on this data directory."""
        done = subprocess.run(
            [ENTENTE, *args, "--broker", self.broker],
            capture_output=True,
            env={**environment(self.data_dir), **self.env},
            timeout=600,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"entente {' '.join(args)} exited {done.returncode}:\n{done.stderr.decode()}"
            )
        return done

    def json(self, *args: str) -> Any:
        return orjson.loads(self.cli(*args, "--json").stdout)


@dataclass(frozen=True)
class Runs:
    """A home after two runs, the time between them and the state at that time."""

    home: Home
    between: dt.datetime
    early: Any

    def json(self, *args: str) -> Any:
        return self.home.json(*args)


def ingested_in_two_runs(root: Path, broker: str, env: dict[str, str]) -> Runs:
    """The seeds through ``entente run``, then :data:`LATE`."""
    late = root / "late.jsonl"
    late.write_bytes(LATE.dumps() + b"\n")
    home = Home(root / "home", broker, env)
    home.cli("run", str(SEEDS))
    early = home.json("state")
    time.sleep(0.05)
    between = dt.datetime.now(dt.UTC)
    time.sleep(0.05)
    home.cli("run", str(late))
    return Runs(home, between, early)


@pytest.fixture(scope="module")
def namespace() -> str:
    return f"{unique('ns')}."


@pytest.fixture(scope="module")
def on_kafka(kafka: Kafka, namespace: str, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    env = {
        "ENTENTE_KAFKA_NAMESPACE": namespace,
        "ENTENTE_KAFKA_PARTITIONS": "2",
        "ENTENTE_KAFKA_COMMIT_INTERVAL": "0.2",
    }
    return ingested_in_two_runs(tmp_path_factory.mktemp("kafka-audit"), f"kafka://{kafka.bootstrap}", env)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return ingested_in_two_runs(tmp_path_factory.mktemp("embedded-audit"), "embedded", {})


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return load_extractor(DEFAULT_MODEL)


def pair(state: Any, a: str, b: str) -> dict[str, Any] | None:
    return next((row for row in state["alliances"] if (row["a"], row["b"]) == (a, b)), None)


def test_state_known_at_on_kafka_is_the_state_before_the_later_article(on_kafka: Runs) -> None:
    now = on_kafka.json("state")
    then = on_kafka.json("state", "--known-at", on_kafka.between.isoformat())

    assert then == on_kafka.early != now
    late_row, early_row = pair(now, *LATE_PAIR), pair(then, *LATE_PAIR)
    assert late_row is not None and early_row is not None
    assert early_row["last"] < late_row["last"] == "2019-03-12"
    assert early_row["events"] == late_row["events"] - 1
    assert on_kafka.json("replay", "--known-at", on_kafka.between.isoformat()) == then


def test_known_at_reads_an_offset_or_a_naive_time_as_the_same_instant(on_kafka: Runs) -> None:
    east = on_kafka.between.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30))).isoformat()
    naive = on_kafka.between.replace(tzinfo=None).isoformat()

    assert on_kafka.json("state", "--known-at", east) == on_kafka.early
    assert on_kafka.json("state", "--known-at", naive) == on_kafka.early
    assert on_kafka.json("state", "--known-at", "2000-01-01") == {"alliances": [], "zones": []}


def test_known_at_on_kafka_agrees_with_the_embedded_log(on_kafka: Runs, embedded: Runs) -> None:
    for home in (on_kafka, embedded):
        assert home.json("state", "--known-at", home.between.isoformat()) == home.early
    assert on_kafka.early == embedded.early
    assert on_kafka.json("state") == embedded.json("state")


def test_why_on_kafka_explains_a_pair_as_the_embedded_log_does(on_kafka: Runs, embedded: Runs) -> None:
    for args in (LATE_PAIR, ("--as-of", "2019-03-01", *LATE_PAIR)):
        audit = on_kafka.json("why", *args)
        assert audit == embedded.json("why", *args)
    assert audit["facts"] and all(fact["article"]["id"] for fact in audit["facts"])
    unknown = on_kafka.home.cli("why", "XXA", "XXB", check=False)
    assert unknown.returncode == 1 and b"no pair XXA|XXB in the alliances table" in unknown.stderr


@pytest.fixture
def runtime(kafka: Kafka, extractor: Extractor, tmp_path: Path) -> Iterator[KafkaRuntime]:
    options = KafkaOptions(namespace=f"{unique('ns')}.", partitions=2, commit_interval=0.2)
    with KafkaRuntime(
        kafka.bootstrap, Settings(home=tmp_path), options=options, extractor=extractor
    ) as opened:
        yield opened


def test_events_known_at_keeps_each_event_once_from_its_first_record(runtime: KafkaRuntime) -> None:
    before = dt.datetime.now(dt.UTC)
    time.sleep(0.05)
    runtime.publish_articles([("late.jsonl:1", LATE.dumps())])
    runtime.run_until_idle()
    time.sleep(0.05)
    first = dt.datetime.now(dt.UTC)
    runtime.publish_articles([("late.jsonl:1", LATE.dumps())])  # sent again: the same events again
    runtime.run_until_idle()

    events = runtime.events()
    assert len(asyncio.run(runtime.read(topics.EVENTS))) == 2 * len(events) > 0
    assert runtime.events_known_at(first) == events == runtime.events_known_at(dt.datetime.now(dt.UTC))
    assert runtime.events_known_at(first.replace(tzinfo=None)) == events
    assert runtime.events_known_at(before) == []


def test_reextract_on_kafka_with_the_same_extractor_changes_nothing(on_kafka: Runs) -> None:
    report = on_kafka.json("reextract", "--version", "same")

    assert report["rows"] == [] and report["differs"] is False and "promoted" not in report
    assert report["articles"] == 6 and report["dead_letters"] == 0
    assert report["events"]["live"] == report["events"]["projection"] > 0
    assert report["projection"] == str(on_kafka.home.data_dir / "projections" / "same")
    assert (on_kafka.home.data_dir / "projections" / "same" / "log.db").exists()


def test_reextract_promote_on_kafka_is_refused_in_one_line(on_kafka: Runs) -> None:
    before = on_kafka.json("state")

    done = on_kafka.home.cli("reextract", "--version", "next", "--promote", check=False)

    assert done.returncode == 1
    assert done.stderr.decode() == (
        "not promoted: promotion is done on the embedded log only;"
        " without --promote, reextract shows the diff\n"
    )
    assert not (on_kafka.home.data_dir / "projections" / "next").exists()
    assert on_kafka.json("state") == before


def test_a_new_extractor_on_kafka_reports_what_it_reports_on_the_embedded_log(
    on_kafka: Runs, embedded: Runs, namespace: str, kafka: Kafka, extractor: Extractor
) -> None:
    before = on_kafka.json("state")
    settings = Settings(home=on_kafka.home.data_dir, broker=on_kafka.home.broker)
    with (
        KafkaRuntime(kafka.bootstrap, settings, options=KafkaOptions(namespace=namespace)) as cluster,
        EmbeddedRuntime(embedded.home.data_dir) as local,
    ):
        on_cluster = project(cluster, "no-assaults", WithoutAssaults(extractor))
        on_disk = project(local, "no-assaults", WithoutAssaults(extractor))
        with pytest.raises(PromoteError, match="made on Kafka"):
            promote(local, on_cluster)

    report, expected = diff(on_cluster), diff(on_disk)
    assert on_cluster.path == on_kafka.home.data_dir / "projections" / "no-assaults"
    assert report["events"]["removed"] > 0 and report["rows"]
    assert all(e["type"] == "ASSAULT" for row in report["rows"] for e in row["events_removed"])
    assert {**report, "projection": None} == {**expected, "projection": None}
    assert on_kafka.json("state") == before
