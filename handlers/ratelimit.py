"""Telegram's flood limits, kept proactively: smooth overall pacing, one message a second per chat."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
MAX_CHAT_LIMITERS = 4096


class FloodLimiter(AIORateLimiter):
    """AIORateLimiter paced without bursts (`rate` per second overall, 20 a minute per group or channel),
    plus the one message per second per private chat that AIORateLimiter leaves out."""

    def __init__(self, rate: float = 29.0, max_retries: int = 5) -> None:
        super().__init__(
            overall_max_rate=1, overall_time_period=1 / rate, group_max_rate=1, group_time_period=3,
            max_retries=max_retries,
        )
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
        """Wait for the private chat's slot, then for AIORateLimiter's overall and group slots."""
        chat_id: Any = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)
        context = self._chat_limiter(chat_id) if isinstance(chat_id, int) and chat_id > 0 else contextlib.nullcontext()
        async with context:
            # While a 429 pauses everything, take no new slots: AIORateLimiter waits for the pause only after a
            # request took its slot, so the slots taken during the pause would all fire at once when it ends.
            await self._retry_after_event.wait()
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
