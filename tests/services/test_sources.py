"""Source use cases with the network faked at the seam (httpx.MockTransport) on a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

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
    """Serves the seed feeds (or bodies a test sets); counts requests; answers 304 to a matching If-None-Match."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.down: set[str] = set()
        self.bodies = dict(FEEDS)
        self.types: dict[str, str] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path in self.down:
            return httpx.Response(503)
        if path == "/moved":
            return httpx.Response(301, headers={"Location": "/world.rss"})
        if path not in self.bodies:
            return httpx.Response(404)
        etag = f'"{path}-v{hash(self.bodies[path])}"'
        if request.headers.get("If-None-Match") == etag:
            return httpx.Response(304)
        headers = {"ETag": etag, **({"Content-Type": self.types[path]} if path in self.types else {})}
        return httpx.Response(200, content=self.bodies[path], headers=headers)


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
    assert web.requests[-1].headers["If-None-Match"] == f'"/world.rss-v{hash(FEEDS["/world.rss"])}"'
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
    with pytest.raises(InvalidArgument, match="no such user's home"):
        await services.sources.ingest("~no-such-user-here/feeds")


RATE_LIMITED = b"Rate limit exceeded. Please try again later."


async def test_a_plain_text_answer_is_refused_and_nothing_saved(services: Services, web: FakeWeb) -> None:
    web.bodies["/limited.xml"] = RATE_LIMITED
    web.types["/limited.xml"] = "text/xml"
    with pytest.raises(FeedError, match=r"is not a feed: it starts with plain text \('Rate limit exceeded"):
        await services.sources.add("https://feeds.example/limited.xml")
    [result] = await services.sources.ingest("https://feeds.example/limited.xml")
    assert result.new == 0 and result.error and "is not a feed" in result.error
    assert await services.sources.list_sources() == []


async def test_a_feed_turning_to_plain_text_is_a_failed_fetch(
    services: Services, web: FakeWeb, clock: FakeClock
) -> None:
    await services.sources.add("https://feeds.example/world.rss")
    web.bodies["/world.rss"] = RATE_LIMITED
    web.types["/world.rss"] = "text/xml"
    clock.advance(minutes=16)
    [result] = await services.sources.poll_due()
    assert result.error and "is not a feed" in result.error and result.new == 0
    [listed] = await services.sources.list_sources()
    assert (listed.story_count, listed.failures, listed.last_error) == (5, 1, result.error)
    assert listed.next_check_at is not None and listed.next_check_at - clock.now > timedelta(minutes=15)
    assert await services.sources.poll_due() == []  # backed off: not due again at once


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("g.rss", b"garbage"),
        ("h.xml", b"not a feed at all <html><body>hi</body></html>"),
        ("odd.json", b"Rate limit exceeded."),
        ("UPPER.ATOM", b"garbage"),
    ],
)
async def test_a_local_feed_file_holding_text_is_refused(services: Services, tmp_path: Path, name: str,
                                                         body: bytes) -> None:
    (tmp_path / name).write_bytes(body)
    [result] = await services.sources.ingest(str(tmp_path / name))
    assert result.error and "is not a feed" in result.error
    assert await services.sources.list_sources() == []


@pytest.mark.parametrize("name", ["notes.txt", "notes"])
async def test_local_text_files_are_still_story_documents(services: Services, tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(RATE_LIMITED + b"\n\n\nFirst headline\nSecond headline")
    [result] = await services.sources.ingest(str(tmp_path / name))
    assert (result.error, result.new, result.name) == (None, 3, "Notes")


async def test_a_local_feed_file_turning_to_text_is_a_failed_fetch(services: Services, tmp_path: Path) -> None:
    feed = tmp_path / "world.rss"
    feed.write_bytes(FEEDS["/world.rss"])
    [first] = await services.sources.ingest(str(feed))
    feed.write_bytes(b"garbage")
    [again] = await services.sources.ingest(str(feed))
    assert first.error is None and again.source_id == first.source_id
    assert again.error and "is not a feed" in again.error
    [listed] = await services.sources.list_sources()
    assert (listed.story_count, listed.failures) == (5, 1)


@pytest.mark.parametrize(
    "spelling",
    [
        "https://feeds.example/world.rss?utm_source=x",
        "HTTPS://FEEDS.EXAMPLE/world.rss",
        "https://feeds.example:443/world.rss#latest",
        "https://feeds.example/world.rss/?fbclid=abc",
    ],
)
async def test_another_spelling_of_a_source_is_refused(services: Services, web: FakeWeb, spelling: str) -> None:
    await services.sources.add("https://feeds.example/world.rss")
    fetches = len(web.requests)
    with pytest.raises(SourceExistsError, match="already registered: #1 World Wire"):
        await services.sources.add(spelling)
    assert len(web.requests) == fetches  # refused before fetching
    [again] = await services.sources.ingest(spelling)  # ingest polls the known source instead
    assert (again.source_id, again.error) == (1, None)
    assert [s.url for s in await services.sources.list_sources()] == ["https://feeds.example/world.rss"]


async def test_a_page_linking_a_known_feed_is_refused(services: Services, web: FakeWeb) -> None:
    web.bodies["/home.html"] = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/world.rss?utm_medium=rss">'
        b"</head><body>Home</body></html>"
    )
    await services.sources.add("https://feeds.example/world.rss")
    with pytest.raises(SourceExistsError):
        await services.sources.add("https://feeds.example/home.html")
    assert len(await services.sources.list_sources()) == 1
