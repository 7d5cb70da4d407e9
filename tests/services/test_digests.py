"""Digest delivery with a fake clock and a fake sender: on time, once, in the chat's zone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from news.errors import DeliveryError
from services.container import Services
from services.fetch import Fetcher
from storage.db import Database
from tests.conftest import SEEDS, FakeClock


class Outbox:
    """Records what would be sent; can fail for chosen chats."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, list[str]]] = []
        self.failing: dict[int, DeliveryError] = {}

    async def __call__(self, chat_id: int, messages: list[str]) -> None:
        if chat_id in self.failing:
            raise self.failing[chat_id]
        self.sent.append((chat_id, messages))


@pytest.fixture
async def services(db: Database, clock: FakeClock) -> AsyncIterator[Services]:
    fetcher = Fetcher()
    services = Services(db, fetcher, clock=clock, default_timezone="Europe/Kyiv")
    await services.sources.ingest(str(SEEDS))
    yield services
    await fetcher.close()


async def test_digest_arrives_at_the_local_minute_exactly_once(services: Services, clock: FakeClock) -> None:
    outbox = Outbox()
    subscription, changed = await services.subscriptions.subscribe(7, ["20:30"])
    assert changed and subscription.timezone == "Europe/Kyiv"
    assert subscription.next_due_at == datetime(2026, 1, 20, 18, 30, tzinfo=UTC)
    clock.advance(minutes=29, seconds=59)
    assert (await services.digests.run_due(outbox)).sent == 0
    clock.advance(seconds=1)
    assert (await services.digests.run_due(outbox)).sent == 1
    clock.advance(minutes=1)
    assert (await services.digests.run_due(outbox)).sent == 0
    [(chat, messages)] = outbox.sent
    assert chat == 7 and messages[0].startswith("<b>Daily digest") and "Greenland" in messages[0]
    clock.advance(days=1)
    assert (await services.digests.run_due(outbox)).sent == 1


async def test_topics_limit_the_digest(services: Services, clock: FakeClock) -> None:
    outbox = Outbox()
    await services.subscriptions.subscribe(8, ["18:30", "UTC", "guatemala"])
    clock.advance(minutes=30)
    await services.digests.run_due(outbox)
    text = "\n".join(outbox.sent[0][1])
    assert "Guatemala" in text and "Greenland" not in text


async def test_blocked_chat_is_deactivated_and_failure_recorded(services: Services, clock: FakeClock) -> None:
    outbox = Outbox()
    outbox.failing[9] = DeliveryError("not allowed to post: bot was blocked by the user", permanent=True)
    await services.subscriptions.subscribe(9, ["18:05", "UTC"])
    clock.advance(minutes=10)
    report = await services.digests.run_due(outbox)
    assert (report.sent, report.failed) == (0, 1)
    current = await services.subscriptions.get(9)
    assert current is not None and not current.active
    clock.advance(days=1)
    assert (await services.digests.run_due(outbox)).failed == 0


async def test_downtime_catch_up_sends_once_and_skips_stale_days(services: Services, clock: FakeClock) -> None:
    outbox = Outbox()
    await services.subscriptions.subscribe(10, ["20:10"])
    clock.advance(hours=3)
    assert (await services.digests.run_due(outbox)).sent == 1
    clock.advance(days=3)
    report = await services.digests.run_due(outbox)
    assert (report.sent, report.skipped) == (1, 0), "three missed days: only the latest, once"
    clock.advance(days=3, hours=10)
    report = await services.digests.run_due(outbox)
    assert (report.sent, report.skipped) == (0, 1), "more than 12 hours late: skipped"
    clock.advance(hours=12)
    assert (await services.digests.run_due(outbox)).sent == 1
    assert len(outbox.sent) == 3


async def test_subscribe_alone_shows_the_setting_and_unsubscribe(services: Services) -> None:
    await services.subscriptions.subscribe(11, ["07:15", "America/New_York"])
    shown, changed = await services.subscriptions.subscribe(11, [])
    assert not changed and shown.at.strftime("%H:%M") == "07:15" and shown.timezone == "America/New_York"
    assert await services.subscriptions.unsubscribe(11) is True
    assert await services.subscriptions.unsubscribe(11) is False
