"""The sent log across a crash: what left the process before it died is not sent again, what failed is."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from news.errors import DeliveryError
from services.container import Services
from services.digests import DeliveryPolicy
from services.fetch import Fetcher
from storage import deliveries
from storage.db import Database
from storage.sent_log import SentLog
from tests.conftest import FakeClock
from tests.services.test_digests import Crash, Outbox

PARTS = ["<b>Daily digest</b> part 1", "part 2", "part 3"]


@pytest.fixture
async def services(db: Database, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Services]:
    """Services with a sent log; every digest is three messages."""
    fetcher = Fetcher()
    services = Services(db, fetcher, clock=clock, sent_log=SentLog(tmp_path))
    services.digests.render = lambda briefing: list(PARTS)  # type: ignore[method-assign]
    yield services
    await fetcher.close()


async def crash_and_restart(services: Services, clock: FakeClock, send: Callable[..., object]) -> Services:
    """Run the delivery until the process 'dies' (Crash), then start another one on the same database and logs
    once the dead worker's lease has run out."""
    with pytest.raises(Crash):
        await services.digests.run_due(send)  # type: ignore[arg-type]
    log = services.digests.sent_log
    assert log is not None
    log.close()  # the kernel releases a dead process's lock; its file stays
    restarted = Services(services.db, services.fetcher, clock=clock, sent_log=SentLog(log.directory))
    restarted.digests.worker = "restarted-process"
    restarted.digests.render = services.digests.render  # type: ignore[method-assign]
    clock.advance(minutes=3)
    return restarted


async def subscribe(services: Services, clock: FakeClock, *chats: int) -> None:
    for chat_id in chats:
        await services.subscriptions.subscribe(chat_id, ["18:01", "UTC"])
    clock.advance(minutes=1)


