"""Source use cases: add, remove, list, poll and ingest."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from news.errors import FeedError, FetchError, InvalidArgument, SourceExistsError
from news.feeds import parse_document
from news.models import ParsedFeed, Source
from news.urls import is_web_url
from services.clock import Clock
from services.fetch import Fetcher
from storage import sources as source_repo
from storage import stories as story_repo
from storage.db import Database

logger = logging.getLogger(__name__)
FILE_SUFFIXES = (".txt", ".xml", ".rss", ".atom", ".json")


@dataclass(frozen=True, slots=True)
class PollResult:
    """The outcome of fetching one source: new and duplicate stories, or the error in words."""

    source_id: int
    name: str
    new: int = 0
    duplicates: int = 0
    error: str | None = None
    warning: str | None = None


class SourceService:
    """Registers sources and turns their documents into stored stories."""

    def __init__(self, db: Database, fetcher: Fetcher, clock: Clock, concurrency: int = 4) -> None:
        self.db = db
        self.fetcher = fetcher
        self.clock = clock
        self.concurrency = concurrency

    async def add(self, url: str, name: str | None = None) -> tuple[Source, PollResult]:
        """Fetch a feed once, and only if it reads, save it with its stories."""
        url = url.strip()
        if not is_web_url(url) and not url.startswith("file://"):
            raise InvalidArgument(f"'{url[:80]}' is not an http(s) address")
        async with self.db.transaction() as session:
            if await source_repo.get_source_by_url(session, url):
                raise SourceExistsError(f"a source with this address is already registered: {url}")
        fetched = await self.fetcher.fetch(url)
        feed = parse_document(fetched.content or b"", name=_file_name(url))
        now = self.clock()
        async with self.db.transaction() as session:
            source = await source_repo.add_source(session, url, (name or feed.title or url)[:200], now)
            result = await story_repo.store_entries(session, source.id, feed.entries, now)
            await source_repo.record_fetch(
                session, source.id, now, etag=fetched.etag, last_modified=fetched.last_modified
            )
        logger.info("added source %s (%s): %d new stories", source.id, url, result.new)
        return source, PollResult(source.id, source.name, result.new, result.duplicates, warning=feed.warning)

    async def ingest(self, target: str) -> list[PollResult]:
        """Ingest a URL, a file or every feed file in a directory; known sources are polled again."""
        urls = _expand(target)
        results = []
        for url in urls:
            async with self.db.transaction() as session:
                known = await source_repo.get_source_by_url(session, url)
            if known is None:
                try:
                    results.append((await self.add(url))[1])
                except (FetchError, FeedError) as exc:
                    results.append(PollResult(0, url, error=str(exc)))
            else:
                state = source_repo.FetchState(known.id, known.url, known.name, None, None)
                results.append(await self._poll_one(state))
        return results

    async def remove(self, source_id: int) -> Source:
        """Delete a source; its stories stay searchable."""
        async with self.db.transaction() as session:
            return await source_repo.remove_source(session, source_id)

    async def list_sources(self) -> list[Source]:
        """Every source with its health."""
        async with self.db.transaction() as session:
            return await source_repo.list_sources(session)

    async def poll_due(self) -> list[PollResult]:
        """Fetch every source whose next check has come."""
        async with self.db.transaction() as session:
            states = await source_repo.due_sources(session, self.clock())
        return await self._poll_many(states)

    async def refresh_all(self) -> list[PollResult]:
        """Fetch every source now, whatever its schedule."""
        async with self.db.transaction() as session:
            states = await source_repo.all_fetch_states(session)
        return await self._poll_many(states)

    async def _poll_many(self, states: Sequence[source_repo.FetchState]) -> list[PollResult]:
        limit = asyncio.Semaphore(self.concurrency)

        async def guarded(state: source_repo.FetchState) -> PollResult:
            async with limit:
                return await self._poll_one(state)

        return list(await asyncio.gather(*(guarded(state) for state in states)))

    async def _poll_one(self, state: source_repo.FetchState) -> PollResult:
        try:
            fetched = await self.fetcher.fetch(state.url, state.etag, state.last_modified)
            feed = ParsedFeed(state.name, []) if fetched.content is None else parse_document(fetched.content)
        except (FetchError, FeedError) as exc:
            logger.warning("source %s (%s) failed: %s", state.id, state.url, exc)
            async with self.db.transaction() as session:
                await source_repo.record_fetch(session, state.id, self.clock(), error=str(exc))
            return PollResult(state.id, state.name, error=str(exc))
        now = self.clock()
        async with self.db.transaction() as session:
            stored = await story_repo.store_entries(session, state.id, feed.entries, now)
            await source_repo.record_fetch(
                session, state.id, now, etag=fetched.etag, last_modified=fetched.last_modified, title=feed.title
            )
        return PollResult(state.id, state.name, stored.new, stored.duplicates, warning=feed.warning)


def _file_name(url: str) -> str:
    """A readable source name for a local file: its stem with separators as spaces, capitalised."""
    if not url.startswith("file://"):
        return ""
    stem = Path(unquote(url.removeprefix("file://"))).stem.replace("-", " ").replace("_", " ").strip()
    return stem[:1].upper() + stem[1:]


def _expand(target: str) -> list[str]:
    """A target as source URLs: web URLs as given, files and directory members as file:// URLs."""
    if is_web_url(target):
        return [target]
    path = Path(target.removeprefix("file://")).expanduser()
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FILE_SUFFIXES)
        if not files:
            raise InvalidArgument(f"{target}: no feed or story files ({', '.join(FILE_SUFFIXES)}) in it")
        return [file.resolve().as_uri() for file in files]
    if path.is_file():
        return [path.resolve().as_uri()]
    raise InvalidArgument(f"{target}: neither an http(s) URL nor an existing file or directory")
