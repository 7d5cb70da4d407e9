"""Subscriptions and delivery claims on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from news.models import Subscription
from storage import deliveries
from storage import subscriptions as repo
from storage.db import Database

NOW = datetime(2026, 1, 20, 18, 0, tzinfo=UTC)
LATE = timedelta(hours=12)


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


async def test_phrase_topics_come_back_whole_and_old_rows_still_read(db: Database) -> None:
    topics = ("climate change", "energy", "rock'n'roll", "x-ray vision")
    async with db.transaction() as session:
        await repo.save_subscription(session, Subscription(5, time(8), "UTC", topics, True, NOW), NOW)
        await repo.save_subscription(session, Subscription(6, time(8), "UTC", ("greenland", "kyiv"), True, NOW), NOW)
    async with db.transaction() as session:
        phrases, words = await repo.get_subscription(session, 5), await repo.get_subscription(session, 6)
    assert phrases is not None and phrases.topics == topics
    assert words is not None and words.topics == ("greenland", "kyiv"), "space-separated words, as rows were before"


async def _subscribe_many(db: Database, count: int) -> None:
    async with db.transaction() as session:
        for chat_id in range(1, count + 1):
            await repo.save_subscription(session, Subscription(chat_id, time(18), "UTC", (), True, NOW), NOW)


async def test_due_digests_are_claimed_once_even_by_concurrent_workers(db: Database) -> None:
    await _subscribe_many(db, 30)

    async def claim(worker: str) -> list[int]:
        """Claim batch after batch, as DigestService.run_due does, until nothing is due."""
        claimed: list[int] = []
        while True:
            async with db.transaction() as session:
                claims, _ = await deliveries.claim_due(session, NOW, worker=worker, max_late=LATE, limit=10)
            if not claims:
                return claimed
            claimed += [c.chat_id for c in claims]

    results = await asyncio.gather(*(claim(f"w{i}") for i in range(6)))
    claimed = [chat for batch in results for chat in batch]
    assert sorted(claimed) == list(range(1, 31))
    async with db.transaction() as session:
        again, _ = await deliveries.claim_due(session, NOW + timedelta(hours=1), worker="w", max_late=LATE, limit=50)
        statuses = await deliveries.count_by_status(session)
    assert again == [] and statuses == {"claimed": 30}


async def test_a_stale_claim_is_taken_over_where_it_stopped(db: Database) -> None:
    await _subscribe_many(db, 2)
    async with db.transaction() as session:
        claims, _ = await deliveries.claim_due(session, NOW, worker="dead", max_late=LATE, limit=10)
        await deliveries.record_progress(session, 1, claims[0].day, 2, NOW)
        await deliveries.finish(session, 2, claims[1].day, NOW)
    lease = timedelta(minutes=2)

    async def reclaim(minutes: int, worker: str) -> list[deliveries.Claim]:
        return await deliveries.reclaim_stale(
            session, NOW + timedelta(minutes=minutes), worker=worker, lease=lease, limit=9
        )

    async with db.transaction() as session:
        assert await reclaim(1, "w") == []
        [taken] = await reclaim(3, "w")
        assert (taken.chat_id, taken.parts_sent) == (1, 2)
        assert await reclaim(3, "x") == []
        assert await deliveries.retry_later(session, 1, taken.day, NOW, "network error") == 1
        assert await deliveries.delivery_status(session, 2, taken.day) == "sent"


async def test_too_late_digests_are_recorded_as_skipped(db: Database) -> None:
    await _subscribe_many(db, 1)
    async with db.transaction() as session:
        claims, skipped = await deliveries.claim_due(session, NOW + timedelta(hours=13), worker="w", max_late=LATE,
                                                     limit=10)
        assert (claims, skipped) == ([], 1)
        assert await deliveries.delivery_status(session, 1, date(2026, 1, 20)) == "skipped"
