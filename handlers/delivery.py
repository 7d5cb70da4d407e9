"""Sending digests through Telegram: its errors become DeliveryError, transient ones retried with backoff.

A sender also marks when a request carrying the message has left the process (its last byte handed to the socket
transport: the kernel, which delivers it even if the process dies next, unless its buffer is full) and when
Telegram refused that attempt. httpcore traces each request of the bot's HTTP client, and the trace calls the mark
of the send waiting in the same task (python-telegram-bot, its rate limiter and httpx all run in the caller's task).
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
from services.digests import DeliveryReport, Mark, Sender

logger = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]
_GONE = ("chat not found", "bot was kicked", "chat_write_forbidden", "need administrator rights", "have no rights")
_MARK: ContextVar[Mark | None] = ContextVar("newsbot_delivery_mark", default=None)


def traced_request(connection_pool_size: int = 256) -> HTTPXRequest:
    """The bot's HTTP client, tracing each request so a waiting sender learns when its request left the process."""
    return HTTPXRequest(connection_pool_size, httpx_kwargs={"event_hooks": {"request": [_trace_request]}})


async def _trace_request(request: httpx.Request) -> None:
    """httpx request hook: ask httpcore to trace this request."""
    request.extensions["trace"] = _trace


async def _trace(event: str, info: dict[str, Any]) -> None:
    """httpcore's trace: mark the send in this task when its request body is out, and when an answer refuses it."""
    if (mark := _MARK.get()) is None:
        return
    if event.endswith(".send_request_body.complete"):
        mark(True)
    elif event.endswith(".receive_response_headers.complete") and _status(event, info) not in (None, 200):
        mark(False)


def _status(event: str, info: dict[str, Any]) -> int | None:
    """The HTTP status in a response-headers trace: (version, status, ...) on HTTP/1.1, (status, headers) on 2."""
    value = info.get("return_value")
    if not isinstance(value, tuple) or len(value) < 2:
        return None
    status = value[1] if event.startswith("http11.") else value[0]
    return status if isinstance(status, int) else None


def telegram_sender(bot: Bot, *, retries: int = 3, backoff: float = 1.0, sleep: Sleep = asyncio.sleep) -> Sender:
    """A Sender posting one HTML message; 5xx and network errors are retried after 1, 2, 4... seconds.

    With a bot whose request is traced_request(), each attempt is marked as its request leaves and when Telegram
    refuses it; otherwise the message is marked when Telegram accepted it."""

    async def send(chat_id: int, text: str, mark: Mark) -> None:
        out = [False]

        def note(sent: bool) -> None:
            if sent != out[0]:
                out[0] = sent
                mark(sent)

        token = _MARK.set(note)
        try:
            await _attempts(bot, chat_id, text, note, retries, backoff, sleep)
        finally:
            _MARK.reset(token)

    return send


async def _attempts(
    bot: Bot, chat_id: int, text: str, note: Mark, retries: int, backoff: float, sleep: Sleep
) -> None:
    """Send until Telegram accepts, refuses for good, or the retries run out."""
    for attempt in range(retries + 1):
        try:
            await bot.send_message(chat_id, text)
            note(True)
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
            note(False)  # no answer, or a 5xx: the next attempt sends it again
            if attempt == retries:
                raise DeliveryError(f"network error: {exc.message}") from exc
            logger.info("send to %s failed (%s); retry %d of %d", chat_id, exc.message, attempt + 1, retries)
            await sleep(backoff * 2**attempt)


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
