"""Traps: servers on loopback addresses that ingestion must never reach, and every way to write them.

The news site of a test is served from ``127.0.0.1`` and only ``127.0.0.1/32``
is allowed; the traps listen on ``127.0.0.2`` and ``[::1]`` and count every
connection they accept. :meth:`Traps.urls` writes their addresses in each form
a guard could misjudge (IPv4-mapped, compatible, NAT64, 6to4, decimal, octal,
hex, short, full-width), :data:`OUTSIDE` names private and link-local targets
that must fail before any socket connects (see :mod:`tests.support.egress`).
"""

from __future__ import annotations

from contextlib import ExitStack
from types import TracebackType
from typing import Self

from tests.support.http_site import Request, Site

ALLOWED = ("127.0.0.1/32",)
OUTSIDE = (
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/admin",
    "http://[::ffff:169.254.169.254]/latest/meta-data/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:a9fe:a9fe::1]/",
    "http://[fe80::1]/",
    "http://[fec0::1]/",
    "http://2852039166/",
    "http://0251.0376.0251.0376/",
    "http://0xa9.0xfe.0xa9.0xfe/",
    "http://10.1/",
)
"""Private and link-local targets, written plainly and in the forms that hide them."""


class Traps:
    """Two trap servers, ``127.0.0.2`` and ``[::1]``: ``with Traps() as traps: traps.urls("/x")``."""

    def __init__(self) -> None:
        self.v4, self.v6 = Site("127.0.0.2"), Site("::1")
        self._stack = ExitStack()

    def __enter__(self) -> Self:
        self._stack.enter_context(self.v4)
        self._stack.enter_context(self.v6)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stack.close()

    def urls(self, path: str) -> list[str]:
        """``path`` on the traps, in every form of their addresses."""
        four, six = self.v4.port, self.v6.port
        hosts = [
            f"127.0.0.2:{four}",
            f"[::ffff:127.0.0.2]:{four}",
            f"[::ffff:7f00:2]:{four}",
            f"[::7f00:2]:{four}",
            f"[64:ff9b::7f00:2]:{four}",
            f"[2002:7f00:2::1]:{four}",
            f"[2001:0:4136:e378:8000:63bf:80ff:fffd]:{four}",
            f"2130706434:{four}",
            f"0177.0.0.2:{four}",
            f"0x7f.0.0.2:{four}",
            f"127.2:{four}",
            f"１２７.０.０.２:{four}",
            f"[::1]:{six}",
            f"[0:0:0:0:0:0:0:1]:{six}",
        ]
        return [f"http://{host}{path}" for host in hosts]

    @property
    def connections(self) -> int:
        """How many connections the traps accepted (the test expects none)."""
        return self.v4.connections + self.v6.connections

    @property
    def requests(self) -> list[Request]:
        return self.v4.requests + self.v6.requests
