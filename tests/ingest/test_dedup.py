"""Feeds polled again and again through fetch, parse and store: every story stored once, no story lost."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from services.container import Services
from tests.conftest import FakeClock
from tests.ingest.conftest import Web


def rss(items: str, title: str = "Feed") -> bytes:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'.encode()


def item(title: str, link: str | None = None, guid: str | None = None, text: str = "", date: str | None = None) -> str:
    parts = [f"<title>{title}</title>", f"<description>{text}</description>"]
    parts += [f"<link>{link}</link>"] if link else []
    parts += [f"<guid>{guid}</guid>"] if guid else []
    parts += [f"<pubDate>{date}</pubDate>"] if date else []
    return "<item>" + "".join(parts) + "</item>"


def serve(web: Web, path: str) -> Callable[[bytes], None]:
    """Serve path from a document the test can change between polls."""
    document = [b""]
    web.routes[path] = lambda request: httpx.Response(200, content=document[0])
    return lambda body: document.__setitem__(0, body)


async def poll(services: Services) -> list[tuple[int, int]]:
    return [(result.new, result.duplicates) for result in await services.sources.refresh_all()]


BARE_RSS = rss(item("Water cut on Elm Street", text="Repairs from 9 to 12.")
               + item("Boil water notice lifted", text="The notice for the east side is lifted."))
BARE_JSON = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Feed", "items": [
    {"title": "Water cut on Elm Street", "content_text": "Repairs from 9 to 12."},
    {"title": "Boil water notice lifted", "content_html": "<p>The notice for the east side is lifted.</p>"},
]}).encode()


@pytest.mark.parametrize("body", [pytest.param(BARE_RSS, id="rss"), pytest.param(BARE_JSON, id="json")])
async def test_items_without_guid_or_link_are_stored_once(
    services: Services, web: Web, clock: FakeClock, body: bytes
) -> None:
    serve(web, "/bare")(body)
    _, added = await services.sources.add("https://feeds.example/bare")
    assert (added.new, added.duplicates) == (2, 0)
    for hours in (1, 1, 25):
        clock.advance(hours=hours)
        assert await poll(services) == [(0, 2)]
    assert (await services.briefs.search("water")).total == 2


async def test_an_undated_long_title_is_not_stored_again_a_day_later(
    services: Services, web: Web, clock: FakeClock
) -> None:
    serve(web, "/notice")(rss(item("Council meets on Thursday about the new budget")))
    await services.sources.add("https://feeds.example/notice")
    clock.advance(hours=25)
    assert await poll(services) == [(0, 1)]


async def test_a_daily_newsletter_under_one_title_is_a_story_a_day(
    services: Services, web: Web, clock: FakeClock
) -> None:
    daily = "Daily Paper: today's main stories"
    change = serve(web, "/daily")
    monday = item(daily, "https://paper.example/19", "d-19", "Storm; budget.", "Mon, 19 Jan 2026 18:00:00 GMT")
    tuesday = item(daily, "https://paper.example/20", "d-20", "Strike; vote.", "Tue, 20 Jan 2026 18:00:00 GMT")
    change(rss(monday))
    await services.sources.add("https://feeds.example/daily")
    change(rss(tuesday + monday))
    assert await poll(services) == [(1, 1)]
    change(rss(tuesday))
    assert await poll(services) == [(0, 1)]
    assert (await services.briefs.search("daily paper")).total == 2


async def test_items_sharing_a_page_with_guids_of_their_own_are_each_stored(
    services: Services, web: Web, clock: FakeClock
) -> None:
    live = "".join(item(f"Live update {n}", f"https://paper.example/live#post-{n}", f"post-{n}") for n in (1, 2))
    notices = "".join(item(f"Notice {n}", "https://town.example/notices", f"n-{n}") for n in (1, 2, 3))
    serve(web, "/live")(rss(live))
    serve(web, "/town")(rss(notices))
    assert (await services.sources.add("https://feeds.example/live"))[1].new == 2
    assert (await services.sources.add("https://feeds.example/town"))[1].new == 3
    assert await poll(services) == [(0, 2), (0, 3)]
    # a second feed carrying a notice merges with the story already stored
    serve(web, "/mirror")(rss(item("Notice 1", "https://town.example/notices", "mirror-1")))
    assert (await services.sources.add("https://feeds.example/mirror"))[1].new == 0


async def test_two_feeds_numbering_their_items_alike_lose_nothing(services: Services, web: Web) -> None:
    serve(web, "/a")(rss(item("Harbour reopens after the storm", "https://a.example/harbour", "1")))
    serve(web, "/b")(rss(item("Election results are in", "https://b.example/vote", "1")))
    await services.sources.add("https://feeds.example/a")
    _, result = await services.sources.add("https://feeds.example/b")
    assert (result.new, result.duplicates) == (1, 0)
