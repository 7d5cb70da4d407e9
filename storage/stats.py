"""Counts for the admins' /stats: stories per day, subscribers, digests by status."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DeliveryRow, StoryRow, SubscriptionRow


async def stories_per_day(session: AsyncSession, since: datetime, until: datetime) -> dict[date, int]:
    """Stories published in [since, until) per UTC day."""
    stamps = await session.scalars(
        select(StoryRow.published_at).where(StoryRow.published_at >= since, StoryRow.published_at < until)
    )
    return dict(Counter(stamp.date() for stamp in stamps))


async def subscriber_count(session: AsyncSession) -> int:
    """Chats with an active daily digest."""
    query = select(func.count()).select_from(SubscriptionRow).where(SubscriptionRow.active.is_(True))
    return int(await session.scalar(query) or 0)


async def deliveries_by_status(session: AsyncSession, since: datetime) -> dict[str, int]:
    """Digest deliveries claimed since a time, counted by status (sent, failed, skipped, claimed)."""
    rows = await session.execute(
        select(DeliveryRow.status, func.count()).where(DeliveryRow.claimed_at >= since).group_by(DeliveryRow.status)
    )
    return {str(status): int(count) for status, count in rows.all()}
