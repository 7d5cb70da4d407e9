"""Every corpus feed through fetch, parse, dedup and store, on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest

from news.errors import FeedError
from services.container import Services
from tests.conftest import FakeClock
from tests.ingest.conftest import Web

READABLE = {
    "rss091.xml": ("Harbour Gazette", 2),
    "rss092.xml": ("Valley Radio News", 2),
    "rss10-rdf.xml": ("Science Notes", 2),
    "rss20-wordpress.xml": ("The Northern Ledger", 2),
    "atom03.xml": ("Old Blog of Jonas", 1),
    "atom10.xml": ("City Desk", 2),
    "jsonfeed11.json": ("Quiet Tech Weekly", 2),
    "rss20-windows1251.xml": ("Новости Дня", 1),
    "rss20-utf16.xml": ("Nachrichten aus Köln", 1),
    "rss20-latin1.xml": ("Le Petit Écho", 1),
    "broken-markup.xml": ("Broken Blog & Friends", 2),
    "empty-channel.xml": ("Nothing Yet", 0),
}


@pytest.mark.parametrize(("name", "expected"), sorted(READABLE.items()))
async def test_corpus_feed_is_read(services: Services, name: str, expected: tuple[str, int]) -> None:
    _, result = await services.sources.add(f"https://feeds.example/{name}")
    assert (result.title, result.found) == expected
    assert result.new == expected[1]
    [listed] = await services.sources.list_sources()
    assert listed.story_count == expected[1] and listed.last_error is None


async def test_encodings_are_decoded(services: Services, web: Web) -> None:
    await services.sources.add("https://feeds.example/rss20-windows1251.xml")
    await services.sources.add("https://feeds.example/rss20-latin1.xml")
    await services.sources.add("https://feeds.example/rss20-utf16.xml")
    listed = await services.sources.list_sources()
    assert [s.name for s in listed] == ["Новости Дня", "Le Petit Écho", "Nachrichten aus Köln"]
    found = await services.briefs.search("préfecture")
    assert found.total == 1 and "Fête" in found.hits[0].story.title


async def test_broken_markup_is_read_with_the_problem_recorded(services: Services) -> None:
    _, result = await services.sources.add("https://feeds.example/broken-markup.xml")
    assert result.warning
    [source] = await services.sources.list_sources()
    assert source.warning == result.warning and source.last_error is None


@pytest.mark.parametrize("name", ["empty-file.xml", "not-a-feed.xml"])
async def test_unreadable_documents_are_refused(services: Services, name: str) -> None:
    with pytest.raises(FeedError):
        await services.sources.add(f"https://feeds.example/{name}")
    assert await services.sources.list_sources() == []


async def test_huge_feed_is_read_and_stored_once(services: Services, web: Web) -> None:
    items = "".join(
        f"<item><title>Story number {i} about the long winter in the north</title>"
        f"<link>https://big.example/{i}?utm_source=x</link><guid>big-{i}</guid><description>{'Text. ' * 20}"
        f"</description></item>"
        for i in range(1500)
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()
    web.routes["/big.xml"] = lambda request: httpx.Response(200, content=body)
    _, result = await services.sources.add("https://big.example/big.xml")
    assert (result.new, result.duplicates) == (1500, 0)


async def test_duplicates_across_sources_are_linked_not_stored(services: Services, web: Web, clock: FakeClock) -> None:
    def feed(title: str, items: str) -> bytes:
        return f'<rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'.encode()

    first = (
        "<item><title>Port workers end a week-long strike after pay deal</title><link>https://a.example/strike</link>"
        "<guid>a-1</guid><pubDate>Tue, 20 Jan 2026 10:00:00 GMT</pubDate></item>"
        "<item><title>Other</title><link>https://a.example/other?utm_source=rss</link><guid>a-2</guid></item>"
    )
    second = (
        "<item><title>Port workers end a week-long strike after pay deal!</title><link>https://b.example/x</link>"
        "<guid>b-1</guid><pubDate>Tue, 20 Jan 2026 12:30:00 GMT</pubDate></item>"
        "<item><title>Same URL</title><link>https://www.a.example/other?fbclid=1</link><guid>b-2</guid></item>"
        "<item><title>Same GUID, another feed's: another story</title><guid>a-1</guid></item>"
    )
    web.routes["/one.xml"] = lambda request: httpx.Response(200, content=feed("One", first))
    web.routes["/two.xml"] = lambda request: httpx.Response(200, content=feed("Two", second))
    await services.sources.add("https://feeds.example/one.xml")
    _, result = await services.sources.add("https://feeds.example/two.xml")
    assert (result.new, result.duplicates) == (1, 2)
    listed = await services.sources.list_sources()
    assert [s.story_count for s in listed] == [2, 3]


async def test_changing_guids_do_not_duplicate(services: Services, web: Web, clock: FakeClock) -> None:
    calls = iter(range(100))

    def feed(request: httpx.Request) -> httpx.Response:
        item = (f"<item><title>Storm closes the coast road for the second night</title>"
                f"<link>https://c.example/storm?session={next(calls)}</link><guid>c-{next(calls)}</guid></item>")
        body = f'<rss version="2.0"><channel><title>C</title>{item}</channel></rss>'
        return httpx.Response(200, content=body.encode())

    web.routes["/c.xml"] = feed
    await services.sources.add("https://feeds.example/c.xml")
    clock.advance(minutes=20)
    [again] = await services.sources.poll_due()
    assert (again.new, again.duplicates) == (0, 1)
