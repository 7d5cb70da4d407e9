"""Sending digests through Telegram: its errors become DeliveryError, transient ones retried with backoff."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from html import escape

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from news.errors import DeliveryError
from services.digests import DeliveryReport, Sender

logger = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]
_GONE = ("chat not found", "bot was kicked", "chat_write_forbidden", "need administrator rights", "have no rights")


def telegram_sender(bot: Bot, *, retries: int = 3, backoff: float = 1.0, sleep: Sleep = asyncio.sleep) -> Sender:
    """A Sender posting one HTML message; 5xx and network errors are retried after 1, 2, 4... seconds."""

    async def send(chat_id: int, text: str) -> None:
        for attempt in range(retries + 1):
            try:
                await bot.send_message(chat_id, text)
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
