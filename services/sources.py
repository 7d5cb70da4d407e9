"""Source use cases: add (with autodiscovery), remove, pause, schedule, list, poll and ingest."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from news.discover import discover_feeds, looks_like_html
from news.errors import FeedError, FetchError, InvalidArgument, NewsbotError, SourceExistsError
from news.feeds import FEED_SUFFIXES, decode_text, parse_source_document
from news.health import parse_interval
from news.models import ParsedFeed, Source
from news.opml import ImportReport
from news.urls import is_web_url, source_key
from services import fulltext, opml_io
from services.clock import Clock
from services.fetch import Fetched, Fetcher, RetryLater
from storage import sources as source_repo
from storage import stories as story_repo
from storage.db import Database

logger = logging.getLogger(__name__)
FILE_SUFFIXES = (".txt", *FEED_SUFFIXES)
PER_PAGE = 10


@dataclass(frozen=True, slots=True)
class PollResult:
    """The outcome of fetching one source: stories found, new and duplicate, or the error in words.

    alert is "failing" when the source just became a persistent failure, "recovered" when it reads again.
    """

    source_id: int
    name: str
    new: int = 0
    duplicates: int = 0
    updated: int = 0  # of the duplicates, this source's stories stored without text that now have some
    error: str | None = None
    warning: str | None = None
    alert: str | None = None
    title: str = ""
    twin: Source | None = None  # a source added before at the same address over the other scheme (http / https)

    @property
    def found(self) -> int:
        """Stories the feed carried."""
        return self.new + self.duplicates


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A document fetched and parsed for ingest: a known source's poll, or a new source's first read."""

    url: str
    state: source_repo.FetchState | None = None
    polled: tuple[Fetched, ParsedFeed] | None = None
    read: tuple[Fetched, ParsedFeed, str] | None = None
    error: NewsbotError | None = None


@dataclass(frozen=True, slots=True)
class SourcePage:
    """One page of the source list."""

    sources: list[Source]
    page: int
    pages: int
    total: int
    now: datetime


