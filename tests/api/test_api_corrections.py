"""Corrections over HTTP: ``POST /articles/{id}/retraction`` and ``POST /events/{id}/override``."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import httpx
import pytest

from streams.runtime.embedded import EmbeddedRuntime
from tests.api.support import AUTH, Server

RETRACTED = "001_06dda686d1ea2eb0"


@pytest.fixture
def client(own_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=own_server.url, timeout=60) as client:
        yield client


def corrections_of(server: Server) -> int:
    with EmbeddedRuntime(server.config.data_dir) as runtime:
        return len(runtime.corrections())


def test_a_retraction_takes_the_article_out_of_the_state_but_not_out_of_what_was_known(
    client: httpx.Client,
) -> None:
    before = client.get("/alliances").json()
    time.sleep(0.05)  # record times are in milliseconds: the cut falls before the retraction
    cut = dt.datetime.now(dt.UTC).isoformat()
    time.sleep(0.05)

    reply = client.post(
        f"/articles/{RETRACTED}/retraction", json={"reason": "a hoax", "by": "ana"}, headers=AUTH
    )

    assert reply.status_code == 202
    body = reply.json()
    assert body["changes"] > 0
    assert {key: body["correction"][key] for key in ("kind", "target", "by", "reason")} == {
        "kind": "retraction",
        "target": RETRACTED,
        "by": "ana",
        "reason": "a hoax",
    }
    after = client.get("/alliances").json()
    assert after != before
    assert client.get("/alliances", params={"known_at": cut}).json() == before
    again = client.post(
        f"/articles/{RETRACTED}/retraction", json={"reason": "twice", "by": "ana"}, headers=AUTH
    )
    assert again.status_code == 400 and "already retracted" in again.json()["error"]


@pytest.mark.parametrize(
    ("path", "body", "headers", "status", "error"),
    [
        (f"/articles/{RETRACTED}/retraction", {"reason": "x", "by": "ana"}, {}, 401, "token"),
        (f"/articles/{RETRACTED}/retraction", {"reason": " ", "by": "ana"}, AUTH, 400, "reason"),
        (f"/articles/{RETRACTED}/retraction", {"reason": "x"}, AUTH, 400, "by"),
        (f"/articles/{RETRACTED}/retraction", ["x"], AUTH, 400, "send an object"),
        ("/articles/no-such-article/retraction", {"reason": "x", "by": "ana"}, AUTH, 404, "unknown article"),
        (
            "/events/no-such-event/override",
            {"reason": "x", "by": "ana", "drop": True},
            AUTH,
            404,
            "unknown event",
        ),
        ("/events/no-such-event/override", {"reason": "x", "by": "ana"}, AUTH, 400, "one of the two"),
        (
            "/events/no-such-event/override",
            {"reason": "x", "by": "ana", "set": {"evidence": "y"}},
            AUTH,
            400,
            "--set",
        ),
    ],
)
def test_a_bad_correction_is_refused_in_one_line_and_changes_nothing(
    client: httpx.Client,
    own_server: Server,
    path: str,
    body: object,
    headers: dict[str, str],
    status: int,
    error: str,
) -> None:
    before = client.get("/alliances").json()

    reply = client.post(path, json=body, headers=headers)

    assert reply.status_code == status
    assert error in reply.json()["error"] and "\n" not in reply.json()["error"]
    assert client.get("/alliances").json() == before
    assert corrections_of(own_server) == 0


def test_the_corrections_are_in_the_api_description(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "post" in paths["/articles/{id}/retraction"] and "post" in paths["/events/{id}/override"]


def test_an_override_sets_an_event_s_fields_and_changes_its_rows(client: httpx.Client) -> None:
    [event] = client.get("/events", params={"actor": "TUR", "type": "CONSULT", "limit": 1}).json()["events"]
    before = client.get("/alliances").json()

    reply = client.post(
        f"/events/{event['id']}/override",
        json={"reason": "they fought", "by": "ana", "set": {"type": "ASSAULT"}},
        headers=AUTH,
    )

    assert reply.status_code == 202
    assert reply.json()["correction"]["set"] == {"type": "ASSAULT"} and reply.json()["changes"] > 0
    assert client.get("/alliances").json() != before
    dropped = client.post(
        f"/events/{event['id']}/override",
        json={"reason": "not news", "by": "ana", "drop": True},
        headers=AUTH,
    )
    assert dropped.status_code == 202 and dropped.json()["changes"] > 0
    listed = client.get("/events", params={"actor": "TUR", "limit": 1000}).json()["events"]
    assert event["id"] not in {item["id"] for item in listed}


def test_an_article_posted_again_with_a_new_text_is_a_revision(
    client: httpx.Client, own_server: Server
) -> None:
    old = client.get(f"/articles/{RETRACTED}").json()
    new = {key: old[key] for key in ("id", "title", "published")} | {"text": old["text"].split(". ")[0] + "."}
    before = client.get("/alliances").json()
    held = events_of(client, RETRACTED)

    reply = client.post("/articles", json=new, headers=AUTH)

    assert reply.status_code == 202 and reply.json()["published"] == 1
    assert client.get(f"/articles/{RETRACTED}").json()["text"] == new["text"]
    with EmbeddedRuntime(own_server.config.data_dir) as runtime:  # the server runs no worker
        runtime.run_until_idle()
    assert client.get("/alliances").json() != before
    assert 0 < len(events_of(client, RETRACTED)) < len(held)


def events_of(client: httpx.Client, article_id: str) -> list[str]:
    """The ids of an article's events as ``GET /events`` lists them."""
    listed = client.get("/events", params={"limit": 1000}).json()["events"]
    return [item["id"] for item in listed if item["article_id"] == article_id]
