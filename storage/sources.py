"""Source repository: registered feeds, their settings and fetch state."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from news.errors import SourceExistsError, SourceNotFoundError
from news.health import ALERT_AFTER_FAILURES, next_check
from news.models import Source
from news.urls import source_key
from storage.models import SourceRow, StoryLinkRow, StoryRow


@dataclass(frozen=True, slots=True)
class FetchState:
    """What a poll needs to fetch a source politely."""

    id: int
    url: str
    name: str
    etag: str | None
    last_modified: str | None
    fulltext: bool = False


async def add_source(
    session: AsyncSession, url: str, name: str, now: datetime, interval: int = 900, *, fetched: FetchMeta | None = None
) -> Source:
    """Register a source, due at once or, when it was just fetched, at its next check; SourceExistsError for a
    known URL, however spelled (a race past that check makes the transaction unusable: add a source first in it)."""
    await ensure_new(session, url)
    row = SourceRow(
        url=url, name=name, interval_seconds=interval, next_check_at=now, created_at=now,
        paused=False, failures=0, fulltext=False, alerted=False,
    )
    if fetched is not None:
        row.last_fetched_at = now
        _succeeded(row, now, fetched.etag, fetched.last_modified, None, fetched.warning)
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:
        raise SourceExistsError(f"a source with this address is already registered: {url}") from None
    return _to_source(row)


@dataclass(frozen=True, slots=True)
class FetchMeta:
    """What the first fetch of a new source said about it."""

    etag: str | None = None
    last_modified: str | None = None
    warning: str | None = None


# Per engine: a name in lower case, A-Z folded only (PostgreSQL's lower() follows the collation: Turkish makes 'I'
# 'ı'), and whether a name has a character beyond ASCII (which may casefold unlike any SQL lower()).
_LOWER = {"sqlite": "lower(name)", "postgresql": 'lower(name COLLATE "C")'}
_NON_ASCII = {
    "sqlite": "length(CAST(name AS BLOB)) != length(name)",
    "postgresql": "octet_length(name) != length(name)",
}


async def ensure_new(session: AsyncSession, url: str) -> None:
    """Raise SourceExistsError when a source is registered with this URL or another spelling of it."""
    known = await get_source_by_url(session, url)
    if known is not None:
        raise SourceExistsError(
            f"a source with this address is already registered: #{known.id} {known.name} ({known.url})"
        )


async def source_ids_named(session: AsyncSession, name: str) -> list[int]:
    """Ids of the sources whose name holds the words of ``name`` in order, in any case (Unicode-aware, unlike
    SQLite's lower()): 'europe desk' and 'europe-desk' both name "Europe Desk"."""
    words = re.findall(r"[^\W_]+", name.casefold())
    wanted = re.compile(".*".join(re.escape(word) for word in words))
    plain = [word for word in words if word.isascii()]  # lower() folds these alike in SQL: a cheap first cut
    engine = session.get_bind().dialect.name
    cut = " AND ".join(f"{_LOWER[engine]} LIKE :w{index}" for index in range(len(plain))) or "1 = 1"
    accented = _NON_ASCII[engine]  # such names are left to casefold() below
    rows = await session.execute(
        text(f"SELECT id, name FROM sources WHERE ({cut}) OR {accented} ORDER BY id"),
        {f"w{index}": f"%{word}%" for index, word in enumerate(plain)},
    )
    return [source_id for source_id, stored in rows if wanted.search(stored.casefold())]


async def get_source_by_url(session: AsyncSession, url: str) -> Source | None:
    """The source registered with this URL, or with a spelling of it that normalizes alike (news.urls.source_key)."""
    return (await sources_by_urls(session, [url])).get(url)


async def sources_by_urls(session: AsyncSession, urls: list[str]) -> dict[str, Source]:
    """The registered sources among these URLs, by the URL asked for, compared in normal form.

    Every stored URL is read and normalized (a few hundred sources at most); when an older database holds
    several spellings of one feed, the oldest source answers.
    """
    first_id: dict[str, int] = {}
    for source_id, stored in await session.execute(select(SourceRow.id, SourceRow.url).order_by(SourceRow.id)):
        first_id.setdefault(source_key(stored), source_id)
    wanted = {url: first_id[key] for url in urls if (key := source_key(url)) in first_id}
    ids = sorted(set(wanted.values()))
    by_id: dict[int, Source] = {}
    for start in range(0, len(ids), 500):
        rows = await session.scalars(select(SourceRow).where(SourceRow.id.in_(ids[start : start + 500])))
        by_id.update((row.id, _to_source(row)) for row in rows)
    return {url: by_id[source_id] for url, source_id in wanted.items()}


async def _row(session: AsyncSession, source_id: int) -> SourceRow:
    row = await session.get(SourceRow, source_id)
    if row is None:
        raise SourceNotFoundError(f"no source has id {source_id}")
    return row


async def remove_source(session: AsyncSession, source_id: int) -> Source:
    """Delete a source and its links (stories stay); raise SourceNotFoundError."""
    row = await _row(session, source_id)
    source = _to_source(row)
    await session.delete(row)
    return source


async def set_paused(
    session: AsyncSession, source_id: int, paused: bool, now: datetime
) -> tuple[Source, bool]:
    """Pause a source, or resume it (due at once); whether that changed it; raise SourceNotFoundError."""
    row = await _row(session, source_id)
    changed = row.paused != paused
    row.paused = paused
    if not paused:
        row.next_check_at = now
    return _to_source(row), changed


async def set_interval(session: AsyncSession, source_id: int, seconds: int, now: datetime) -> Source:
    """Change how often a source is polled; the next check moves no later than one new interval from now."""
    row = await _row(session, source_id)
    row.interval_seconds = seconds
    row.next_check_at = min(row.next_check_at, now + timedelta(seconds=seconds))
    return _to_source(row)


async def set_fulltext(session: AsyncSession, source_id: int, enabled: bool) -> Source:
    """Switch article full-text fetching for a source."""
    row = await _row(session, source_id)
    row.fulltext = enabled
    return _to_source(row)


async def list_sources(session: AsyncSession, now: datetime | None = None) -> list[Source]:
    """Every source with its story count (and stories published in the day before now), oldest first."""
    counts = select(StoryLinkRow.source_id, func.count().label("n")).group_by(StoryLinkRow.source_id).subquery()
    rows = await session.execute(
        select(SourceRow, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.source_id == SourceRow.id)
        .order_by(SourceRow.id)
    )
    recent = await _recent_counts(session, now) if now is not None else {}
    return [_to_source(row, count, recent.get(row.id, 0)) for row, count in rows.all()]


async def _recent_counts(session: AsyncSession, now: datetime) -> dict[int, int]:
    rows = await session.execute(
        select(StoryLinkRow.source_id, func.count())
        .join(StoryRow, StoryRow.id == StoryLinkRow.story_id)
        .where(StoryRow.published_at > now - timedelta(days=1), StoryRow.published_at <= now)
        .group_by(StoryLinkRow.source_id)
    )
    return {source_id: int(count) for source_id, count in rows.all()}


async def due_sources(session: AsyncSession, now: datetime, limit: int = 100) -> list[FetchState]:
    """Active sources whose next check is due, most overdue first."""
    rows = await session.scalars(
        select(SourceRow)
        .where(SourceRow.next_check_at <= now, SourceRow.paused.is_(False))
        .order_by(SourceRow.next_check_at)
        .limit(limit)
    )
    return [_fetch_state(row) for row in rows]


async def all_fetch_states(session: AsyncSession) -> list[FetchState]:
    """Every active source, for a forced refresh."""
    rows = await session.scalars(select(SourceRow).where(SourceRow.paused.is_(False)).order_by(SourceRow.id))
    return [_fetch_state(row) for row in rows]


async def record_fetch(
    session: AsyncSession,
    source_id: int,
    now: datetime,
    *,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    title: str | None = None,
    warning: str | None = None,
    retry_after: float | None = None,
) -> str | None:
    """Store a poll's outcome and when to check next (backing off after failures).

    Returns "failing" when the source has just become a persistent failure admins should hear about,
    "recovered" when such a source reads again, None otherwise.
    """
    row = await session.get(SourceRow, source_id)
    if row is None:
        return None
    row.last_fetched_at = now
    row.last_error = error
    if error is not None:
        return _failed(row, now, error, retry_after)
    return _succeeded(row, now, etag, last_modified, title, warning)


def _succeeded(
    row: SourceRow, now: datetime, etag: str | None, last_modified: str | None, title: str | None, warning: str | None
) -> str | None:
    row.last_success_at = now
    row.etag = etag or row.etag
    row.last_modified = last_modified or row.last_modified
    row.last_warning = warning
    row.failures = 0
    if title and row.name == row.url:
        row.name = title[:200]
    row.next_check_at = next_check(row.interval_seconds, 0, now)
    recovered = row.alerted
    row.alerted = False
    return "recovered" if recovered else None


def _failed(row: SourceRow, now: datetime, error: str, retry_after: float | None) -> str | None:
    row.failures = (row.failures or 0) + 1
    failing_for = now - row.last_success_at if row.last_success_at else None
    row.next_check_at = next_check(
        row.interval_seconds, row.failures, now, failing_for=failing_for, retry_after=retry_after
    )
    if row.failures >= ALERT_AFTER_FAILURES and not row.alerted:
        row.alerted = True
        return "failing"
    return None


def _fetch_state(row: SourceRow) -> FetchState:
    return FetchState(row.id, row.url, row.name, row.etag, row.last_modified, bool(row.fulltext))


def _to_source(row: SourceRow, count: int = 0, recent: int = 0) -> Source:
    return Source(
        id=row.id, url=row.url, name=row.name, last_fetched_at=row.last_fetched_at, last_error=row.last_error,
        story_count=int(count), last_success_at=row.last_success_at, next_check_at=row.next_check_at,
        interval_seconds=row.interval_seconds, paused=bool(row.paused), failures=row.failures or 0,
        warning=row.last_warning, fulltext=bool(row.fulltext), stories_last_day=recent,
    )
