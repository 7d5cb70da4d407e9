"""Sending digests through Telegram: its errors become DeliveryError, transient ones retried with backoff.

A sender also says when a message's request has left the process (its last byte handed to the kernel, which
delivers it even if the process dies next): httpcore traces each request of the bot's HTTP client, and the trace
calls the callback of the send waiting in that task.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from html import escape
from typing import Any

import httpx
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.request import HTTPXRequest

from news.errors import DeliveryError
from services.digests import DeliveryReport, Sender

logger = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]
_GONE = ("chat not found", "bot was kicked", "chat_write_forbidden", "need administrator rights", "have no rights")
_WRITTEN: ContextVar[Callable[[], None] | None] = ContextVar("newsbot_request_written", default=None)


def traced_request(connection_pool_size: int = 256) -> HTTPXRequest:
    """The bot's HTTP client, tracing each request so a waiting sender learns when its request left the process."""
    return HTTPXRequest(connection_pool_size, httpx_kwargs={"event_hooks": {"request": [_trace_request]}})


async def _trace_request(request: httpx.Request) -> None:
    request.extensions["trace"] = _trace


async def _trace(event: str, info: dict[str, Any]) -> None:
    """httpcore's trace: once the request body is written, call the callback of the send in this task, if any."""
    if event.endswith(".send_request_body.complete") and (written := _WRITTEN.get()) is not None:
        written()


def telegram_sender(bot: Bot, *, retries: int = 3, backoff: float = 1.0, sleep: Sleep = asyncio.sleep) -> Sender:
    """A Sender posting one HTML message; 5xx and network errors are retried after 1, 2, 4... seconds.

    ``written`` is called when the accepted attempt's request left the process (with a bot whose request is
    traced_request()), or at the latest when Telegram accepted it."""

    async def send(chat_id: int, text: str, written: Callable[[], None]) -> None:
        calls: list[bool] = []

        def once() -> None:
            if not calls:
                calls.append(True)
                written()

        for attempt in range(retries + 1):
            token = _WRITTEN.set(once)
            try:
                await bot.send_message(chat_id, text)
                once()
                return
            except Forbidden as exc:
                raise DeliveryError(f"not allowed to post: {exc.message}", permanent=True) from exc
            except ChatMigrated as exc:
                raise DeliveryError(f"chat moved to {exc.new_chat_id}", migrated_to=exc.new_chat_id) from exc
            except RetryAfter as exc:
                raise DeliveryError(f"flood control persisted: {exc.message}") from exc
            except BadRequest as exc:
                gone = any(marker in exc.message.lower() for marker in _GONE)
                raise DeliveryError(f"rejected: {exc.message}", permanent=gone) from exc
            except NetworkError as exc:
                if attempt == retries:
                    raise DeliveryError(f"network error: {exc.message}") from exc
                logger.info("send to %s failed (%s); retry %d of %d", chat_id, exc.message, attempt + 1, retries)
                await sleep(backoff * 2**attempt)
            finally:
                _WRITTEN.reset(token)

    return send


async def tell_admins(bot: Bot, admins: frozenset[int], report: DeliveryReport) -> None:
    """Tell every admin which chats stopped getting digests, and why."""
    if not report.deactivated:
        return
    lines = ["<b>Digest delivery stopped for some chats</b>"]
    lines += [f"chat {chat_id}: {escape(reason)} (subscription deactivated)" for chat_id, reason in report.deactivated]
    for admin in admins:
        try:
            await bot.send_message(admin, "\n".join(lines[:50]))
        except (Forbidden, BadRequest, NetworkError) as exc:
            logger.warning("could not tell admin %s about stopped deliveries: %s", admin, exc)
