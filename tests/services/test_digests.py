"""Digest delivery with a fake clock and a fake sender: on time, once, in the chat's zone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime

import pytest

from news.errors import DeliveryError
from services.container import Services
from services.fetch import Fetcher
from storage.db import Database
from tests.conftest import SEEDS, FakeClock


class Outbox:
    """Records what would be sent, a digest's messages grouped per chat; can fail for chosen chats."""

    def __init__(self) -> None:
        self.messages: list[tuple[int, str]] = []
        self.failing: dict[int, DeliveryError] = {}

    async def __call__(self, chat_id: int, text: str, mark: Callable[[bool], None]) -> None:
        if chat_id in self.failing:
            raise self.failing[chat_id]
        mark(True)
        self.messages.append((chat_id, text))

    @property
    def sent(self) -> list[tuple[int, list[str]]]:
        grouped: list[tuple[int, list[str]]] = []
        for chat_id, text in self.messages:
            if text.startswith("<b>Daily digest") or not grouped or grouped[-1][0] != chat_id:
                grouped.append((chat_id, []))
            grouped[-1][1].append(text)
        return grouped


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


class Crash(Exception):
    """The process dies here."""


async def test_crash_after_claim_is_resent_after_the_lease_once(services: Services, clock: FakeClock) -> None:
    await services.subscriptions.subscribe(12, ["18:01", "UTC"])
    clock.advance(minutes=1)

    async def dying(chat_id: int, text: str, mark: Callable[[bool], None]) -> None:
        raise Crash

    with pytest.raises(Crash):
        await services.digests.run_due(dying)
    services.digests.worker = "restarted-process"
    outbox = Outbox()
    assert (await services.digests.run_due(outbox)).sent == 0, "the claim is still leased"
    clock.advance(minutes=3)
    assert (await services.digests.run_due(outbox)).sent == 1
    clock.advance(minutes=3)
    assert (await services.digests.run_due(outbox)).sent == 0
    assert [chat for chat, _ in outbox.messages] == [12]


async def test_a_half_sent_digest_resumes_at_its_next_message(services: Services, clock: FakeClock) -> None:
    services.digests.render = lambda briefing: ["<b>Daily digest</b> part 1", "part 2", "part 3"]  # type: ignore[method-assign]
    await services.subscriptions.subscribe(13, ["18:01", "UTC"])
    clock.advance(minutes=1)
    seen: list[str] = []

    async def dies_on_third(chat_id: int, text: str, mark: Callable[[bool], None]) -> None:
        if text == "part 3":
            raise Crash
        seen.append(text)

    with pytest.raises(Crash):
        await services.digests.run_due(dies_on_third)
    services.digests.worker = "restarted-process"
    clock.advance(minutes=3)
    outbox = Outbox()
    assert (await services.digests.run_due(outbox)).sent == 1
    assert seen == ["<b>Daily digest</b> part 1", "part 2"] and outbox.messages == [(13, "part 3")]


async def test_transient_errors_retry_later_then_give_up(services: Services, clock: FakeClock) -> None:
    outbox = Outbox()
    outbox.failing[14] = DeliveryError("network error: 502 Bad Gateway")
    await services.subscriptions.subscribe(14, ["18:01", "UTC"])
    clock.advance(minutes=1)
    assert (await services.digests.run_due(outbox)).retrying == 1
    del outbox.failing[14]
    clock.advance(minutes=3)
    assert (await services.digests.run_due(outbox)).sent == 1
    outbox.failing[14] = DeliveryError("network error: 502 Bad Gateway")
    clock.advance(days=1)
    reports = []
    for _ in range(services.digests.policy.max_attempts):
        reports.append(await services.digests.run_due(outbox))
        clock.advance(minutes=3)
    assert [r.retrying for r in reports] == [1, 1, 1, 1, 0] and reports[-1].failed == 1


async def test_a_migrated_group_gets_its_digest_at_the_new_id(services: Services, clock: FakeClock) -> None:
    outbox = Outbox()
    outbox.failing[-15] = DeliveryError("chat moved", migrated_to=-10015)
    await services.subscriptions.subscribe(-15, ["18:01", "UTC"])
    clock.advance(minutes=1)
    report = await services.digests.run_due(outbox)
    assert report.sent == 1 and report.moved == [(-15, -10015)]
    assert {chat for chat, _ in outbox.messages} == {-10015}
    moved = await services.subscriptions.get(-10015)
    assert moved is not None and moved.active and await services.subscriptions.get(-15) is None


