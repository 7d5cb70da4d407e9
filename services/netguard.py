"""The public-address guard: only globally routable hosts, checked on resolution and again at connect time."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import typing
from collections.abc import Awaitable, Callable

import httpcore
import httpx

from news.errors import FetchError

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
ALLOW_PRIVATE_SETTING = "NEWSBOT_ALLOW_PRIVATE_URLS=1"  # the setting that lifts the guard (bot/settings.py)


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address (A and AAAA) the system resolver gives for a host."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from None
    return list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, NAT64, 6to4 or Teredo IPv6 address, if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address in _NAT64 or address in _NAT64_LOCAL:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour:
        return address.sixtofour
    return address.teredo[1] if address.teredo else None


def is_public(address: IPAddress) -> bool:
    """Whether an address is globally routable, looking through IPv6 wrappers of IPv4 addresses."""
    inner = embedded_ipv4(address)
    if inner is not None and isinstance(address, ipaddress.IPv6Address) and (address.ipv4_mapped or address in _NAT64):
        return is_public(inner)
    if inner is not None and not is_public(inner):
        return False
    return address.is_global and not address.is_multicast and not address.is_reserved


async def public_addresses(host: str, port: int, resolver: Resolver) -> list[str]:
    """The host's addresses when every one is public; raise FetchError naming the first that is not."""
    try:
        addresses = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        addresses = await resolver(host, port)
    if not addresses:
        raise FetchError(f"cannot resolve {host}: no addresses")
    for text in addresses:
        address = ipaddress.ip_address(text)
        if not is_public(address):
            raise FetchError(
                f"{host} resolves to a non-public address ({address}); refused "
                f"(the setting {ALLOW_PRIVATE_SETTING} allows private addresses)"
            )
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to checked public addresses, resolving the host itself (no DNS rebinding window)."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve, check every address, then connect to the first one that answers."""
        addresses = await public_addresses(host, port, self.resolver)
        error: Exception = httpcore.ConnectError(f"cannot connect to {host}")
        for address in addresses:
            try:
                return await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: typing.Iterable[typing.Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are never a feed's address."""
        raise FetchError("unix sockets are refused")

    async def sleep(self, seconds: float) -> None:
        """Sleep through the wrapped backend."""
        await self.inner.sleep(seconds)


def guarded_transport(resolver: Resolver, limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection goes through GuardedBackend (no proxies from the environment)."""
    transport = httpx.AsyncHTTPTransport(trust_env=False, limits=limits)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(resolver),
    )
    return transport
