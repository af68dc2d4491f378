"""Outbound request safety: never connect to a private, link-local or loopback address by accident.

Every connection the fetcher opens goes through :class:`GuardedBackend`, which
resolves the host itself, checks every address with :func:`checked_addresses`
and connects to a checked address, so a name cannot resolve to a public
address for the check and a private one for the connection. Redirects open new
connections, so each hop is checked the same way.

An address is judged by what it means: an IPv6 address that carries an IPv4
one (mapped, compatible, NAT64, 6to4, Teredo) is refused unless the IPv4
address passes too, and a host that is neither an address nor a valid name
(``2130706433``, ``0x7f.1``, ``a b``) is refused before anything resolves it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

ANY_ADDRESS: tuple[str, ...] = ("0.0.0.0/0", "::/0")
"""The networks to allow for ``--allow-private``: every address."""

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")
HOST_NAME = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)(\.(?!-)[a-z0-9_-]{1,63}(?<!-))*\.?")
NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")
"""A label the system resolver reads as a number (``127.1``, ``0x7f.0.0.1``, ``2130706433``)."""


class BlockedAddress(Exception):
    """A host resolved to an address that requests may not go to."""


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the operating system resolves ``host`` to."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def meaning(address: IPAddress) -> IPAddress:
    """The address itself, or the IPv4 address an IPv4-mapped one (``::ffff:a.b.c.d``) is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def carried_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address that traffic to ``address`` reaches: of IPv4-compatible
    (``::a.b.c.d``), NAT64 (``64:ff9b::/96``), 6to4 (``2002::/16``) and Teredo
    (``2001::/32``, its client) addresses; ``None`` for a plain IPv6 address."""
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64 or int(address) >> 32 == 0:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """Whether ``address`` is globally routable unicast (not private, loopback, link-local, reserved),
    and so is the IPv4 address it carries, if any."""
    address = meaning(address)
    if isinstance(address, ipaddress.IPv6Address):
        if address.is_site_local or address in LOCAL_NAT64:
            return False
        carried = carried_ipv4(address)
        if carried is not None and not is_public(carried):
            return False
    return address.is_global and not address.is_multicast


def host_address(host: str) -> IPAddress | None:
    """The address ``host`` is written as (``127.0.0.1``, ``[::1]``), ``None`` for a name.

    A host that is neither an address in canonical form nor a valid name is
    :class:`BlockedAddress`: a resolver would read ``0177.0.0.1`` or
    ``2130706433`` as an address, and ``a b`` is no name at all.
    """
    try:
        return ipaddress.ip_address(host[1:-1] if host.startswith("[") and host.endswith("]") else host)
    except ValueError:
        pass
    name = host.lower()
    if not HOST_NAME.fullmatch(name):
        raise BlockedAddress(f"malformed host {host!r}")
    if NUMERIC_LABEL.fullmatch(name.rstrip(".").rpartition(".")[2]):
        raise BlockedAddress(f"malformed host {host!r}: a number that is not a dotted-quad address")
    return None


def parse_networks(networks: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Networks from their CIDR text (``127.0.0.1/32``, ``::1/128``)."""
    return tuple(ipaddress.ip_network(network) for network in networks)


async def checked_addresses(
    host: str, port: int, resolver: Resolver, allowed: Sequence[IPNetwork] = ()
) -> list[IPAddress]:
    """The addresses of ``host``, after checking that every one may be connected to.

    An address passes when it is public (see :func:`is_public`) or lies in one
    of the ``allowed`` networks; an IPv4-mapped address is judged, and returned
    for connecting, as the IPv4 address it is. If any address fails, :class:`BlockedAddress` names it: a name
    with one private address among public ones is refused whole.
    """
    literal = host_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = [ipaddress.ip_address(text.split("%")[0]) for text in await resolver(host, port)]
        except OSError as exc:
            raise BlockedAddress(f"cannot resolve {host}: {exc}") from exc
    if not addresses:
        raise BlockedAddress(f"{host} resolves to no address")
    checked = []
    for address in addresses:
        meant = meaning(address)
        if not is_public(meant) and not any(meant in network for network in allowed):
            shown = host if host.strip("[]") == str(meant) else f"{host} ({meant})"
            raise BlockedAddress(f"blocked non-public address {shown}")
        checked.append(meant)
    return checked


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