async def test_two_workers_on_one_database_send_each_digest_once(
    services: Services, db: Database, clock: FakeClock
) -> None:
    for chat_id in range(100, 160):
        await services.subscriptions.subscribe(chat_id, ["18:01", "UTC"])
    clock.advance(minutes=1)
    fetcher = Fetcher()
    other = Services(db, fetcher, clock=clock)
    outbox = Outbox()
    first, second = await asyncio.gather(services.digests.run_due(outbox), other.digests.run_due(outbox))
    await fetcher.close()
    chats = [chat for chat, _ in outbox.sent]
    assert sorted(chats) == list(range(100, 160)) and first.sent + second.sent == 60


async def test_changing_the_time_keeps_topics_until_all(services: Services) -> None:
    await services.subscriptions.subscribe(16, ["07:00", "greenland", "kyiv"])
    moved, _ = await services.subscriptions.subscribe(16, ["09:00"])
    assert moved.topics == ("greenland", "kyiv") and moved.at.hour == 9 and moved.timezone == "Europe/Kyiv"
    cleared, _ = await services.subscriptions.subscribe(16, ["all"])
    assert cleared.topics == () and cleared.at.hour == 9


async def test_a_day_without_stories_says_so(services: Services, clock: FakeClock) -> None:
    clock.advance(days=30)
    [message] = services.digests.render(await services.digests.preview(7))
    assert message == "<b>Daily digest · 19 Feb 2026</b>\n\nNo new stories today."


async def test_a_topic_digest_without_matches_names_its_topics(services: Services) -> None:
    await services.subscriptions.subscribe(17, ["volcano", '"climate change"'])
    [message] = services.digests.render(await services.digests.preview(17))
    assert message.endswith("\n\nNo new stories about &#x27;volcano, climate change&#x27; today.")
    assert "· <i>volcano, climate change</i>" in message


async def test_a_digest_for_a_date_is_that_whole_day(services: Services) -> None:
    """The seeds' stories are of 20 Jan: a digest for that date has them; for 21 Jan, at its first minute, not."""
    day = await services.digests.digest_for(date(2026, 1, 20))
    assert day.title == "Daily digest · 20 Jan 2026" and day.story_count > 0
    following = await services.digests.digest_for(date(2026, 1, 21))
    assert following.title == "Daily digest · 21 Jan 2026" and following.story_count == 0
    at_midnight = await services.digests.digest_for(datetime(2026, 1, 21, 0, 0, tzinfo=UTC))
    assert at_midnight.story_count == day.story_count  # a time, as before: the day up to it


async def test_a_preview_is_dated_on_the_chat_s_clock(services: Services) -> None:
    """At 18:00 UTC on 20 Jan it is already 21 Jan in Kiritimati (UTC+14)."""
    await services.subscriptions.subscribe(21, ["08:00", "Pacific/Kiritimati"])
    [first, *_] = services.digests.render(await services.digests.preview(21))
    assert first.startswith("<b>Daily digest · 21 Jan 2026</b>")
    [other, *_] = services.digests.render(await services.digests.preview(22))
    assert other.startswith("<b>Daily digest · 20 Jan 2026</b>")


async def test_a_preview_without_a_subscription_is_dated_in_the_default_zone(db: Database, clock: FakeClock) -> None:
    """At 18:00 UTC on 20 Jan it is already 21 Jan in the default zone, Kiritimati (UTC+14)."""
    fetcher = Fetcher()
    services = Services(db, fetcher, clock=clock, default_timezone="Pacific/Kiritimati")
    await services.subscriptions.subscribe(23, ["08:00", "UTC"])
    await services.subscriptions.unsubscribe(23)
    for chat in (22, 23):  # never subscribed, and unsubscribed: /subscribe would put either in the default zone
        [first, *_] = services.digests.render(await services.digests.preview(chat))
        assert first.startswith("<b>Daily digest · 21 Jan 2026</b>")
    await fetcher.close()
