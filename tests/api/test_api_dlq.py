"""Dead letters over HTTP: ``GET /dlq`` a page at a time, ``POST /dlq/replay`` with the token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from streams.api import ApiConfig
from streams.config import Settings
from streams.runtime.embedded import EmbeddedRuntime
from tests.api.support import AGREEMENT, AUTH, TOKEN, article, serving, wait_for


@pytest.fixture
def client(tmp_path: Path) -> Iterator[httpx.Client]:
    """A server with a worker on a log holding three dead letters: two malformed values, then an
    article refused as too large under a limit the server does not have."""
    data_dir = tmp_path / "data"
    too_large = orjson.dumps(article("too-large", AGREEMENT))
    with EmbeddedRuntime(data_dir, Settings(home=data_dir, max_article_bytes=len(too_large) - 1)) as runtime:
        runtime.publish_articles([("a", b"{"), ("b", b"[1"), ("c", too_large)])
    with (
        serving(ApiConfig(data_dir=data_dir, token=TOKEN, heartbeat=0.5)) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        yield client


def test_dead_letters_are_listed_a_page_at_a_time(client: httpx.Client) -> None:
    first = client.get("/dlq", params={"limit": 2}).json()
    assert [item["input"] for item in first["dead_letters"]] == ["a", "b"]
    assert first["next"] == 1
    second = client.get("/dlq", params={"after": first["next"], "limit": 2}).json()
    assert [(item["offset"], item["input"], item["stage"]) for item in second["dead_letters"]] == [
        (2, "c", "decode")
    ]
    assert second["next"] is None
    assert second["dead_letters"][0]["reason"].startswith("too large")
    assert client.get("/dlq", params={"limit": 0}).status_code == 400


def test_a_replay_needs_the_token_and_processes_a_fixed_record_once(client: httpx.Client) -> None:
    assert client.post("/dlq/replay").status_code == 401
    bad = client.post("/dlq/replay", json={"offsets": [9]}, headers=AUTH)
    assert (bad.status_code, bad.json()) == (
        400,
        {"error": "input=9 reason=no dead letter at this offset of articles.dlq"},
    )
    assert client.post("/dlq/replay", json={"offsets": ["x"]}, headers=AUTH).status_code == 400
    assert not any(item["replayed"] for item in client.get("/dlq").json()["dead_letters"])

    outcomes = client.post("/dlq/replay", headers=AUTH).json()["outcomes"]
    assert [(outcome["offset"], outcome["result"]) for outcome in outcomes] == [
        (0, "rejected"),
        (1, "rejected"),
        (2, "replayed"),
    ]
    wait_for(lambda: client.get("/events", params={"actor": "TUR"}).json()["events"])
    events = client.get("/events").json()["events"]
    assert {event["article_id"] for event in events} == {"too-large"}

    again = client.post("/dlq/replay", json={"offsets": [2]}, headers=AUTH).json()["outcomes"]
    assert [outcome["result"] for outcome in again] == ["skipped"]
    assert [outcome["offset"] for outcome in client.post("/dlq/replay", headers=AUTH).json()["outcomes"]] == [
        0,
        1,
    ]
    assert client.get("/events").json()["events"] == events
    assert [item["replayed"] for item in client.get("/dlq").json()["dead_letters"]] == [False, False, True]
