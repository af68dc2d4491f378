"""Guards of every request: the Host a loopback server answers, and entity tags of listings."""

from __future__ import annotations

import socket

import httpx
import pytest

from streams.api.guard import LOOPBACK_HOSTS, allowed_hosts, host_name
from tests.api.support import AGREEMENT, AUTH, Server, article


def get(server: Server, host: str, path: str = "/health") -> bytes:
    """A request with a ``Host`` header of our choosing, over a bare socket; the whole reply."""
    address, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((address, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        reply = b""
        while part := sock.recv(65536):
            reply += part
    return reply


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "127.0.0.1.evil.example", ""])
def test_a_loopback_server_refuses_another_host_name(server: Server, host: str) -> None:
    reply = get(server, host)
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert reply.endswith(b'is not served here"}') and b"Traceback" not in reply


def test_a_refused_host_cannot_write(api: httpx.Client) -> None:
    posted = api.post(
        "/articles", json=article("rebound", AGREEMENT), headers=AUTH | {"Host": "evil.example"}
    )
    assert posted.status_code == 400 and set(posted.json()) == {"error"}
    assert api.get("/articles/rebound").status_code == 404


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost:8080", "LOCALHOST", "[::1]:80"])
def test_loopback_names_are_served(server: Server, host: str) -> None:
    assert get(server, host).startswith(b"HTTP/1.1 200 ")


def test_which_hosts_a_bound_address_answers() -> None:
    assert allowed_hosts("127.0.0.1") == LOOPBACK_HOSTS
    assert allowed_hosts("127.0.0.2") == LOOPBACK_HOSTS | {"127.0.0.2"}
    assert allowed_hosts("::1") == LOOPBACK_HOSTS
    assert allowed_hosts("localhost") == LOOPBACK_HOSTS
    assert allowed_hosts("0.0.0.0") is None and allowed_hosts("192.0.2.7") is None
    assert host_name("[::1]:8080") == "[::1]" and host_name("Example.org:1") == "example.org"


def test_a_listing_is_304_while_its_etag_is_current(api: httpx.Client) -> None:
    first = api.get("/alliances", params={"fields": "a,b"})
    tag = first.headers["etag"]
    again = api.get("/alliances", params={"fields": "a,b"}, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    whole = api.get("/alliances", headers={"If-None-Match": tag})
    assert whole.status_code == 200 and whole.headers["etag"] != tag
    dated = api.get("/zones", params={"as_of": "2020-01-01"})
    assert (
        api.get(
            "/zones", params={"as_of": "2020-01-01"}, headers={"If-None-Match": dated.headers["etag"]}
        ).status_code
        == 304
    )
