"""The server's limits over real sockets: a request head too slow or too large closes its connection."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from streams.api import ApiConfig
from tests.api.support import Server, serving

PATIENCE_S = 60.0
"""How long the client waits for the server to act (a bound for a broken server, not a measurement)."""


@pytest.fixture
def quick(tmp_path: Path) -> Iterator[Server]:
    """A server without a worker that gives a client one second to send a request."""
    with serving(ApiConfig(data_dir=tmp_path / "data", worker=False, request_timeout=1.0)) as running:
        yield running


def connect(server: Server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=PATIENCE_S)


def until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    reply = b""
    try:
        while part := sock.recv(65536):
            reply += part
    except ConnectionResetError:
        pass
    return reply


def test_a_half_sent_head_is_closed_and_the_server_goes_on(quick: Server) -> None:
    with connect(quick) as idle, connect(quick) as slow:
        slow.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
        assert until_closed(slow) == b""
        assert until_closed(idle) == b""
    assert httpx.get(f"{quick.url}/health").status_code == 200


def test_a_megabyte_header_is_refused_and_its_connection_closed(quick: Server) -> None:
    with connect(quick) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
        sent = 0
        try:
            while sent < 1024 * 1024:
                sock.sendall(b"x" * 65536)
                sent += 65536
            sock.sendall(b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: what the test wants
        reply = until_closed(sock)
    assert reply == b"" or reply.startswith((b"HTTP/1.1 400 ", b"HTTP/1.1 431 ")), reply[:200]
    assert httpx.get(f"{quick.url}/health").status_code == 200
