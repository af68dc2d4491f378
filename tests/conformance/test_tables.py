"""A table a module of its own adds (:mod:`tests.support.meetings`, through the registry only) is a
table like alliances and zones on every runtime: its rows, its changes on ``state.changes``, its
export; and, named in ``ENTENTE_TABLES``, in a worker process, the CLI and the HTTP API."""

from __future__ import annotations

import asyncio
import csv
import io
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from agents.reduce import fold, view
from agents.reduce.tables import Table, registered
from schemas import PloverType
from schemas.change import Headline
from streams.api import ApiConfig
from streams.config import Settings
from streams.export import export
from streams.runtime.base import Runtime
from streams.runtime.embedded import EmbeddedRuntime
from streams.runtime.kafka import KafkaRuntime
from tests.api.support import serving, wait_for
from tests.e2e.cli import ENTENTE, ROOT, environment
from tests.support.meetings import MEETINGS

MODULE = "tests.support.meetings"
PUBLISHED = "2020-03-05"
TALKS = [
    (
        f"talks.jsonl:{number}",
        orjson.dumps({"id": f"talks-{number}", "text": text, "published": "2020-03-05"}),
    )
    for number, text in enumerate(
        (
            "Turkish President Erdogan met Russian President Putin in Sochi on Monday to discuss Idlib.",
            "Iran and Turkey held talks in Ankara on 3 March 2020.",
            "Russia and Turkey signed an agreement on the Idlib de-escalation zone.",
        ),
        1,
    )
]
FILES = pytest.mark.parametrize(
    "runtime", ["embedded", pytest.param("kafka", marks=pytest.mark.kafka)], indirect=True
)
"""The runtimes another process can open: the embedded log on disk, and the broker."""


@pytest.fixture(autouse=True)
def meetings() -> Iterator[Table]:
    """The ``meetings`` table, registered for the test only (before its runtime is opened)."""
    with registered(MEETINGS) as table:
        yield table


def expected_views(runtime: Runtime) -> list[dict[str, object]]:
    """The views of the ``meetings`` rows the runtime's events fold into."""
    rows = fold(runtime.events())["meetings"]
    return [view(rows[key]) for key in sorted(rows)]


def test_a_registered_table_has_its_rows_changes_and_export_on_every_runtime(runtime: Runtime) -> None:
    runtime.publish_articles(TALKS)
    runtime.run_until_idle()

    consults = [event for event in runtime.events() if event.type == PloverType.CONSULT]
    rows = runtime.state("meetings")
    assert [view(row) for row in rows] == expected_views(runtime)
    assert sum(row.meetings for row in rows) == len(consults) >= 2
    assert runtime.row("meetings", rows[0].key) == rows[0]
    changes = [change for _offset, change in runtime.changes() if change.table == "meetings"]
    for row in rows:
        mine = [change for change in changes if change.key == row.key]
        assert sorted(name for change in mine for name in change.event_ids) == [
            item.event_id for item in row.facts
        ]
        assert (
            mine[-1].after
            == Headline.of(row)
            == Headline(events=row.meetings, first=row.first, last=row.last, actors=(row.key,))
        )
    out = io.StringIO()
    assert export(runtime, "meetings", "csv", out) == len(rows)
    exported = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(line["actor"], int(line["meetings"])) for line in exported] == [
        (row.key, row.meetings) for row in rows
    ]
    assert [view(row) for row in runtime.state("alliances")] == [
        view(row) for _key, row in sorted(fold(runtime.events())["alliances"].items())
    ]


def command(runtime: Runtime, home: Path) -> tuple[list[str], dict[str, str]]:
    """The options and environment that point ``entente`` at ``runtime``'s log (on Kafka, with ``home``
    for its data directory), with the table module."""
    if isinstance(runtime, KafkaRuntime):
        options = runtime.options
        env = {
            "ENTENTE_KAFKA_NAMESPACE": options.namespace,
            "ENTENTE_KAFKA_PARTITIONS": str(options.partitions),
            "ENTENTE_KAFKA_COMMIT_INTERVAL": str(options.commit_interval),
        }
        args = ["--broker", f"kafka://{runtime.bootstrap}"]
    else:
        assert isinstance(runtime, EmbeddedRuntime)
        home, env, args = runtime.log.path.parent, {}, []
    return args, environment(home) | env | {"ENTENTE_TABLES": MODULE, "PYTHONPATH": str(ROOT)}


def entente(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run([ENTENTE, *args], capture_output=True, env=env, cwd=ROOT, timeout=300, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"entente {' '.join(args)} exited {done.returncode}:\n{done.stderr.decode()}")
    return done


@FILES
def test_a_worker_process_the_cli_and_the_api_take_the_table_from_the_setting(
    runtime: Runtime, tmp_path: Path
) -> None:
    args, env = command(runtime, tmp_path / "home")
    runtime.publish_articles(TALKS)
    worker = subprocess.Popen(
        [ENTENTE, "worker", *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for(lambda: not any(asyncio.run(runtime.lag()).values()) and runtime.state("meetings"), 240)
    finally:
        worker.send_signal(signal.SIGTERM)
        stopped = worker.wait(timeout=60)
    assert stopped == 0, worker.stderr.read().decode() if worker.stderr else ""
    expected = expected_views(runtime)
    assert [view(row) for row in runtime.state("meetings")] == expected

    assert orjson.loads(entente("state", "meetings", "--json", *args, env=env).stdout) == expected
    exported = entente("export", "meetings", *args, env=env).stdout.splitlines()
    assert [orjson.loads(line) for line in exported] == expected
    without = {name: value for name, value in env.items() if name != "ENTENTE_TABLES"}
    refused = entente("state", "meetings", *args, env=without, check=False)
    assert refused.returncode == 2 and b"'meetings' is not one of 'alliances', 'zones'" in refused.stderr
    broken = entente("state", *args, env=env | {"ENTENTE_TABLES": "tests.support.nowhere"}, check=False)
    assert broken.returncode == 1
    assert b"input=tests.support.nowhere reason=cannot import the table module" in broken.stderr

    settings = Settings(tables=MODULE)
    if isinstance(runtime, KafkaRuntime):
        config = ApiConfig(
            data_dir=tmp_path / "home",
            worker=False,
            settings=settings.model_copy(update={"broker": f"kafka://{runtime.bootstrap}"}),
            broker=f"kafka://{runtime.bootstrap}",
            kafka=runtime.options,
        )
    else:
        home = Path(env["ENTENTE_HOME"])
        config = ApiConfig(data_dir=home, worker=False, settings=settings.model_copy(update={"home": home}))
    with serving(config) as server, httpx.Client(base_url=server.url, timeout=60) as api:
        assert api.get("/meetings").json() == expected
        actor = str(expected[0]["actor"])
        one = api.get(f"/meetings/{actor}").json()
        assert one["meeting"] == expected[0]
        assert (one["why"]["table"], one["why"]["key"], len(one["why"]["facts"])) == (
            "meetings",
            actor,
            expected[0]["meetings"],
        )
        assert api.get("/meetings", params={"fields": "actor,meetings"}).json() == [
            {"actor": row["actor"], "meetings": row["meetings"]} for row in expected
        ]
        assert api.get("/meetings/NOBODY").status_code == 404
        refused_table = api.get("/changes", params={"table": "nothing"})
        assert refused_table.status_code == 400 and "meetings" in refused_table.json()["error"]
        document = api.get("/openapi.json").json()
        assert {"/meetings", "/meetings/{actor}"} <= document["paths"].keys()
        assert "MeetingView" in document["components"]["schemas"]
