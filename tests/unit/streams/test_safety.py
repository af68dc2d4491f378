"""The address check: private, link-local and loopback addresses are refused after resolution."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from streams.ingest.safety import (
    ANY_ADDRESS,
    BlockedAddress,
    GuardedBackend,
    checked_addresses,
    parse_networks,
    system_resolver,
)


class StubResolver:
    """Resolves names from a table and records every lookup; never touches the network."""

    def __init__(self, table: dict[str, Sequence[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.asked.append(host)
        if host not in self.table:
            raise OSError(f"unknown host {host}")
        return self.table[host]


RESOLVER = StubResolver(
    {
        "news.example": ["93.184.216.34"],
        "sneaky.example": ["127.0.0.1"],
        "split.example": ["93.184.216.34", "10.1.2.3"],
        "mapped.example": ["::ffff:127.0.0.1"],
        "v6.example": ["2606:4700::6810:84e5"],
    }
)


@pytest.mark.parametrize(
    "host",
    ["10.0.0.1", "169.254.169.254", "::1", "[::1]", "127.0.0.1", "192.168.1.20", "100.64.0.1", "0.0.0.0"],
)
async def test_private_link_local_and_loopback_literals_are_refused(host: str) -> None:
    with pytest.raises(BlockedAddress, match="blocked non-public address"):
        await checked_addresses(host, 80, RESOLVER)


@pytest.mark.parametrize("host", ["sneaky.example", "split.example", "mapped.example"])
async def test_a_name_is_refused_when_any_of_its_addresses_is_not_public(host: str) -> None:
    with pytest.raises(BlockedAddress, match=re.escape(host)):
        await checked_addresses(host, 443, RESOLVER)


async def test_public_names_and_addresses_pass() -> None:
    assert [str(a) for a in await checked_addresses("news.example", 443, RESOLVER)] == ["93.184.216.34"]
    assert [str(a) for a in await checked_addresses("v6.example", 443, RESOLVER)] == ["2606:4700::6810:84e5"]
    assert [str(a) for a in await checked_addresses("8.8.8.8", 53, RESOLVER)] == ["8.8.8.8"]


async def test_allowed_networks_pass_and_nothing_else_does() -> None:
    loopback = parse_networks(["127.0.0.1/32"])
    assert [str(a) for a in await checked_addresses("sneaky.example", 80, RESOLVER, loopback)] == [
        "127.0.0.1"
    ]
    with pytest.raises(BlockedAddress):
        await checked_addresses("10.0.0.1", 80, RESOLVER, loopback)
    assert await checked_addresses("169.254.169.254", 80, RESOLVER, parse_networks(ANY_ADDRESS))


async def test_the_system_resolver_answers_a_numeric_host_without_a_lookup() -> None:
    assert await system_resolver("127.0.0.1", 80) == ["127.0.0.1"]


async def test_an_unresolvable_name_is_refused() -> None:
    with pytest.raises(BlockedAddress, match=r"cannot resolve nowhere\.example"):
        await checked_addresses("nowhere.example", 80, RESOLVER)


async def test_the_backend_checks_before_it_connects() -> None:
    resolver = StubResolver({"metadata.internal": ["169.254.169.254"]})
    backend = GuardedBackend(resolver)
    with pytest.raises(BlockedAddress, match=r"metadata.internal \(169.254.169.254\)"):
        await backend.connect_tcp("metadata.internal", 80, timeout=1.0)
    assert resolver.asked == ["metadata.internal"]
    with pytest.raises(BlockedAddress, match="unix socket"):
        await backend.connect_unix_socket("/run/docker.sock")
