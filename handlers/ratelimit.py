"""Telegram's flood limits, kept ahead of time and after the fact, for every request the bot makes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)
JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
MAX_CHAT_LIMITERS = 4096
_LOOKUPS = ("get",)  # getChatMember, getChat...: lookups, not messages; Telegram's per-chat limits are on messages
PRIVATE_SECONDS = 1.0  # one message a second per private chat
GROUP_SECONDS = 3.0  # 20 messages a minute per group or channel
PAUSE_MARGIN = 0.1  # seconds added to a 429's retry_after


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


class FloodLimiter(BaseRateLimiter[int]):
    """Each request to a chat waits for its chat's turn (one a second per private chat, one every 3 s per group or
    channel), then for an overall slot (`rate` a second, evenly paced); a 429 pauses every sender for its
    retry_after and the request is tried again, up to `max_retries` times, each attempt in a slot of its own."""

    def __init__(self, rate: float = 29.0, max_retries: int = 5, clock: Callable[[], float] = time.monotonic) -> None:
        self._pacer = Pacer(rate, clock)
        self._clock = clock
        self._turn = asyncio.Lock()
        self._paused_until = -math.inf
        self._max_retries = max_retries
        self._chats: dict[int | str, AsyncLimiter] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        """Run one Bot API request within the limits, retrying it after each 429."""
        chat = _chat_key(data.get("chat_id")) if not endpoint.startswith(_LOOKUPS) else None
        retries = self._max_retries if rate_limit_args is None else rate_limit_args
        async with self._chat_limiter(chat) if chat is not None else contextlib.nullcontext():
            for attempt in range(retries + 1):
                if chat is not None:
                    await self._overall_slot()
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as exc:
                    if attempt == retries:
                        raise
                    self._pause(exc.retry_after, endpoint)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _chat_limiter(self, chat: int | str) -> AsyncLimiter:
        if len(self._chats) > MAX_CHAT_LIMITERS:
            for key in [key for key, limiter in self._chats.items() if limiter.has_capacity(1)]:
                del self._chats[key]
        period = PRIVATE_SECONDS if isinstance(chat, int) and chat > 0 else GROUP_SECONDS
        return self._chats.setdefault(chat, AsyncLimiter(1, period))

    async def _overall_slot(self) -> None:
        """Wait, one sender at a time, for the next overall slot that does not fall in a 429 pause."""
        async with self._turn:
            while True:
                if (pause := self._paused_until - self._clock()) > 0:
                    await asyncio.sleep(pause)
                await asyncio.sleep(self._pacer.reserve())
                if self._paused_until <= self._clock():
                    return

    def _pause(self, retry_after: int | timedelta, endpoint: str) -> None:
        seconds = retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
        self._paused_until = max(self._paused_until, self._clock() + seconds + PAUSE_MARGIN)
        logger.info("flood control on %s: every send waits %.1f s", endpoint, seconds + PAUSE_MARGIN)


def _chat_key(chat_id: Any) -> int | str | None:
    """A chat id as an int when it is one (ids may come as strings), else the @username; None without a chat."""
    if chat_id is None:
        return None
    try:
        return int(chat_id)
    except (TypeError, ValueError):
        return str(chat_id)
