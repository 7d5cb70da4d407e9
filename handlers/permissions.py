"""Who may run a command: the bot's admins for sources; for a chat's settings, anyone in a private chat and, in a
group, its administrators and the bot's admins."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden

from handlers.context import BotContext, reply, user_id
from handlers.texts import NOT_ADMIN, NOT_CHAT_ADMIN

logger = logging.getLogger(__name__)
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
Check = Callable[[Update, BotContext], Awaitable[bool]]
GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)
MANAGERS = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


async def may_manage_chat(update: Update, context: BotContext) -> bool:
    """Whether the sender may change this chat's settings (in a group: its administrators and the bot's admins)."""
    chat = update.effective_chat
    if chat is None or chat.type not in GROUPS:
        return True
    message = update.effective_message
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True  # an anonymous administrator writes as the group itself
    user = user_id(update)
    if user is None:
        return False
    if context.services.is_admin(user):
        return True
    try:
        member = await context.bot.get_chat_member(chat.id, user)
    except (BadRequest, Forbidden) as exc:
        logger.warning("cannot tell whether user %s administers chat %s: %s", user, chat.id, exc)
        return False
    return member.status in MANAGERS


async def is_bot_admin(update: Update, context: BotContext) -> bool:
    """Whether the sender is one of the bot's configured admins."""
    return context.services.is_admin(user_id(update))


def guarded_by(check: Check, refusal: str) -> Callable[[Handler], Handler]:
    """A decorator: run the handler only when `check` passes; otherwise reply `refusal` and change nothing."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: BotContext) -> None:
            if not await check(update, context):
                chat = update.effective_chat.id if update.effective_chat else None
                logger.info("refused /%s in chat %s for user %s", handler.__name__, chat, user_id(update))
                await reply(update, refusal)
                return
            await handler(update, context)

        return guarded

    return decorate


admin_only = guarded_by(is_bot_admin, NOT_ADMIN)  # source management: the bot's admins only
chat_admin_only = guarded_by(may_manage_chat, NOT_CHAT_ADMIN)  # a chat's own settings
