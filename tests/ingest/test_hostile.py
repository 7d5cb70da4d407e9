"""Hostile feeds end as recorded errors on their own source; the others, and the bot, carry on."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from news.errors import FetchError, InvalidArgument
from services.container import Services
from services.fetch import Fetcher
from services.netguard import GuardedBackend
from tests.conftest import FakeClock
from tests.ingest.conftest import CORPUS, Web, resolve

GOOD = "https://feeds.example/atom10.xml"
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>"""


class Drip(httpx.AsyncByteStream):
    """A body that sends a byte every 50 ms, forever."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"<rss>"
        while True:
            await asyncio.sleep(0.05)
            yield b" "


def hostile_routes(web: Web) -> None:
    bomb = gzip.compress(b"<rss>" + b" " * (20 * 1024 * 1024))
    web.routes.update({
        "/laughs.xml": lambda r: httpx.Response(200, content=BILLION_LAUGHS),
        "/bomb.xml": lambda r: httpx.Response(
            200, stream=httpx.ByteStream(bomb), headers={"Content-Encoding": "gzip"}
        ),
        "/drip.xml": lambda r: httpx.Response(200, stream=Drip()),
        "/to-loopback": lambda r: httpx.Response(302, headers={"Location": "http://127.0.0.1:8080/admin"}),
        "/to-metadata": lambda r: httpx.Response(301, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
        "/to-name": lambda r: httpx.Response(307, headers={"Location": "https://loopback.example/x"}),
        "/to-file": lambda r: httpx.Response(302, headers={"Location": "file:///etc/passwd"}),
        "/busy.xml": lambda r: httpx.Response(429, headers={"Retry-After": "7200"}),
    })


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://feeds.example/bomb.xml", "once decompressed"),
        ("https://feeds.example/drip.xml", "took longer than"),
        ("https://feeds.example/to-loopback", "non-public address (127.0.0.1)"),
        ("https://feeds.example/to-metadata", "non-public address (169.254.169.254)"),
        ("https://feeds.example/to-name", "non-public address (127.0.0.1)"),
        ("https://feeds.example/to-file", "only http and https"),
        ("https://metadata.example/latest", "non-public"),
        ("https://mapped.example/feed", "non-public"),
        ("http://[::ffff:127.0.0.1]/feed", "non-public"),
        ("https://feeds.example/busy.xml", "429"),
    ],
)
async def test_hostile_source_added_is_refused_and_nothing_saved(
    services: Services, web: Web, url: str, reason: str
) -> None:
    hostile_routes(web)
    with pytest.raises(FetchError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        await services.sources.add(url)
    assert await services.sources.list_sources() == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://feeds.example/rss.xml", "gopher://x.example/"])
async def test_other_schemes_are_refused(services: Services, url: str) -> None:
    with pytest.raises(InvalidArgument):
        await services.sources.add(url)


async def test_billion_laughs_does_not_blow_up(services: Services, web: Web) -> None:
    hostile_routes(web)
    _, result = await services.sources.add("https://feeds.example/laughs.xml")
    assert result.found <= 1


async def test_a_source_turning_hostile_is_recorded_and_others_carry_on(
    services: Services, web: Web, clock: FakeClock
) -> None:
    good, _ = await services.sources.add(GOOD)
    targets = ["bomb.xml", "drip.xml", "to-metadata", "to-loopback", "busy.xml"]
    healthy = (CORPUS / "rss092.xml").read_bytes()
    for index in range(len(targets)):
        web.routes[f"/turns-{index}.xml"] = lambda r: httpx.Response(200, content=healthy)
        await services.sources.add(f"https://feeds.example/turns-{index}.xml")
    hostile_routes(web)
    for index, name in enumerate(targets):
        web.routes[f"/turns-{index}.xml"] = web.routes[f"/{name}"]
    clock.advance(minutes=16)
    results = {r.source_id: r for r in await services.sources.poll_due()}
    assert results[good.id].error is None
    assert all(results[good.id + 1 + i].error for i in range(len(targets)))
    listed = {s.id: s for s in await services.sources.list_sources()}
    assert listed[good.id].last_error is None
    busy = listed[good.id + 5]
    assert busy.next_check_at is not None and busy.next_check_at - clock.now >= timedelta(hours=2)


async def test_connect_time_check_stops_dns_rebinding() -> None:
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    async def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    fetcher = Fetcher(resolver=rebinding)
    with pytest.raises(FetchError, match="non-public"):
        await fetcher.fetch("http://rebind.example:9/feed")
    await fetcher.close()
    backend = GuardedBackend(resolve)
    with pytest.raises(FetchError, match="non-public"):
        await backend.connect_tcp("metadata.example", 80)
