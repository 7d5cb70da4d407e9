"""Delivery repository: each (chat, local day) digest is a row before it is a message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from news.models import Subscription
from news.schedule import digest_day, latest_due, next_due
from storage.models import DeliveryRow, SubscriptionRow
from storage.sent_log import Sent
from storage.subscriptions import due_subscriptions, get_subscriptions


@dataclass(frozen=True, slots=True)
class Claim:
    """A digest this worker holds: whom to send it to and how many of its messages already went."""

    subscription: Subscription
    day: date
    parts_sent: int = 0
    attempts: int = 0

    @property
    def chat_id(self) -> int:
        """The chat the digest goes to."""
        return self.subscription.chat_id


def _insert(session: AsyncSession):  # type: ignore[no-untyped-def]
    return (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(DeliveryRow)


async def claim_due(
    session: AsyncSession, now: datetime, *, worker: str, max_late: timedelta, limit: int
) -> tuple[list[Claim], int]:
    """Claim due digests (advancing each subscription); digests later than max_late are recorded as skipped.

    Two statements for the whole batch, so the transaction (and SQLite's write lock) is short."""
    due = await due_subscriptions(session, now, limit)
    if not due:
        return [], 0
    plan: list[tuple[Subscription, date, bool]] = []
    for subscription in due:
        latest = latest_due(subscription.at, subscription.timezone, subscription.next_due_at or now, now)
        plan.append((subscription, digest_day(latest, subscription.timezone), now - latest > max_late))
    await session.execute(
        update(SubscriptionRow),
        [{"chat_id": s.chat_id, "next_due_at": next_due(s.at, s.timezone, now)} for s in due],
    )
    rows = [{"chat_id": s.chat_id, "digest_date": day, "status": "skipped" if late else "claimed", "claimed_at": now,
             "worker": worker, "error": "too late" if late else None} for s, day, late in plan]
    inserted = await session.execute(
        _insert(session).values(rows).on_conflict_do_nothing().returning(DeliveryRow.chat_id, DeliveryRow.status)
    )
    won = {chat_id: status for chat_id, status in inserted.all()}
    claims = [Claim(s, day) for s, day, _ in plan if won.get(s.chat_id) == "claimed"]
    return claims, sum(1 for status in won.values() if status == "skipped")


async def reclaim_stale(
    session: AsyncSession, now: datetime, *, worker: str, lease: timedelta, limit: int
) -> list[Claim]:
    """Take over claims whose worker stopped (no progress for a lease) or that wait for a retry, resuming at
    their next message; a live worker's own claims are never taken, however long they wait."""
    cutoff = now - lease
    stale = select(DeliveryRow.id).where(
        DeliveryRow.status == "claimed",
        DeliveryRow.claimed_at < cutoff,
        or_(DeliveryRow.worker.is_(None), DeliveryRow.worker != worker),
    )
    stale = stale.order_by(DeliveryRow.claimed_at).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        stale = stale.with_for_update(skip_locked=True)
    rows = (
        await session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(stale.scalar_subquery()), DeliveryRow.claimed_at < cutoff)
            .values(claimed_at=now, worker=worker)
            .returning(DeliveryRow.chat_id, DeliveryRow.digest_date, DeliveryRow.parts_sent, DeliveryRow.attempts)
        )
    ).all()
    subscriptions = await get_subscriptions(session, [row[0] for row in rows])
    return [Claim(subscriptions[chat], day, parts, attempts) for chat, day, parts, attempts in rows
            if chat in subscriptions]


async def renew(session: AsyncSession, worker: str, now: datetime) -> int:
    """Heartbeat: extend the lease of every claim this worker holds; returns how many."""
    result = await session.execute(
        update(DeliveryRow).where(DeliveryRow.worker == worker, DeliveryRow.status == "claimed").values(claimed_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def record_progress(session: AsyncSession, chat_id: int, day: date, parts_sent: int, now: datetime) -> None:
    """Remember how many messages of a digest went out (and renew the claim)."""
    await session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.chat_id == chat_id, DeliveryRow.digest_date == day)
        .values(parts_sent=parts_sent, claimed_at=now)
    )


async def finish(session: AsyncSession, chat_id: int, day: date, now: datetime, error: str | None = None) -> None:
    """Mark a digest sent, or failed for good with the reason."""
    await session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.chat_id == chat_id, DeliveryRow.digest_date == day)
        .values(status="failed" if error else "sent", sent_at=None if error else now, error=error)
    )


async def retry_later(session: AsyncSession, chat_id: int, day: date, now: datetime, error: str) -> int:
    """Keep a digest claimed for another try after the lease; returns the attempts so far."""
    attempts = await session.scalar(
        update(DeliveryRow)
        .where(DeliveryRow.chat_id == chat_id, DeliveryRow.digest_date == day)
        .values(attempts=DeliveryRow.attempts + 1, error=error, claimed_at=now, worker=None)
        .returning(DeliveryRow.attempts)
    )
    return int(attempts or 0)


async def delivery_status(session: AsyncSession, chat_id: int, day: date) -> str | None:
    """The status of a (chat, day) digest, or None when never claimed."""
    return await session.scalar(
        select(DeliveryRow.status).where(DeliveryRow.chat_id == chat_id, DeliveryRow.digest_date == day)
    )


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    """How many digests are sent, failed, skipped or in flight."""
    rows = await session.execute(select(DeliveryRow.status, func.count()).group_by(DeliveryRow.status))
    return {status: int(count) for status, count in rows.all()}


async def apply_sent(session: AsyncSession, records: Sequence[Sent], now: datetime) -> None:
    """Bring claimed digests up to the messages a sent log says had left the process (one executemany for all)."""
    table = cast(Table, DeliveryRow.__table__)  # Core: executemany with criteria per row
    statement = (
        update(table)
        .where(table.c.chat_id == bindparam("chat"), table.c.digest_date == bindparam("day"),
               table.c.status == "claimed", table.c.parts_sent < bindparam("parts"))
        .values(parts_sent=bindparam("parts"), status=bindparam("state"), sent_at=bindparam("at"))
    )
    await session.execute(statement, [
        {"chat": r.chat_id, "day": r.day, "parts": r.parts, "state": "sent" if r.parts >= r.total else "claimed",
         "at": now if r.parts >= r.total else None} for r in records
    ])
