"""The one error handler: log first, then tell the user something went wrong."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from handlers.context import BotContext
from handlers.texts import FAILURE

logger = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the exception with the update that caused it, then apologise in the chat."""
    logger.error("error while handling update %r", update, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_message is None:
        return
    try:
        await update.effective_message.reply_text(FAILURE)
    except TelegramError as exc:
        logger.warning("could not report the error to chat: %s", exc)