async def test_a_crash_between_telegram_accepting_and_the_commit_sends_nothing_twice(
    services: Services, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await subscribe(services, clock, 21, 22)
    outbox = Outbox()

    async def dies_committing(*args: object) -> None:
        raise Crash

    monkeypatch.setattr(deliveries, "finish", dies_committing)  # every part accepted, then the process dies
    restarted = await crash_and_restart(services, clock, outbox)
    monkeypatch.undo()
    await restarted.digests.run_due(outbox)  # chat 22's run was cancelled with chat 21's: it may have parts left
    async with services.db.transaction() as session:
        assert await deliveries.count_by_status(session) == {"sent": 2}
    assert sorted(outbox.messages) == sorted((chat, text) for chat in (21, 22) for text in PARTS), "each once"


async def test_a_crash_midway_through_a_digest_resumes_after_the_last_message_that_left(
    services: Services, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await subscribe(services, clock, 23)
    outbox = Outbox()

    async def dies_recording(*args: object) -> None:
        raise Crash

    monkeypatch.setattr(deliveries, "record_progress", dies_recording)  # part 1 accepted, not recorded
    restarted = await crash_and_restart(services, clock, outbox)
    monkeypatch.undo()
    assert (await restarted.digests.run_due(outbox)).sent == 1
    assert [text for _, text in outbox.messages] == PARTS


async def test_a_process_dying_with_the_request_on_its_way_counts_the_message_sent(
    services: Services, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await subscribe(services, clock, 24)
    services.digests.render = lambda briefing: PARTS[:1]  # type: ignore[method-assign]

    async def dies_waiting_for_the_answer(chat_id: int, text: str, mark: Callable[[bool], None]) -> None:
        mark(True)
        monkeypatch.setattr(SentLog, "record", lambda self, sent: None)  # a dead process writes nothing more
        raise Crash

    restarted = await crash_and_restart(services, clock, dies_waiting_for_the_answer)
    monkeypatch.undo()
    outbox = Outbox()
    assert (await restarted.digests.run_due(outbox)).sent == 0 and outbox.messages == []
    async with services.db.transaction() as session:
        assert await deliveries.delivery_status(session, 24, clock.now.date()) == "sent"


async def test_a_send_failing_after_its_request_left_is_not_counted_sent(
    services: Services, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await subscribe(services, clock, 25)

    async def refused(chat_id: int, text: str, mark: Callable[[bool], None]) -> None:
        mark(True)
        raise DeliveryError("network error: 502 Bad Gateway")

    async def dies_recording_the_failure(*args: object) -> None:
        raise Crash

    monkeypatch.setattr(deliveries, "retry_later", dies_recording_the_failure)
    restarted = await crash_and_restart(services, clock, refused)
    monkeypatch.undo()
    outbox = Outbox()
    assert (await restarted.digests.run_due(outbox)).sent == 1 and outbox.messages == [(25, text) for text in PARTS]


async def test_a_process_dying_while_it_waits_to_retry_a_refused_message_sends_it_later(
    services: Services, clock: FakeClock
) -> None:
    await subscribe(services, clock, 26)
    services.digests.render = lambda briefing: PARTS[:1]  # type: ignore[method-assign]

    async def dies_waiting_out_a_429(chat_id: int, text: str, mark: Callable[[bool], None]) -> None:
        mark(True)  # the request left
        mark(False)  # 429: Telegram refused it; the rate limiter waits to try again
        raise Crash

    restarted = await crash_and_restart(services, clock, dies_waiting_out_a_429)
    outbox = Outbox()
    assert (await restarted.digests.run_due(outbox)).sent == 1 and outbox.messages == [(26, PARTS[0])]


async def test_one_failing_delivery_stops_the_whole_run_before_it_returns(
    services: Services, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await subscribe(services, clock, 27, 28)
    services.digests.render = lambda briefing: PARTS[:1]  # type: ignore[method-assign]
    cancelled: list[int] = []
    real_finish = deliveries.finish

    async def finish(session: object, chat_id: int, *args: object) -> None:
        if chat_id == 27:
            raise ConnectionError("database gone")
        await real_finish(session, chat_id, *args)  # type: ignore[arg-type]

    async def send(chat_id: int, text: str, mark: Callable[[bool], None]) -> None:
        mark(True)
        if chat_id == 28:
            try:
                await asyncio.sleep(3600)  # still waiting for Telegram when chat 27's commit fails
            except asyncio.CancelledError:
                cancelled.append(chat_id)
                raise

    monkeypatch.setattr(deliveries, "finish", finish)
    with pytest.raises(ConnectionError):
        await services.digests.run_due(send)
    assert cancelled == [28], "no send of a failed run goes on behind the next run's replay"


async def test_a_worker_dying_mid_run_is_replayed_before_its_claims_are_taken_over(
    db: Database, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetcher = Fetcher()
    first = Services(db, fetcher, clock=clock, sent_log=SentLog(tmp_path))
    for chat_id in (30, 31):
        await first.subscriptions.subscribe(chat_id, ["18:02", "UTC"])
    await subscribe(first, clock, 29)

    async def dies_committing(*args: object) -> None:
        raise Crash

    monkeypatch.setattr(deliveries, "finish", dies_committing)
    with pytest.raises(Crash):
        await first.digests.run_due(Outbox())  # chat 29's digest went out; the worker hangs, its claim leased
    monkeypatch.undo()
    second = Services(db, fetcher, clock=clock, sent_log=SentLog(tmp_path), delivery=DeliveryPolicy(batch=1))
    second.digests.worker = "second-process"
    clock.advance(minutes=1)  # 30 and 31 fall due; the first worker's claim is still leased
    outbox = Outbox()

    async def send(chat_id: int, text: str, mark: Callable[[bool], None]) -> None:
        if not outbox.messages:  # while the second worker is busy, the first dies and its lease runs out
            assert first.digests.sent_log is not None
            first.digests.sent_log.close()
            clock.advance(minutes=3)
        await outbox(chat_id, text, mark)

    await second.digests.run_due(send)
    assert sorted(chat for chat, _ in outbox.messages) == [30, 31]
    async with db.transaction() as session:
        assert await deliveries.delivery_status(session, 29, clock.now.date()) == "sent"
    await fetcher.close()
