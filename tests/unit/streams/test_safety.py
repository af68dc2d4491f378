"""The address check: private, link-local and loopback addresses are refused after resolution, in every
form an address can be written in, and hosts that are no names are refused before it."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

import pytest

from streams.ingest.safety import (
    ANY_ADDRESS,
    BlockedAddress,
    GuardedBackend,
    carried_ipv4,
    checked_addresses,
    is_public,
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


@pytest.mark.parametrize(
    ("host", "carried"),
    [
        ("::ffff:127.0.0.2", "127.0.0.2"),  # IPv4-mapped
        ("::ffff:7f00:2", "127.0.0.2"),
        ("::7f00:2", None),  # IPv4-compatible
        ("::10.0.0.1", None),
        ("64:ff9b::7f00:2", None),  # NAT64
        ("64:ff9b::a9fe:a9fe", None),
        ("64:ff9b:1::808:808", None),  # local-use NAT64
        ("2002:7f00:2::1", None),  # 6to4
        ("2002:a00:1::", None),
        ("2001:0:4136:e378:8000:63bf:80ff:fffd", None),  # Teredo, client 127.0.0.2
        ("fec0::1", None),  # site-local
    ],
)
async def test_ipv6_forms_are_judged_by_the_ipv4_address_they_carry(host: str, carried: str | None) -> None:
    with pytest.raises(BlockedAddress, match="blocked non-public address") as refused:
        await checked_addresses(f"[{host}]", 80, RESOLVER)
    if carried is not None:
        assert f"({carried})" in str(refused.value)
    assert not is_public(ipaddress.ip_address(host))


@pytest.mark.parametrize(
    ("address", "carried"),
    [
        ("::7f00:2", "127.0.0.2"),
        ("64:ff9b::a9fe:a9fe", "169.254.169.254"),
        ("2002:a00:1::", "10.0.0.1"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffd", "127.0.0.2"),
        ("2606:4700::6810:84e5", None),
    ],
)
def test_the_ipv4_address_an_ipv6_one_carries(address: str, carried: str | None) -> None:
    found = carried_ipv4(ipaddress.IPv6Address(address))
    assert (str(found) if found else None) == carried


def test_ipv6_forms_carrying_a_public_ipv4_address_pass() -> None:
    assert all(is_public(ipaddress.ip_address(a)) for a in ("64:ff9b::808:808", "2002:808:808::1"))


async def test_a_mapped_address_is_allowed_and_connected_to_as_its_ipv4_address() -> None:
    loopback = parse_networks(["127.0.0.1/32"])
    assert await checked_addresses("[::ffff:127.0.0.1]", 80, RESOLVER, loopback) == [
        ipaddress.IPv4Address("127.0.0.1")
    ]
    with pytest.raises(BlockedAddress):
        await checked_addresses("[::7f00:1]", 80, RESOLVER, loopback)


@pytest.mark.parametrize(
    "host", ["2130706433", "127.1", "0x7f.0.0.1", "0x7f000001", "127.0.0.1.", "0177.0.0.1", "017700000001"]
)
async def test_numbers_a_resolver_would_read_as_addresses_are_refused_unresolved(host: str) -> None:
    resolver = StubResolver({})
    with pytest.raises(BlockedAddress, match="not a dotted-quad address"):
        await checked_addresses(host, 80, resolver)
    assert resolver.asked == []


@pytest.mark.parametrize("host", ["a%20b", "a b", "-a.example", "a..example", "", "１２７.０.０.１", "[::1"])
async def test_hosts_that_are_no_names_are_refused_unresolved(host: str) -> None:
    resolver = StubResolver({})
    with pytest.raises(BlockedAddress, match="malformed host"):
        await checked_addresses(host, 80, resolver)
    assert resolver.asked == []


async def test_an_idn_host_is_resolved_by_its_ascii_name_and_checked() -> None:
    resolver = StubResolver({"xn--bcher-kva.example": ["10.1.2.3"], "xn--caf-dma.example": ["1.1.1.1"]})
    with pytest.raises(BlockedAddress, match=r"xn--bcher-kva\.example \(10\.1\.2\.3\)"):
        await checked_addresses("xn--bcher-kva.example", 80, resolver)
    assert [str(a) for a in await checked_addresses("xn--caf-dma.example", 80, resolver)] == ["1.1.1.1"]
