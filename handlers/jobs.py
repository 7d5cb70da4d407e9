"""Background ticks: poll due sources and deliver due digests, the database deciding what is due."""

from __future__ import annotations

import logging

from handlers.context import BotContext
from handlers.delivery import telegram_sender, tell_admins
from handlers.sources import notify_admins

logger = logging.getLogger(__name__)


async def poll_sources(context: BotContext) -> None:
    """Fetch every source whose next check has come."""
    results = await context.services.sources.poll_due()
    new = sum(result.new for result in results)
    if results:
        logger.info("polled %d sources: %d new stories", len(results), new)
    await notify_admins(context.bot, context.services.admins, results)


async def deliver_digests(context: BotContext) -> None:
    """Send each chat whose digest time has come its digest, once; tell admins about chats that are gone."""
    report = await context.services.digests.run_due(telegram_sender(context.bot))
    if report.sent or report.failed or report.skipped or report.retrying:
        logger.info(
            "digests: %d sent, %d failed, %d skipped, %d to retry", report.sent, report.failed, report.skipped,
            report.retrying,
        )
    await tell_admins(context.bot, context.services.admins, report)
