"""Telegram's flood limits, kept proactively: smooth overall pacing, one message a second per chat."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
MAX_CHAT_LIMITERS = 4096


class Pacer:
    """Slots 1/rate seconds apart on a fixed timeline: a late wake-up on a busy event loop does not push the later
    slots back (a leaky bucket loses that time, a few percent of the rate), and an idle pacer saves no burst."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate
        self._clock = clock
        self._next = -math.inf

    def reserve(self) -> float:
        """Take the next free slot; returns the seconds to wait for it."""
        now = self._clock()
        slot = max(now, self._next)
        self._next = slot + self.interval
        return slot - now


class FloodLimiter(AIORateLimiter):
    """AIORateLimiter's retries and group limit (20 a minute per group or channel), with the overall rate kept by a
    Pacer instead, plus the one message per second per private chat that AIORateLimiter leaves out."""

    def __init__(self, rate: float = 29.0, max_retries: int = 5) -> None:
        super().__init__(
            overall_max_rate=0, group_max_rate=1, group_time_period=3, max_retries=max_retries,
        )
        self._pacer = Pacer(rate)
        self._turn = asyncio.Lock()
        self._chat_limiters: dict[int, AsyncLimiter] = {}

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        if len(self._chat_limiters) > MAX_CHAT_LIMITERS:
            idle = [key for key, limiter in self._chat_limiters.items() if limiter.has_capacity(1)]
            for key in idle:
                del self._chat_limiters[key]
        return self._chat_limiters.setdefault(chat_id, AsyncLimiter(1, 1))

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        """Wait for the private chat's slot, then the overall one, then AIORateLimiter's group slot."""
        chat_id: Any = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)
        context = self._chat_limiter(chat_id) if isinstance(chat_id, int) and chat_id > 0 else contextlib.nullcontext()
        async with context:
            if chat_id is not None:
                await self._overall_slot()
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)

    async def _overall_slot(self) -> None:
        """Wait, one sender at a time, for the next slot. While a 429 pauses everything no slot is taken: slots
        taken during a pause would all fire at once when it ends."""
        async with self._turn:
            await self._retry_after_event.wait()
            await asyncio.sleep(self._pacer.reserve())
