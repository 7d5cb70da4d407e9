"""The flood limiter: even pacing on a fixed timeline, a 429 pauses and resumes, private chats one message a second."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from handlers.ratelimit import FloodLimiter, Pacer


def test_pacer_spaces_slots_on_a_fixed_timeline() -> None:
    now = [100.0]
    pacer = Pacer(rate=20, clock=lambda: now[0])
    assert [pacer.reserve() for _ in range(3)] == pytest.approx([0.0, 0.05, 0.1])  # queued callers, 1/20 s apart
    now[0] = 100.12  # the third woke late: the fourth slot stays at 100.15, not 0.05 s after the wake-up
    assert pacer.reserve() == pytest.approx(0.03)
    now[0] = 200.0  # idle for a long while: no saved-up burst
    assert pacer.reserve() == 0.0 and pacer.reserve() == pytest.approx(0.05)


async def test_a_429_waits_its_retry_after_then_resumes() -> None:
    limiter = FloodLimiter(rate=1000, max_retries=2)
    calls: list[float] = []

    async def send(*args: Any, **kwargs: Any) -> bool:
        calls.append(time.monotonic())
        if len(calls) == 1:
            raise RetryAfter(timedelta(seconds=0))
        return True

    assert await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": -100}, None) is True
    assert len(calls) == 2


async def test_messages_to_one_private_chat_are_a_second_apart() -> None:
    limiter = FloodLimiter(rate=1000)
    stamps: dict[int, list[float]] = {7: [], 8: []}

    async def send(*args: Any, **kwargs: Any) -> bool:
        return True

    async def one(chat_id: int) -> None:
        await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": chat_id}, None)
        stamps[chat_id].append(time.monotonic())

    started = time.monotonic()
    await asyncio.gather(one(7), one(7), one(8))
    assert stamps[8][0] - started < 0.2, "another chat is not held up"
    assert stamps[7][1] - stamps[7][0] >= 0.9
