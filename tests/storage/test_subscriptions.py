"""Subscriptions and delivery claims on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from news.models import Subscription
from storage import subscriptions as repo
from storage.db import Database

NOW = datetime(2026, 1, 20, 18, 0, tzinfo=UTC)


async def test_due_subscriptions_and_deactivation(db: Database) -> None:
    async with db.transaction() as session:
        await repo.save_subscription(session, Subscription(1, time(8), "UTC", (), True, NOW), NOW)
        await repo.save_subscription(session, Subscription(-100, time(9), "Europe/Kyiv", ("greenland",), True,
                                                           NOW + timedelta(hours=1)), NOW)
    async with db.transaction() as session:
        assert [s.chat_id for s in await repo.due_subscriptions(session, NOW)] == [1]
        assert await repo.deactivate(session, 1) is True
        assert await repo.deactivate(session, 1) is False
        assert await repo.due_subscriptions(session, NOW + timedelta(hours=2)) != []
        stored = await repo.get_subscription(session, -100)
    assert stored is not None and stored.topics == ("greenland",) and stored.timezone == "Europe/Kyiv"


async def test_a_day_is_claimed_once_even_by_concurrent_workers(db: Database) -> None:
    day = date(2026, 1, 20)

    async def claim() -> bool:
        async with db.transaction() as session:
            return await repo.claim_delivery(session, 5, day, NOW)

    results = await asyncio.gather(*(claim() for _ in range(6)))
    assert results.count(True) == 1
    async with db.transaction() as session:
        await repo.finish_delivery(session, 5, day, NOW)
        assert await repo.delivery_status(session, 5, day) == "sent"
        assert await repo.claim_delivery(session, 5, day, NOW + timedelta(hours=1)) is False


async def test_a_stale_claim_can_be_taken_over(db: Database) -> None:
    day = date(2026, 1, 20)
    async with db.transaction() as session:
        assert await repo.claim_delivery(session, 5, day, NOW)
        assert not await repo.claim_delivery(session, 5, day, NOW + timedelta(minutes=5))
        assert await repo.claim_delivery(session, 5, day, NOW + repo.CLAIM_LEASE + timedelta(seconds=1))
