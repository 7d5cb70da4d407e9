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
    """Add each feed of the document (fetched first, a few at a time); raise FeedError for an unreadable file.

    The report lists the feeds in the file's order, whether a feed was turned away on reading the file or after
    its fetch."""
    report = ImportReport()
    outlines = parse_opml(data)
    feeds: list[tuple[int, OpmlFeed]] = []
    added: dict[int, tuple[Source, int]] = {}
    refused: dict[int, tuple[list[tuple[str, str]], str]] = {}  # the report's list (skipped or failed), and why
    seen: set[str] = set()
    for index, feed in enumerate(outlines):
        if (key := source_key(feed.url)) in seen:  # another spelling of a feed listed before: the first one wins
            refused[index] = (report.skipped, "listed twice in the file")
        elif not is_web_url(feed.url):
            refused[index] = (report.failed, "not an http(s) address")
        elif len(feeds) >= MAX_FEEDS:
            refused[index] = (report.failed, f"more than {MAX_FEEDS} feeds in one file")
        else:
            feeds.append((index, feed))
        seen.add(key)
    limit = asyncio.Semaphore(concurrency)

    async def add(index: int, feed: OpmlFeed) -> None:
        async with limit:
            try:
                source, result = await service.add(feed.url, feed.title or None)
            except SourceExistsError:
                refused[index] = (report.skipped, "already a source")
            except NewsbotError as exc:
                refused[index] = (report.failed, str(exc))
            else:
                added[index] = (source, result.found)

    await asyncio.gather(*(add(index, feed) for index, feed in feeds))
    for index, feed in enumerate(outlines):
        if index in added:
            report.added.append(added[index])
        else:
            where, reason = refused[index]
            where.append((feed.url, reason))
    return report
