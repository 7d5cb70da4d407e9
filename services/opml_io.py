"""OPML import and export of the source list."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from news.errors import NewsbotError, SourceExistsError
from news.models import Source
from news.opml import ImportReport, OpmlFeed, parse_opml, render_opml
from news.urls import is_web_url, source_key

if TYPE_CHECKING:
    from services.sources import SourceService

MAX_FEEDS = 300


@dataclass(frozen=True, slots=True)
class OpmlExport:
    """An OPML document of the web sources, and how many sources it holds and left out (local files)."""

    data: bytes
    written: int
    left_out: int


def export_opml(sources: Sequence[Source], now: datetime) -> OpmlExport:
    """The sources as OPML 2.0 (local file sources are left out: other readers cannot use them)."""
    feeds = [(source.url, source.name) for source in sources if is_web_url(source.url)]
    return OpmlExport(render_opml(feeds, now), len(feeds), len(sources) - len(feeds))


async def import_opml(service: SourceService, data: bytes, concurrency: int) -> ImportReport:
    """Add each feed of the document (fetched first, a few at a time); raise FeedError for an unreadable file."""
    report = ImportReport()
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for feed in parse_opml(data):
        if (key := source_key(feed.url)) in seen:  # another spelling of a feed listed before: the first one wins
            report.skipped.append((feed.url, "listed twice in the file"))
        elif not is_web_url(feed.url):
            report.failed.append((feed.url, "not an http(s) address"))
        elif len(feeds) >= MAX_FEEDS:
            report.failed.append((feed.url, f"more than {MAX_FEEDS} feeds in one file"))
        else:
            feeds.append(feed)
        seen.add(key)
    limit = asyncio.Semaphore(concurrency)

    added: dict[str, tuple[Source, int]] = {}
    refused: dict[str, tuple[list[tuple[str, str]], str]] = {}  # the report's list (skipped or failed), and why

    async def add(feed: OpmlFeed) -> None:
        async with limit:
            try:
                source, result = await service.add(feed.url, feed.title or None)
            except SourceExistsError:
                refused[feed.url] = (report.skipped, "already a source")
            except NewsbotError as exc:
                refused[feed.url] = (report.failed, str(exc))
            else:
                added[feed.url] = (source, result.found)

    await asyncio.gather(*(add(feed) for feed in feeds))
    for feed in feeds:  # reported in the file's order, not in the order the fetches ended
        if feed.url in added:
            report.added.append(added[feed.url])
        else:
            where, reason = refused[feed.url]
            where.append((feed.url, reason))
    return report
