"""Subscription and delivery repository: what is due, claimed once per chat and day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from news.models import Subscription
from storage.models import DeliveryRow, SubscriptionRow

CLAIM_LEASE = timedelta(minutes=10)


async def save_subscription(session: AsyncSession, subscription: Subscription, now: datetime) -> Subscription:
    """Create or replace a chat's subscription, active, due at subscription.next_due_at."""
    if subscription.next_due_at is None:
        raise ValueError("a saved subscription needs next_due_at")
    row = await session.get(SubscriptionRow, subscription.chat_id)
    if row is None:
        row = SubscriptionRow(chat_id=subscription.chat_id, created_at=now)
        session.add(row)
    row.at_minute = subscription.at.hour * 60 + subscription.at.minute
    row.timezone = subscription.timezone
    row.topics = " ".join(subscription.topics)
    row.active = True
    row.next_due_at = subscription.next_due_at
    await session.flush()
    return _to_subscription(row)


async def get_subscription(session: AsyncSession, chat_id: int) -> Subscription | None:
    """A chat's subscription, active or not."""
    row = await session.get(SubscriptionRow, chat_id)
    return _to_subscription(row) if row else None


async def deactivate(session: AsyncSession, chat_id: int) -> bool:
    """Stop a chat's digests; False when it had no active subscription."""
    result = await session.execute(
        update(SubscriptionRow)
        .where(SubscriptionRow.chat_id == chat_id, SubscriptionRow.active.is_(True))
        .values(active=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def due_subscriptions(session: AsyncSession, now: datetime, limit: int = 500) -> list[Subscription]:
    """Active subscriptions whose digest time has come, most overdue first."""
    query = (
        select(SubscriptionRow)
        .where(SubscriptionRow.active.is_(True), SubscriptionRow.next_due_at <= now)
        .order_by(SubscriptionRow.next_due_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return [_to_subscription(row) for row in await session.scalars(query)]


async def set_next_due(session: AsyncSession, chat_id: int, next_due_at: datetime) -> None:
    """Move a subscription's next digest time."""
    await session.execute(
        update(SubscriptionRow).where(SubscriptionRow.chat_id == chat_id).values(next_due_at=next_due_at)
    )


async def claim_delivery(session: AsyncSession, chat_id: int, day: date, now: datetime) -> bool:
    """Claim the digest of (chat, day); True only for the one caller that gets it (or a stale claim)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    inserted = await session.scalar(
        insert(DeliveryRow)
        .values(chat_id=chat_id, digest_date=day, status="claimed", claimed_at=now)
        .on_conflict_do_nothing()
        .returning(DeliveryRow.id)
    )
    if inserted is not None:
        return True
    stale = await session.execute(
        update(DeliveryRow)
        .where(
            DeliveryRow.chat_id == chat_id,
            DeliveryRow.digest_date == day,
            DeliveryRow.status == "claimed",
            DeliveryRow.claimed_at < now - CLAIM_LEASE,
        )
        .values(claimed_at=now)
    )
    return bool(getattr(stale, "rowcount", 0))


async def finish_delivery(
    session: AsyncSession, chat_id: int, day: date, now: datetime, error: str | None = None
) -> None:
    """Mark a claimed digest as sent, or as failed with the reason."""
    await session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.chat_id == chat_id, DeliveryRow.digest_date == day)
        .values(status="failed" if error else "sent", sent_at=None if error else now, error=error)
    )


async def delivery_status(session: AsyncSession, chat_id: int, day: date) -> str | None:
    """The status of a (chat, day) digest, or None when never claimed."""
    return await session.scalar(
        select(DeliveryRow.status).where(DeliveryRow.chat_id == chat_id, DeliveryRow.digest_date == day)
    )


def _to_subscription(row: SubscriptionRow) -> Subscription:
    return Subscription(
        chat_id=row.chat_id,
        at=time(row.at_minute // 60, row.at_minute % 60),
        timezone=row.timezone,
        topics=tuple(row.topics.split()),
        active=row.active,
        next_due_at=row.next_due_at,
    )