class SourceService:
    """Registers sources and turns their documents into stored stories."""

    def __init__(self, db: Database, fetcher: Fetcher, clock: Clock, concurrency: int = 8) -> None:
        self.db = db
        self.fetcher = fetcher
        self.clock = clock
        self.concurrency = concurrency
        self.fulltext = fulltext.FullText(fetcher)
        self._writing = asyncio.Lock()

    async def add(self, url: str, name: str | None = None, *, local_files: bool = False) -> tuple[Source, PollResult]:
        """Fetch a feed (or the feed a web page links) once, and only if it reads, save it with its stories."""
        url = url.strip()
        if not is_web_url(url) and not (local_files and url.startswith("file://")):
            raise InvalidArgument(f"'{url[:80]}' is not an http(s) address")
        await self._refuse_known(url)
        return await self._save_new(await self._read_new(url, local_files), name)

    async def _save_new(self, read: tuple[Fetched, ParsedFeed, str], name: str | None) -> tuple[Source, PollResult]:
        fetched, feed, feed_url = read
        now = self.clock()
        meta = source_repo.FetchMeta(fetched.etag, fetched.last_modified, feed.warning)
        async with self._writing, self.db.transaction() as session:
            title = (name or feed.title or feed_url)[:200]
            source = await source_repo.add_source(session, feed_url, title, now, fetched=meta)
            result = await story_repo.store_entries(session, source.id, feed.entries, now)
            other = _other_scheme(feed_url)
            twin = await source_repo.get_source_by_url(session, other) if other else None
        logger.info("added source %s (%s): %d new stories", source.id, feed_url, result.new)
        title = feed.title or source.name
        return source, PollResult(source.id, source.name, result.new, result.duplicates, result.updated,
                                  warning=feed.warning, title=title, twin=twin)

    async def _refuse_known(self, url: str) -> None:
        async with self.db.transaction() as session:
            await source_repo.ensure_new(session, url)

    async def _read_new(self, url: str, local_files: bool) -> tuple[Fetched, ParsedFeed, str]:
        """Fetch and parse a new source; a web page is searched for the feed it links."""
        fetched = await self.fetcher.fetch(url, local_files=local_files)
        content = fetched.content or b""
        if looks_like_html(content) and not url.startswith("file://"):
            links = discover_feeds(decode_text(content), fetched.url)
            if not links:
                raise FeedError('this is a web page that links no feed (no <link rel="alternate"> to RSS or Atom)')
            logger.info("%s links the feed %s", url, links[0])
            fetched = await self.fetcher.fetch(links[0])
            url = links[0]
        feed = await asyncio.to_thread(parse_source_document, fetched.content or b"", url, fetched.content_type)
        return fetched, feed, url

    async def ingest(self, target: str) -> list[PollResult]:
        """Ingest a URL, a file or every feed file in a directory; known sources are polled again.

        Documents are fetched and parsed a few ahead (in threads) while earlier ones are stored, in order.
        """
        urls = _expand(target)
        async with self.db.transaction() as session:
            known = await source_repo.sources_by_urls(session, urls)
        window: deque[asyncio.Task[_Prepared]] = deque()
        results = []
        for index in range(len(urls) + self.concurrency):
            if index < len(urls):
                window.append(asyncio.create_task(self._prepare(urls[index], known.get(urls[index]))))
            if len(window) > self.concurrency or (index >= len(urls) and window):
                results.append(await self._finish(await window.popleft()))
        return results

    async def _prepare(self, url: str, known: Source | None) -> _Prepared:
        if known is not None:
            state = source_repo.FetchState(known.id, known.url, known.name, None, None, known.fulltext)
            outcome = await self._fetch_parse(state)
            if isinstance(outcome, NewsbotError):
                return _Prepared(url, state, error=outcome)
            return _Prepared(url, state, polled=outcome)
        try:
            return _Prepared(url, read=await self._read_new(url, local_files=True))
        except (FetchError, FeedError) as exc:
            return _Prepared(url, error=exc)

    async def _finish(self, prepared: _Prepared) -> PollResult:
        if prepared.state is not None and prepared.polled is not None:
            return await self._store_poll(prepared.state, *prepared.polled)
        if prepared.state is not None and prepared.error is not None:
            return await self._failed(prepared.state, prepared.error)
        if prepared.read is None:
            return PollResult(0, prepared.url, error=str(prepared.error))
        try:
            return (await self._save_new(prepared.read, None))[1]
        except SourceExistsError as exc:
            return PollResult(0, prepared.url, error=str(exc))

    async def remove(self, source_id: int) -> Source:
        """Delete a source; its stories stay searchable."""
        async with self.db.transaction() as session:
            return await source_repo.remove_source(session, source_id)

    async def pause(self, source_id: int, paused: bool = True) -> tuple[Source, bool]:
        """Stop polling a source (or start again, checking it at once); whether it was not so already."""
        async with self.db.transaction() as session:
            return await source_repo.set_paused(session, source_id, paused, self.clock())

    async def set_interval(self, source_id: int, interval: str) -> Source:
        """Poll a source every interval ('30m', '2h', '1d'); raise InvalidArgument for a bad one."""
        seconds = parse_interval(interval)
        async with self.db.transaction() as session:
            return await source_repo.set_interval(session, source_id, seconds, self.clock())

    async def set_fulltext(self, source_id: int, enabled: bool) -> Source:
        """Fetch article pages for a source's teaser-only stories; needs the fulltext extra to switch on."""
        if enabled:
            fulltext.require()
        async with self.db.transaction() as session:
            return await source_repo.set_fulltext(session, source_id, enabled)

    async def list_sources(self) -> list[Source]:
        """Every source with its health."""
        async with self.db.transaction() as session:
            return await source_repo.list_sources(session, self.clock())

    async def page(self, page: int = 1, per_page: int = PER_PAGE) -> SourcePage:
        """One page of the source list (pages counted from 1; past the end shows the last)."""
        sources = await self.list_sources()
        pages = max(1, -(-len(sources) // per_page))
        page = min(max(1, page), pages)
        chosen = sources[(page - 1) * per_page : page * per_page]
        return SourcePage(chosen, page, pages, len(sources), self.clock())

    async def export_opml(self) -> opml_io.OpmlExport:
        """Every source as an OPML document."""
        return opml_io.export_opml(await self.list_sources(), self.clock())

    async def import_opml(self, data: bytes) -> ImportReport:
        """Add every feed of an OPML document, each fetched first; report added, skipped and failed."""
        return await opml_io.import_opml(self, data, self.concurrency)

    async def poll_due(self) -> list[PollResult]:
        """Fetch every active source whose next check has come."""
        async with self.db.transaction() as session:
            states = await source_repo.due_sources(session, self.clock())
        return await self._poll_many(states)

    async def refresh_all(self) -> list[PollResult]:
        """Fetch every active source now, whatever its schedule."""
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
        outcome = await self._fetch_parse(state)
        if isinstance(outcome, Exception):
            return await self._failed(state, outcome)
        return await self._store_poll(state, *outcome)

    async def _fetch_parse(self, state: source_repo.FetchState) -> tuple[Fetched, ParsedFeed] | NewsbotError:
        try:
            fetched = await self.fetcher.fetch(state.url, state.etag, state.last_modified, local_files=True)
            if fetched.content is None:
                return fetched, ParsedFeed(state.name, [])
            feed = await asyncio.to_thread(parse_source_document, fetched.content, state.url, fetched.content_type)
        except (FetchError, FeedError) as exc:
            return exc
        if state.fulltext and feed.entries:
            feed = await self._with_fulltext(state.id, feed)
        return fetched, feed

    async def _store_poll(self, state: source_repo.FetchState, fetched: Fetched, feed: ParsedFeed) -> PollResult:
        now = self.clock()
        async with self._writing, self.db.transaction() as session:
            stored = await story_repo.store_entries(session, state.id, feed.entries, now)
            alert = await source_repo.record_fetch(
                session, state.id, now, etag=fetched.etag, last_modified=fetched.last_modified, title=feed.title,
                warning=feed.warning,
            )
        return PollResult(state.id, state.name, stored.new, stored.duplicates, stored.updated, warning=feed.warning,
                          alert=alert, title=feed.title)

    async def _failed(self, state: source_repo.FetchState, exc: Exception) -> PollResult:
        logger.warning("source %s (%s) failed: %s", state.id, state.url, exc)
        retry_after = exc.retry_after if isinstance(exc, RetryLater) else None
        async with self._writing, self.db.transaction() as session:
            alert = await source_repo.record_fetch(
                session, state.id, self.clock(), error=str(exc), retry_after=retry_after
            )
        return PollResult(state.id, state.name, error=str(exc), alert=alert)

    async def _with_fulltext(self, source_id: int, feed: ParsedFeed) -> ParsedFeed:
        async with self.db.transaction() as session:
            fresh = await story_repo.new_entries(session, source_id, feed.entries, self.clock())
        fresh_ids = {id(entry) for entry in fresh}
        candidates = [entry for entry in feed.entries if id(entry) in fresh_ids]
        replaced = await self.fulltext.enrich(candidates)
        swap = {id(candidates[index]): entry for index, entry in replaced.items()}
        entries = [swap.get(id(entry), entry) for entry in feed.entries]
        return ParsedFeed(feed.title, entries, feed.warning)


def _other_scheme(url: str) -> str | None:
    """A web address in the form sources are compared in (default port dropped), over the other of http and https;
    None for a local file."""
    if not is_web_url(url):
        return None
    scheme, sep, rest = source_key(url).partition("://")
    return ("https" if scheme == "http" else "http") + sep + rest


def _expand(target: str) -> list[str]:
    """A target as source URLs: web URLs as given, files and directory members as file:// URLs."""
    if is_web_url(target):
        return [target]
    path = Path(target.removeprefix("file://"))
    try:
        path = path.expanduser()
    except RuntimeError:  # '~nobody/x': no such user's home
        raise InvalidArgument(f"{target}: no such user's home directory") from None
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FILE_SUFFIXES)
        if not files:
            raise InvalidArgument(f"{target}: no feed or story files ({', '.join(FILE_SUFFIXES)}) in it")
        return [file.resolve().as_uri() for file in files]
    if path.is_file():
        return [path.resolve().as_uri()]
    raise InvalidArgument(f"{target}: neither an http(s) URL nor an existing file or directory")
