"""The flood limiter: even overall pacing, per-chat turns, a 429 pausing every sender, retries in slots of their own."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from handlers import ratelimit
from handlers.ratelimit import FloodLimiter, Pacer

Stamps = list[tuple[float, Any]]


def test_pacer_spaces_slots_on_a_fixed_timeline() -> None:
    now = [100.0]
    pacer = Pacer(rate=20, clock=lambda: now[0])
    assert [pacer.reserve() for _ in range(3)] == pytest.approx([0.0, 0.05, 0.1])  # queued callers, 1/20 s apart
    now[0] = 100.12  # the third woke late: the fourth slot stays at 100.15, not 0.05 s after the wake-up
    assert pacer.reserve() == pytest.approx(0.03)
    now[0] = 200.0  # idle for a long while: no saved-up burst
    assert pacer.reserve() == 0.0 and pacer.reserve() == pytest.approx(0.05)


def recorder(stamps: Stamps, *, fail: dict[Any, int] | None = None, seconds: float = 0.0) -> Any:
    """A fake Bot API call that records when it ran; `fail` answers a chat's first calls with a short 429."""

    async def call(chat: Any) -> bool:
        stamps.append((time.monotonic(), chat))
        if fail and fail.get(chat, 0) > 0:
            fail[chat] -= 1
            raise RetryAfter(timedelta(milliseconds=100))
        await asyncio.sleep(seconds)
        return True

    return call


async def send(limiter: FloodLimiter, call: Any, chat: Any) -> Any:
    return await limiter.process_request(call, (chat,), {}, "sendMessage", {"chat_id": chat}, None)


async def test_overall_rate_is_paced_and_calls_run_outside_the_turn() -> None:
    limiter, stamps = FloodLimiter(rate=50), []
    started = time.monotonic()
    await asyncio.gather(*(send(limiter, recorder(stamps, seconds=0.2), 1000 + n) for n in range(6)))
    moments = sorted(moment for moment, _ in stamps)
    # slots on a fixed timeline 1/50 s apart: the k-th call never starts before k slots have passed (a late
    # wake-up may bring one call closer to the next, never the calls as a whole ahead of the rate)
    assert all(moment - started >= k / 50 - 0.001 for k, moment in enumerate(moments))
    assert time.monotonic() - started < 0.8  # six 0.2 s calls overlap (1.2 s in a row): none holds the turn


async def test_each_chat_waits_its_own_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "PRIVATE_SECONDS", 0.1)
    monkeypatch.setattr(ratelimit, "GROUP_SECONDS", 0.3)
    limiter, stamps = FloodLimiter(rate=1000), []
    call = recorder(stamps)
    await asyncio.gather(*(send(limiter, call, chat) for chat in (7, 7, -100, -100, "@news", "@news", 8)))
    first = stamps[0][0]
    by_chat: dict[Any, list[float]] = {}
    for moment, chat in stamps:
        by_chat.setdefault(chat, []).append(moment - first)
    assert by_chat[8][0] < 0.05, "another chat is not held up"
    assert by_chat[7][1] - by_chat[7][0] >= 0.09
    assert by_chat[-100][1] - by_chat[-100][0] >= 0.29 and by_chat["@news"][1] - by_chat["@news"][0] >= 0.29


async def test_a_429_pauses_every_sender_then_the_request_is_retried() -> None:
    limiter, stamps = FloodLimiter(rate=1000), []
    call = recorder(stamps, fail={1: 1})
    first = asyncio.create_task(send(limiter, call, 1))
    await asyncio.sleep(0.02)  # the 429 has come back: 0.1 s retry_after plus the 0.1 s margin
    assert await asyncio.gather(first, send(limiter, call, 2)) == [True, True]
    start = stamps[0][0]
    assert stamps[0][1] == 1 and sorted(chat for _, chat in stamps[1:]) == [1, 2]
    assert all(moment - start >= 0.19 for moment, _ in stamps[1:]), "nothing is sent during the pause"


async def test_retries_stop_after_max_retries() -> None:
    limiter, stamps = FloodLimiter(rate=1000, max_retries=1), []
    with pytest.raises(RetryAfter):
        await send(limiter, recorder(stamps, fail={-5: 3}), -5)
    assert len(stamps) == 2


async def test_requests_without_a_chat_are_not_paced() -> None:
    limiter, stamps = FloodLimiter(rate=1), []
    call = recorder(stamps)
    started = time.monotonic()
    for _ in range(3):
        await limiter.process_request(call, (None,), {}, "getMe", {}, None)
    assert time.monotonic() - started < 0.1 and len(stamps) == 3


async def test_lookups_in_a_chat_are_not_paced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "GROUP_SECONDS", 3.0)
    limiter, stamps = FloodLimiter(rate=1), []
    call = recorder(stamps)
    started = time.monotonic()
    for _ in range(3):
        await limiter.process_request(call, (-100,), {}, "getChatMember", {"chat_id": -100, "user_id": 5}, None)
    assert time.monotonic() - started < 0.1 and len(stamps) == 3
