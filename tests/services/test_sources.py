"""Source use cases with the network faked at the seam (httpx.MockTransport) on a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from news.errors import FeedError, FetchError, InvalidArgument, SourceExistsError
from services.container import Services
from services.fetch import Fetcher
from storage.db import Database
from tests.conftest import SEEDS, FakeClock

FEEDS = {
    "/world.rss": (SEEDS / "feeds" / "world-wire.rss").read_bytes(),
    "/europe.atom": (SEEDS / "feeds" / "europe-desk.atom").read_bytes(),
    "/briefs.json": (SEEDS / "feeds" / "briefs.json").read_bytes(),
    "/page.html": b"<html><body>Not a feed at all</body></html>",
}


class FakeWeb:
    """Serves the seed feeds; counts requests; answers 304 to a matching If-None-Match."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.down: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path in self.down:
            return httpx.Response(503)
        if path == "/moved":
            return httpx.Response(301, headers={"Location": "/world.rss"})
        if path not in FEEDS:
            return httpx.Response(404)
        etag = f'"{path}-v1"'
        if request.headers.get("If-None-Match") == etag:
            return httpx.Response(304)
        return httpx.Response(200, content=FEEDS[path], headers={"ETag": etag})


@pytest.fixture
def web() -> FakeWeb:
    return FakeWeb()


@pytest.fixture
async def services(sqlite_db: Database, web: FakeWeb, clock: FakeClock) -> AsyncIterator[Services]:
    fetcher = Fetcher(transport=httpx.MockTransport(web), allow_private=True)
    yield Services(sqlite_db, fetcher, clock=clock)
    await fetcher.close()


async def test_add_fetches_first_and_saves_with_stories(services: Services) -> None:
    source, result = await services.sources.add("https://feeds.example/world.rss")
    assert source.name == "World Wire" and result.new == 5
    _, second = await services.sources.add("https://feeds.example/europe.atom", "Europe")
    assert (second.new, second.duplicates) == (3, 1)
    listed = await services.sources.list_sources()
    assert [(s.name, s.story_count) for s in listed] == [("World Wire", 5), ("Europe", 4)]


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("https://feeds.example/missing.rss", FetchError),
        ("https://feeds.example/page.html", FeedError),
        ("ftp://feeds.example/world.rss", InvalidArgument),
        ("not a url", InvalidArgument),
    ],
)
async def test_add_saves_nothing_when_the_feed_cannot_be_used(services: Services, url: str, error: type) -> None:
    with pytest.raises(error):
        await services.sources.add(url)
    assert await services.sources.list_sources() == []


async def test_add_twice_is_refused(services: Services) -> None:
    await services.sources.add("https://feeds.example/world.rss")
    with pytest.raises(SourceExistsError):
        await services.sources.add("https://feeds.example/world.rss")


async def test_redirects_are_followed(services: Services) -> None:
    _, result = await services.sources.add("https://feeds.example/moved")
    assert result.new == 5


async def test_polling_is_conditional_and_scheduled(services: Services, web: FakeWeb, clock: FakeClock) -> None:
    await services.sources.add("https://feeds.example/world.rss")
    assert await services.sources.poll_due() == []
    clock.advance(minutes=16)
    [result] = await services.sources.poll_due()
    assert result.error is None and result.new == 0
    assert web.requests[-1].headers["If-None-Match"] == '"/world.rss-v1"'
    assert web.requests[-1].headers["User-Agent"].startswith("newsbot/")


async def test_one_failing_source_does_not_hurt_the_others(
    services: Services, web: FakeWeb, clock: FakeClock
) -> None:
    await services.sources.add("https://feeds.example/world.rss")
    await services.sources.add("https://feeds.example/briefs.json")
    web.down.add("/world.rss")
    clock.advance(minutes=16)
    results = {r.name: r for r in await services.sources.poll_due()}
    assert results["World Wire"].error == "HTTP 503 Service Unavailable"
    assert results["Morning Briefs"].error is None
    health = {s.name: s.last_error for s in await services.sources.list_sources()}
    assert health == {"World Wire": "HTTP 503 Service Unavailable", "Morning Briefs": None}


async def test_private_addresses_are_refused_by_default(sqlite_db: Database, clock: FakeClock) -> None:
    fetcher = Fetcher(transport=httpx.MockTransport(FakeWeb()))
    services = Services(sqlite_db, fetcher, clock=clock)
    for url in ("http://127.0.0.1/world.rss", "http://169.254.169.254/latest", "http://[::1]/x", "http://10.0.0.1/"):
        with pytest.raises(FetchError, match="non-public"):
            await services.sources.add(url)
    await fetcher.close()


async def test_ingest_directory_of_seeds(services: Services) -> None:
    results = await services.sources.ingest(str(SEEDS))
    assert sum(r.new for r in results) == 28 and all(r.error is None for r in results)
    again = await services.sources.ingest(str(SEEDS))
    assert sum(r.new for r in again) == 0
    with pytest.raises(InvalidArgument):
        await services.sources.ingest("/nonexistent/path")
