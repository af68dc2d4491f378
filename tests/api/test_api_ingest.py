"""Writes: POST /articles with its token, validation as the CLI's, body limits, and what changes."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import orjson

from agents import reduce
from streams.api import ApiConfig
from streams.runtime.embedded import EmbeddedRuntime
from tests.api.support import AGREEMENT, AUTH, Server, article, serving, wait_for
from tests.support import egress
from tests.support.traps import Traps, assert_untouched, targets

TWENTY_MB = 20 * 1024 * 1024


def counts(api: httpx.Client) -> dict[str, int]:
    text = api.get("/metrics").text
    return {
        name: int(value)
        for name, value in (
            line.rsplit(" ", 1) for line in text.splitlines() if line.endswith(tuple("0123456789"))
        )
        if name.endswith("_total")
    }


def lag(api: httpx.Client) -> dict[str, int]:
    text = api.get("/metrics").text
    return {
        line.split('"')[1]: int(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("entente_stage_lag{")
    }


def test_a_posted_article_becomes_events_and_changes(api: httpx.Client, server: Server) -> None:
    before = counts(api)
    response = api.post("/articles", json=article("post-one", AGREEMENT), headers=AUTH)
    assert response.status_code == 202
    assert response.json() | {"errors": []} == {
        "read": 1,
        "published": 1,
        "copies": 0,
        "duplicates": 0,
        "rejected": 0,
        "errors": [],
        "ids": ["post-one"],
    }
    wait_for(lambda: api.get("/events", params={"actor": "TUR", "since": "2020-01-05"}).json()["events"])
    wait_for(lambda: all(value == 0 for value in lag(api).values()))
    after = counts(api)
    assert after["entente_articles_total"] == before["entente_articles_total"] + 1
    assert after["entente_changes_total"] > before["entente_changes_total"]
    assert api.get("/articles/post-one").json()["text"].startswith(AGREEMENT)
    with EmbeddedRuntime(server.config.data_dir) as runtime:
        for table in ("alliances", "zones"):
            assert api.get(f"/{table}").json() == [reduce.view(row) for row in runtime.state(table)]
    again = api.post("/articles", json=article("post-one", AGREEMENT), headers=AUTH).json()
    assert again["duplicates"] == 1 and again["published"] == 0


def test_a_batch_is_validated_item_by_item_and_rejections_kept(api: httpx.Client) -> None:
    before = counts(api)
    batch = [
        article("batch-1", AGREEMENT),
        {"title": "no text"},
        "not an object",
        article("batch-2", AGREEMENT),
    ]
    response = api.post("/articles", json=batch, headers=AUTH)
    assert response.status_code == 202
    body = response.json()
    assert (body["published"], body["rejected"], body["ids"]) == (2, 2, ["batch-1", "batch-2"])
    assert any("POST /articles[1]" in line and "schema violation" in line for line in body["errors"])
    assert any("POST /articles[2]" in line and "expected a JSON object" in line for line in body["errors"])
    after = counts(api)
    assert after["entente_dead_letters_total"] == before["entente_dead_letters_total"] + 2


def test_all_rejected_is_422_and_malformed_json_400(api: httpx.Client) -> None:
    rejected = api.post("/articles", json=[{"text": "   "}], headers=AUTH)
    assert rejected.status_code == 422 and rejected.json()["error"] == "no valid article"
    malformed = api.post("/articles", content=b'{"text": ', headers=AUTH)
    assert malformed.status_code == 400 and malformed.json()["error"].startswith("malformed JSON")
    empty = api.post("/articles", json=[], headers=AUTH)
    assert empty.status_code == 400


def nested(depth: int) -> bytes:
    """A JSON value ``depth`` arrays deep."""
    return b"[" * depth + b"]" * depth


def test_a_deeply_nested_item_is_rejected_alone_and_a_too_deep_body_is_400(api: httpx.Client) -> None:
    before = counts(api)
    deep = b'{"id": "deep", "text": "x", "title": ' + nested(254) + b"}"
    stray = b'{"id": "stray", "text": "' + AGREEMENT.encode() + b'", "extra": ' + nested(254) + b"}"
    batch = (
        b"\xef\xbb\xbf[" + orjson.dumps(article("nested-1", AGREEMENT)) + b"," + deep + b"," + stray + b"]"
    )
    response = api.post("/articles", content=batch, headers=AUTH | {"Content-Type": "application/json"})
    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["published"], body["rejected"], body["ids"]) == (2, 1, ["nested-1", "stray"])
    assert body["errors"] == [
        "rejected input=POST /articles[1] reason=schema violation: title: Input should be a valid string"
    ]
    assert counts(api)["entente_dead_letters_total"] == before["entente_dead_letters_total"] + 1
    too_deep = api.post("/articles", content=nested(2000), headers=AUTH)
    assert too_deep.status_code == 400 and too_deep.json()["error"].startswith("malformed JSON: ")
    wait_for(lambda: all(value == 0 for value in lag(api).values()))


def test_a_write_without_the_right_token_is_401_and_changes_nothing(api: httpx.Client) -> None:
    before = counts(api)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic dXNlcjpwYXNz"}):
        response = api.post("/articles", json=article("sneaky", AGREEMENT), headers=headers)
        assert response.status_code == 401
        assert response.json() == {"error": "a valid bearer token is required"}
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert counts(api) == before
    assert api.get("/articles/sneaky").status_code == 404


def test_without_a_configured_token_writes_are_refused(tmp_path: Path) -> None:
    with serving(ApiConfig(data_dir=tmp_path / "data", token=None, worker=False)) as server:
        response = httpx.post(f"{server.url}/articles", json=article("x", AGREEMENT), headers=AUTH)
        assert response.status_code == 403
        assert "ENTENTE_API_TOKEN" in response.json()["error"]
        assert httpx.get(f"{server.url}/metrics").text.count("entente_articles_total 0") == 1


def test_a_20_mb_body_is_413_and_changes_nothing(api: httpx.Client) -> None:
    before = counts(api)
    body = orjson.dumps(article("huge", "Russia and Turkey met. " * (TWENTY_MB // 23)))
    assert len(body) > TWENTY_MB - 100
    response = api.post("/articles", content=body, headers=AUTH | {"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"error": "request body over 8000000 bytes"}
    assert counts(api) == before


def raw_request(server: Server, head: bytes, chunks: list[bytes]) -> bytes:
    """Send a request by hand, then read the reply until the server closes or has answered."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head)
        for chunk in chunks:
            sock.sendall(chunk)
        reply = b""
        while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
            part = sock.recv(65536)
            if not part:
                break
            reply += part
        return reply


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(server: Server) -> None:
    head = (
        f"POST /articles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {AUTH['Authorization'][7:]}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {TWENTY_MB}\r\n\r\n"
    ).encode()
    reply = raw_request(server, head, [])
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert reply.endswith(b'{"error":"request body over 8000000 bytes"}')


def test_a_chunked_body_is_counted_as_it_streams(server: Server) -> None:
    """Without a length, the server answers 413 once the limit passes, while the client still sends."""
    head = (
        f"POST /articles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {AUTH['Authorization']}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    piece = b"x" * 1_000_000
    chunk = b"%x\r\n%s\r\n" % (len(piece), piece)
    reply = raw_request(server, head, [chunk] * 9)  # 9 MB sent, never the final chunk
    assert reply.startswith(b"HTTP/1.1 413 ")


def test_a_posted_article_with_urls_fetches_nothing(api: httpx.Client) -> None:
    with egress.none_leaves(), Traps() as traps:
        urls = targets(traps, "/posted.html")
        batch = [
            {**article(f"posted-url-{n}", AGREEMENT), "url": url, "text": f"{AGREEMENT} {url}"}
            for n, url in enumerate(urls)
        ]
        bare = [{**article(f"posted-text-{n}", url), "url": url} for n, url in enumerate(urls)]
        response = api.post("/articles", json=batch + bare, headers=AUTH)
        wait_for(lambda: all(value == 0 for value in lag(api).values()))
        assert_untouched(traps)
    assert response.status_code == 202
    assert response.json()["read"] == 2 * len(urls)
