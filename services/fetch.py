"""Fetching source documents: http(s) with caps and a public-address guard, or local files."""

from __future__ import annotations

import asyncio
import logging
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from news.errors import FetchError
from news.health import parse_retry_after
from services.clock import Clock, utc_now
from services.netguard import Resolver, guarded_transport, public_addresses, system_resolver

logger = logging.getLogger(__name__)
USER_AGENT = "newsbot/0.2 (+https://github.com/newsbot/newsbot; self-hosted news briefing bot)"
ACCEPT = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8"
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_STATUS_WORDS = {
    401: "the site asks for a login",
    403: "the site refuses automated readers",
    404: "no such page",
    410: "the feed is gone for good",
    429: "the site says we ask too often",
}


class RetryLater(FetchError):
    """The server asked us to come back later (429 or 503, with or without Retry-After)."""

    def __init__(self, reason: str, retry_after: float | None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched document, or a 304 (content None) when unchanged since the last fetch."""

    url: str
    content: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None


class Fetcher:
    """Fetches feeds politely (conditional GET, time and size caps, per-host limit) and refuses non-public hosts."""

    def __init__(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        allow_private: bool = False,
        timeout: float = 20.0,
        total_timeout: float = 60.0,
        max_bytes: int = MAX_BYTES,
        resolver: Resolver = system_resolver,
        per_host: int = 2,
        clock: Clock = utc_now,
    ) -> None:
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.total_timeout = total_timeout
        self.resolver = resolver
        self.per_host = per_host
        self.clock = clock
        self._hosts: dict[str, asyncio.Semaphore] = {}
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=8)
        if transport is None and not allow_private:
            transport = guarded_transport(resolver, limits)
        self.client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            trust_env=False,
            limits=limits,
        )

    async def close(self) -> None:
        """Close the HTTP connection pool."""
        await self.client.aclose()

    async def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None, *, local_files: bool = False
    ) -> Fetched:
        """Fetch a URL (or a file:// URL when local_files); raise FetchError with the reason in words."""
        if url.startswith("file://") and local_files:
            return await asyncio.to_thread(_read_file, url, self.max_bytes)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = (urlsplit(url).hostname or "").lower()
        async with self._host_limit(host):
            try:
                async with asyncio.timeout(self.total_timeout):
                    return await self._follow(url, headers)
            except TimeoutError:
                raise FetchError(f"took longer than {self.total_timeout:g} s; gave up") from None

    def _host_limit(self, host: str) -> asyncio.Semaphore:
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.per_host)
        return self._hosts[host]

    async def _follow(self, url: str, headers: dict[str, str]) -> Fetched:
        for _ in range(MAX_REDIRECTS + 1):
            await self._check_address(url)
            try:
                fetched, url = await self._get(url, headers)
            except httpx.TimeoutException:
                raise FetchError("timed out waiting for the server") from None
            except httpx.HTTPError as exc:
                raise FetchError(_network_words(exc)) from None
            if fetched is not None:
                return fetched
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    async def _get(self, url: str, headers: dict[str, str]) -> tuple[Fetched | None, str]:
        async with self.client.stream("GET", url, headers=headers) as response:
            if response.status_code in _REDIRECTS and "location" in response.headers:
                return None, urljoin(url, response.headers["location"])
            if response.status_code == 304:
                return self._fetched(url, None, response), url
            if response.status_code >= 400:
                raise self._status_error(response)
            return self._fetched(url, await self._read_body(response), response), url

    @staticmethod
    def _fetched(url: str, content: bytes | None, response: httpx.Response) -> Fetched:
        headers = response.headers
        return Fetched(url, content, headers.get("etag"), headers.get("last-modified"), headers.get("content-type"))

    def _status_error(self, response: httpx.Response) -> FetchError:
        code = response.status_code
        reason = f"HTTP {code} {response.reason_phrase}".strip()
        if code in _STATUS_WORDS:
            reason += f" ({_STATUS_WORDS[code]})"
        if code in (429, 503):
            retry_after = parse_retry_after(response.headers.get("retry-after"), self.clock())
            return RetryLater(reason, retry_after)
        return FetchError(reason)

    async def _read_body(self, response: httpx.Response) -> bytes:
        """The body, decompressed; raw and decompressed sizes both capped, so a gzip bomb stops early."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"document larger than {self.max_bytes // 1024} KiB ({int(declared) // 1024} KiB)")
        decoder = _Decoder(response.headers.get("content-encoding", ""), self.max_bytes)
        try:
            async for chunk in response.aiter_raw():
                decoder.feed(chunk)
        except httpx.StreamConsumed:  # a transport that hands back a body already read and decoded (MockTransport)
            decoder = _Decoder("identity", self.max_bytes)
            decoder.feed(response.content)
        return decoder.finish()

    async def _check_address(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"only http and https addresses can be fetched, not '{url[:80]}'")
        if not self.allow_private:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            await public_addresses(parts.hostname, port, self.resolver)


class _Decoder:
    """Content-Encoding decoding that never produces more than a limit (gzip and deflate)."""

    def __init__(self, encoding: str, limit: int) -> None:
        name = encoding.strip().lower()
        if name not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise FetchError(f"unsupported content encoding '{encoding[:40]}'")
        self.limit = limit
        self.raw = 0
        self.body = bytearray()
        self.zlib = None if name in ("", "identity") else zlib.decompressobj(47 if "gzip" in name else 15)

    def feed(self, chunk: bytes) -> None:
        """Decode one raw chunk; raise FetchError once the raw or decoded body would pass the limit."""
        self.raw += len(chunk)
        if self.raw > self.limit:
            raise FetchError(f"document larger than {self.limit // 1024} KiB")
        if self.zlib is None:
            self.body.extend(chunk)
        else:
            try:
                self.body.extend(self.zlib.decompress(chunk, self.limit - len(self.body) + 1))
            except zlib.error as exc:
                raise FetchError(f"broken compressed body: {exc}") from None
            if self.zlib.unconsumed_tail:
                self._too_large()
        if len(self.body) > self.limit:
            self._too_large()

    def finish(self) -> bytes:
        """The whole decoded body."""
        return bytes(self.body)

    def _too_large(self) -> None:
        raise FetchError(f"document larger than {self.limit // 1024} KiB once decompressed")


def _network_words(exc: httpx.HTTPError) -> str:
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect: {detail}"[:300]
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the server broke the connection: {detail}"[:300]
    return f"network error: {type(exc).__name__}: {detail}"[:300]


def _read_file(url: str, max_bytes: int) -> Fetched:
    path = Path(unquote(urlsplit(url).path))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FetchError(f"file larger than {max_bytes // 1024} KiB")
        return Fetched(url, path.read_bytes())
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from None
