"""No packet to anywhere but loopback: an audit hook refuses every other connection and records it.

Installed once in a process (audit hooks cannot be removed), it makes a test
about private or link-local targets safe whatever the code under test does:
the connection fails before a packet leaves, and :data:`ATTEMPTS` names it.
A child process gets the same hook with :data:`BOOTSTRAP`, recording into the
file named by ``ENTENTE_TEST_EGRESS``.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

ATTEMPTS: list[str] = []
"""Every non-loopback connection (or datagram) attempted in this process since the hook was installed."""
VARIABLE = "ENTENTE_TEST_EGRESS"
BOOTSTRAP = "from tests.support.egress import install; install(); from streams.cli import main; main()"
"""``python -c`` source that runs the ``entente`` command with the hook installed."""


def _loopback(address: Any) -> bool:
    try:
        return ipaddress.ip_address(str(address[0]).split("%")[0]).is_loopback
    except ValueError:
        return False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event not in ("socket.connect", "socket.sendto"):
        return
    sock, address = args
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or _loopback(address):
        return
    attempt = f"{address[0]}:{address[1]}"
    ATTEMPTS.append(attempt)
    if path := os.environ.get(VARIABLE):
        with open(path, "a", encoding="utf-8") as log:
            log.write(attempt + "\n")
    raise PermissionError(f"a connection to {attempt} would leave the machine")


_installed = False


def install() -> None:
    """Install the hook in this process (once)."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


@contextmanager
def none_leaves() -> Iterator[None]:
    """Install the hook; fail if the block attempted any connection outside loopback."""
    install()
    before = len(ATTEMPTS)
    yield
    assert ATTEMPTS[before:] == [], f"connections outside loopback attempted: {ATTEMPTS[before:]}"
