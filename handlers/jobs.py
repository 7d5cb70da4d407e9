"""Background ticks: poll due sources and deliver due digests, the database deciding what is due."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from handlers.context import BotContext
from news.errors import DeliveryError
from services.digests import Sender

logger = logging.getLogger(__name__)


async def poll_sources(context: BotContext) -> None:
    """Fetch every source whose next check has come."""
    results = await context.services.sources.poll_due()
    new = sum(result.new for result in results)
    if results:
        logger.info("polled %d sources: %d new stories", len(results), new)


async def deliver_digests(context: BotContext) -> None:
    """Send each chat whose digest time has come its digest, once."""
    report = await context.services.digests.run_due(telegram_sender(context.bot))
    if report.sent or report.failed or report.skipped:
        logger.info("digests: %d sent, %d failed, %d skipped", report.sent, report.failed, report.skipped)


def telegram_sender(bot: Bot) -> Sender:
    """A Sender that posts HTML messages and turns Telegram errors into DeliveryError."""

    async def send(chat_id: int, messages: list[str]) -> None:
        for text in messages:
            try:
                await bot.send_message(chat_id, text)
            except Forbidden as exc:
                raise DeliveryError(f"not allowed to post: {exc.message}", permanent=True) from exc
            except ChatMigrated as exc:
                raise DeliveryError(f"chat moved to {exc.new_chat_id}") from exc
            except RetryAfter as exc:
                raise DeliveryError(f"flood control: retry after {exc.retry_after}") from exc
            except BadRequest as exc:
                raise DeliveryError(f"rejected: {exc.message}") from exc
            except NetworkError as exc:
                raise DeliveryError(f"network error: {exc.message}") from exc

    return send
