"""Source repository: registered feeds and their fetch state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from news.errors import SourceExistsError, SourceNotFoundError
from news.models import Source
from storage.models import SourceRow, StoryLinkRow


@dataclass(frozen=True, slots=True)
class FetchState:
    """What a poll needs to fetch a source politely."""

    id: int
    url: str
    name: str
    etag: str | None
    last_modified: str | None


async def add_source(session: AsyncSession, url: str, name: str, now: datetime, interval: int = 900) -> Source:
    """Register a source, due at once; raise SourceExistsError for a known URL."""
    row = SourceRow(url=url, name=name, interval_seconds=interval, next_check_at=now, created_at=now)
    session.add(row)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise SourceExistsError(f"a source with this address is already registered: {url}") from None
    return _to_source(row, 0)


async def get_source_by_url(session: AsyncSession, url: str) -> Source | None:
    """The source registered with this URL, if any."""
    row = await session.scalar(select(SourceRow).where(SourceRow.url == url))
    return _to_source(row, 0) if row else None


async def remove_source(session: AsyncSession, source_id: int) -> Source:
    """Delete a source and its links (stories stay); raise SourceNotFoundError."""
    row = await session.get(SourceRow, source_id)
    if row is None:
        raise SourceNotFoundError(f"no source has id {source_id}")
    source = _to_source(row, 0)
    await session.delete(row)
    return source


async def list_sources(session: AsyncSession) -> list[Source]:
    """Every source with its story count, oldest first."""
    counts = (
        select(StoryLinkRow.source_id, func.count().label("n"))
        .group_by(StoryLinkRow.source_id)
        .subquery()
    )
    rows = await session.execute(
        select(SourceRow, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.source_id == SourceRow.id)
        .order_by(SourceRow.id)
    )
    return [_to_source(row, count) for row, count in rows.all()]


async def due_sources(session: AsyncSession, now: datetime, limit: int = 100) -> list[FetchState]:
    """Sources whose next check is due, most overdue first."""
    rows = await session.scalars(
        select(SourceRow).where(SourceRow.next_check_at <= now).order_by(SourceRow.next_check_at).limit(limit)
    )
    return [_fetch_state(row) for row in rows]


async def all_fetch_states(session: AsyncSession) -> list[FetchState]:
    """Every source, for a forced refresh."""
    rows = await session.scalars(select(SourceRow).order_by(SourceRow.id))
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
) -> None:
    """Store a poll's outcome and when to check next (doubling the wait after each failure, up to a day)."""
    row = await session.get(SourceRow, source_id)
    if row is None:
        return
    row.last_fetched_at = now
    row.last_error = error
    wait = timedelta(seconds=row.interval_seconds)
    if error is None:
        row.last_success_at = now
        row.etag = etag or row.etag
        row.last_modified = last_modified or row.last_modified
        if title and row.name == row.url:
            row.name = title[:200]
    elif row.last_success_at is not None:
        failing_for = now - row.last_success_at
        wait = min(max(wait, failing_for), timedelta(days=1))
    row.next_check_at = now + wait


def _fetch_state(row: SourceRow) -> FetchState:
    return FetchState(row.id, row.url, row.name, row.etag, row.last_modified)


def _to_source(row: SourceRow, count: int) -> Source:
    return Source(
        id=row.id,
        url=row.url,
        name=row.name,
        last_fetched_at=row.last_fetched_at,
        last_error=row.last_error,
        story_count=int(count),
    )
