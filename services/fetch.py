"""Fetching source documents: http(s) with caps and a public-address guard, or local files."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from news.errors import FetchError

logger = logging.getLogger(__name__)
USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot/newsbot; self-hosted news briefing bot)"
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched document, or a 304 (content None) when unchanged since the last fetch."""

    url: str
    content: bytes | None
    etag: str | None = None
    last_modified: str | None = None


class Fetcher:
    """Fetches feeds politely (conditional GET, timeouts, size cap) and refuses non-public hosts."""

    def __init__(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        allow_private: bool = False,
        timeout: float = 20.0,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
        )

    async def close(self) -> None:
        """Close the HTTP connection pool."""
        await self.client.aclose()

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """Fetch a URL or local file; raise FetchError with the reason in words."""
        if url.startswith("file://"):
            return await asyncio.to_thread(_read_file, url, self.max_bytes)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _ in range(MAX_REDIRECTS + 1):
            await self._check_address(url)
            try:
                fetched, url = await self._get(url, headers)
            except httpx.TimeoutException:
                raise FetchError("timed out") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"network error: {type(exc).__name__}: {exc}"[:300]) from None
            if fetched is not None:
                return fetched
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    async def _get(self, url: str, headers: dict[str, str]) -> tuple[Fetched | None, str]:
        async with self.client.stream("GET", url, headers=headers) as response:
            if response.status_code in _REDIRECTS and "location" in response.headers:
                return None, urljoin(url, response.headers["location"])
            if response.status_code == 304:
                return Fetched(url, None, response.headers.get("etag"), response.headers.get("last-modified")), url
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) > self.max_bytes:
                    raise FetchError(f"document larger than {self.max_bytes // 1024} KiB")
            return Fetched(url, bytes(body), response.headers.get("etag"), response.headers.get("last-modified")), url

    async def _check_address(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"only http and https addresses can be fetched, not '{url[:80]}'")
        if self.allow_private:
            return
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, parts.port or 443)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(f"cannot resolve {parts.hostname}: {exc}") from None
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
                address = address.ipv4_mapped
            if not address.is_global:
                raise FetchError(f"{parts.hostname} resolves to a non-public address ({address}); refused")


def _read_file(url: str, max_bytes: int) -> Fetched:
    path = Path(unquote(urlsplit(url).path))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FetchError(f"file larger than {max_bytes // 1024} KiB")
        return Fetched(url, path.read_bytes())
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from None
