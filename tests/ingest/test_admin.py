"""Admin use cases: autodiscovery, pause and resume, intervals and backoff, alerts, OPML, stats, full text."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from news.errors import FeedError, InvalidArgument
from news.opml import parse_opml
from news.render_sources import render_added, render_import, render_source_list, render_stats
from services import fulltext
from services.container import Services
from tests.conftest import FakeClock
from tests.ingest.conftest import CORPUS, Web

PAGE = b"""<!DOCTYPE html><html><head><title>City Desk</title>
<link rel="alternate" type="application/atom+xml" title="Feed" href="/atom10.xml"></head><body>Hi</body></html>"""


async def test_addsource_finds_the_feed_a_page_links(services: Services, web: Web) -> None:
    web.routes["/home"] = lambda r: httpx.Response(200, content=PAGE, headers={"Content-Type": "text/html"})
    web.routes["/bare"] = lambda r: httpx.Response(200, content=b"<!doctype html><html><body>no feed</body></html>")
    source, result = await services.sources.add("https://citydesk.example/home")
    assert source.url == "https://citydesk.example/atom10.xml" and result.title == "City Desk" and result.found == 2
    with pytest.raises(FeedError, match="links no feed"):
        await services.sources.add("https://citydesk.example/bare")


async def test_pause_resume_interval_and_backoff(services: Services, web: Web, clock: FakeClock) -> None:
    source, _ = await services.sources.add("https://feeds.example/atom10.xml")
    assert (await services.sources.pause(source.id))[1] is True
    assert (await services.sources.pause(source.id))[1] is False, "already paused: nothing changed"
    clock.advance(hours=1)
    assert await services.sources.poll_due() == []
    assert (await services.sources.pause(source.id, False))[1] is True
    assert len(await services.sources.poll_due()) == 1
    changed = await services.sources.set_interval(source.id, "2h")
    assert changed.interval_seconds == 7200
    with pytest.raises(InvalidArgument):
        await services.sources.set_interval(source.id, "1m")
    web.routes["/atom10.xml"] = lambda r: httpx.Response(500)
    alerts = []
    for _ in range(4):
        clock.now = (await services.sources.list_sources())[0].next_check_at or clock.now
        [result] = await services.sources.poll_due()
        alerts.append(result.alert)
    assert alerts == [None, None, "failing", None]
    [failing] = await services.sources.list_sources()
    assert failing.failures == 4 and failing.next_check_at - clock.now == timedelta(days=1)
    del web.routes["/atom10.xml"]
    clock.now = failing.next_check_at
    [recovered] = await services.sources.poll_due()
    assert recovered.alert == "recovered"


async def test_opml_round_trip(services: Services, web: Web) -> None:
    opml = b"""<?xml version="1.0"?><opml version="1.0"><body><outline text="News">
      <outline text="City" xmlUrl="https://feeds.example/atom10.xml"/>
      <outline text="City again" xmlUrl="https://feeds.example/atom10.xml"/>
      <outline text="Gone" xmlUrl="https://feeds.example/missing.xml"/>
      <outline text="Local" xmlUrl="file:///etc/passwd"/></outline></body></opml>"""
    report = await services.sources.import_opml(opml)
    assert [s.name for s, _ in report.added] == ["City"]
    assert [reason for _, reason in report.skipped] == ["listed twice in the file"]
    reasons = sorted(reason for _, reason in report.failed)
    assert reasons == ["HTTP 404 Not Found (no such page)", "not an http(s) address"]
    assert "1 added, 1 skipped, 2 failed" in render_import(report)
    again = await services.sources.import_opml(opml)
    assert [reason for _, reason in again.skipped] == ["already a source", "listed twice in the file"]  # file order
    export = await services.sources.export_opml()
    assert (export.written, export.left_out) == (1, 0)
    exported = export.data
    assert b'type="rss"' in exported and [f.url for f in parse_opml(exported)] == ["https://feeds.example/atom10.xml"]
    with pytest.raises(FeedError):
        await services.sources.import_opml(b"<!DOCTYPE x [<!ENTITY a 'b'>]><opml/>")


async def test_opml_import_keeps_the_first_spelling_of_a_feed(services: Services, web: Web) -> None:
    spellings = ["https://feeds.example:443/atom10.xml", "https://FEEDS.example/atom10.xml#top",
                 "https://feeds.example/atom10.xml/?utm_source=opml"]
    outlines = "".join(f'<outline text="Copy {n}" xmlUrl="{url}"/>' for n, url in enumerate(spellings))
    report = await services.sources.import_opml(f"<opml><body>{outlines}</body></opml>".encode())
    assert [(source.name, source.url) for source, _ in report.added] == [("Copy 0", spellings[0])]
    assert report.skipped == [(url, "listed twice in the file") for url in spellings[1:]]
    assert [source.url for source in await services.sources.list_sources()] == [spellings[0]]


async def test_list_pages_and_stats(services: Services, web: Web, clock: FakeClock) -> None:
    for name in ("atom10.xml", "rss091.xml", "rss092.xml"):
        await services.sources.add(f"https://feeds.example/{name}")
    page = await services.sources.page(2, per_page=2)
    assert (page.page, page.pages, page.total, len(page.sources)) == (2, 2, 3, 1)
    text = render_source_list(page.sources, page.now, page=page.page, pages=page.pages, total=page.total)
    assert "page 2 of 2" in text and "ok, fetched just now" in text
    stats = await services.stats.stats()
    assert stats.sources_by_health == {"ok": 3} and stats.stories_total == 6
    assert "Sources: 3 (3 ok)" in render_stats(stats)


async def test_fulltext_needs_the_extra_or_fetches_articles(services: Services, web: Web, clock: FakeClock) -> None:
    source, _ = await services.sources.add("https://feeds.example/rss091.xml")
    if not fulltext.available():
        with pytest.raises(InvalidArgument, match="trafilatura"):
            await services.sources.set_fulltext(source.id, True)
        return
    await services.sources.set_fulltext(source.id, True)
    article = "<html><body><article><h1>Ferry</h1>" + "<p>The ferry operator explained the new timetable at length. " \
        "Passengers will have fewer crossings in the early morning during the winter months.</p>" * 8 + \
        "</article></body></html>"
    web.routes["/news/new-story.html"] = lambda r: httpx.Response(200, content=article.encode())
    feed = (b'<rss version="0.91"><channel><title>Harbour Gazette</title><item><title>A brand new story about the '
            b"ferry</title><link>https://harbour-gazette.example/news/new-story.html</link>"
            b"<description>Teaser.</description></item></channel></rss>")
    web.routes["/rss091.xml"] = lambda r: httpx.Response(200, content=feed)
    clock.advance(minutes=20)
    [result] = await services.sources.poll_due()
    assert result.new == 1
    found = await services.briefs.search("passengers")
    assert found.total == 1


async def test_opml_import_reports_in_the_files_order_not_the_fetches() -> None:
    """The last feed's fetch ends first; the report still lists the feeds as the file does."""
    from types import SimpleNamespace

    from news.errors import SourceExistsError
    from services.opml_io import import_opml

    urls = [f"https://feeds.example/{n}.xml" for n in range(4)]
    done = {url: asyncio.Event() for url in urls}

    class Reversed:
        async def add(self, url: str, title: str | None) -> tuple[SimpleNamespace, SimpleNamespace]:
            later = urls.index(url) + 1
            if later < len(urls):
                await done[urls[later]].wait()  # each fetch ends after the next one in the file
            done[url].set()
            if url.endswith("2.xml"):
                raise SourceExistsError("already")
            return SimpleNamespace(name=title), SimpleNamespace(found=1)

    outlines = "".join(f'<outline text="Feed {n}" xmlUrl="{url}"/>' for n, url in enumerate(urls))
    again = urls[2].replace("feeds.example", "FEEDS.example")  # another spelling: turned away on reading the file
    outlines += f'<outline text="Again" xmlUrl="{again}"/>'
    report = await import_opml(Reversed(), f"<opml><body>{outlines}</body></opml>".encode(), 4)  # type: ignore[arg-type]
    assert [source.name for source, _ in report.added] == ["Feed 0", "Feed 1", "Feed 3"]
    assert report.skipped == [(urls[2], "already a source"), (again, "listed twice in the file")]


async def test_adding_a_feed_over_the_other_scheme_names_the_source_it_likely_repeats(
    services: Services, web: Web
) -> None:
    first, _ = await services.sources.add("https://feeds.example/atom10.xml")
    second, result = await services.sources.add("http://feeds.example/atom10.xml", "Plain City")
    assert result.twin is not None and result.twin.id == first.id and second.id != first.id
    reply = render_added(second, result.title, result.found, result.new, result.warning, result.twin)
    assert f"Source <b>#{first.id}</b>" in reply and "same address over https" in reply
    _, alone = await services.sources.add("https://feeds.example/rss091.xml")
    assert alone.twin is None
    _, ported = await services.sources.add("http://feeds.example:80/rss091.xml")  # the default port, written out
    assert ported.twin is not None and ported.twin.url == "https://feeds.example/rss091.xml"
    _, on_disk = await services.sources.add((CORPUS / "rss092.xml").as_uri(), local_files=True)
    assert on_disk.twin is None, "a local file has no other scheme, and is never its own twin"
