"""Outbound request safety: never connect to a private, link-local or loopback address by accident.

Every connection the fetcher opens goes through :class:`GuardedBackend`, which
resolves the host itself, checks every address with :func:`checked_addresses`
and connects to a checked address, so a name cannot resolve to a public
address for the check and a private one for the connection. Redirects open new
connections, so each hop is checked the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

ANY_ADDRESS: tuple[str, ...] = ("0.0.0.0/0", "::/0")
"""The networks to allow for ``--allow-private``: every address."""


class BlockedAddress(Exception):
    """A host resolved to an address that requests may not go to."""


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the operating system resolves ``host`` to."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: IPAddress) -> bool:
    """Whether ``address`` is globally routable unicast (not private, loopback, link-local, reserved)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def parse_networks(networks: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Networks from their CIDR text (``127.0.0.1/32``, ``::1/128``)."""
    return tuple(ipaddress.ip_network(network) for network in networks)


async def checked_addresses(
    host: str, port: int, resolver: Resolver, allowed: Sequence[IPNetwork] = ()
) -> list[IPAddress]:
    """The addresses of ``host``, after checking that every one may be connected to.

    An address passes when it is public or lies in one of the ``allowed``
    networks. If any address fails, :class:`BlockedAddress` names it: a name
    with one private address among public ones is refused whole.
    """
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        try:
            addresses = [ipaddress.ip_address(text.split("%")[0]) for text in await resolver(host, port)]
        except OSError as exc:
            raise BlockedAddress(f"cannot resolve {host}: {exc}") from exc
    if not addresses:
        raise BlockedAddress(f"{host} resolves to no address")
    for address in addresses:
        if not is_public(address) and not any(address in network for network in allowed):
            shown = host if host == str(address) else f"{host} ({address})"
            raise BlockedAddress(f"blocked non-public address {shown}")
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that checks every address before connecting to it."""

    def __init__(self, resolver: Resolver, allowed: Sequence[IPNetwork] = ()) -> None:
        self._resolver = resolver
        self._allowed = tuple(allowed)
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first reachable checked address of ``host``."""
        addresses = await checked_addresses(host, port, self._resolver, self._allowed)
        for address in addresses[:-1]:
            with contextlib.suppress(httpcore.ConnectError):
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
        return await self._inner.connect_tcp(str(addresses[-1]), port, timeout, local_address, socket_options)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are never used for fetching."""
        raise BlockedAddress(f"unix socket {path} refused")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
