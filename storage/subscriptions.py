"""Subscription repository: which chats get a digest, when, about what.

Topics are kept space-separated, a phrase's own spaces written as '+' (topics hold no '+' of their own)."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from news.models import Subscription
from storage.models import DeliveryRow, SubscriptionRow


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
    row.topics = " ".join(topic.replace(" ", "+") for topic in subscription.topics)
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


async def move_chat(session: AsyncSession, old_id: int, new_id: int) -> None:
    """A group became a supergroup: its subscription and deliveries follow it to the new id."""
    if await session.get(SubscriptionRow, new_id) is None:
        await session.execute(update(SubscriptionRow).where(SubscriptionRow.chat_id == old_id).values(chat_id=new_id))
    await session.execute(update(DeliveryRow).where(DeliveryRow.chat_id == old_id).values(chat_id=new_id))


async def get_subscriptions(session: AsyncSession, chat_ids: list[int]) -> dict[int, Subscription]:
    """Subscriptions of these chats, by chat id."""
    rows = await session.scalars(select(SubscriptionRow).where(SubscriptionRow.chat_id.in_(chat_ids)))
    return {row.chat_id: _to_subscription(row) for row in rows}


def _to_subscription(row: SubscriptionRow) -> Subscription:
    return Subscription(
        chat_id=row.chat_id,
        at=time(row.at_minute // 60, row.at_minute % 60),
        timezone=row.timezone,
        topics=tuple(topic.replace("+", " ") for topic in row.topics.split()),
        active=row.active,
        next_due_at=row.next_due_at,
    )
