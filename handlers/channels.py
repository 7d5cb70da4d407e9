"""Channels and groups subscribed by an admin: resolve them and check the bot may post there first."""

from __future__ import annotations

import re

from telegram import Bot, ChatMember
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden

from news.errors import InvalidArgument

_CHAT_REF = re.compile(r"^(@[A-Za-z][A-Za-z0-9_]{3,31}|-100\d{5,15}|-\d{5,15})$")


def is_chat_ref(value: str) -> bool:
    """Whether an argument names another chat: @channelname or a negative chat id."""
    return bool(_CHAT_REF.match(value))


def _cannot_see(ref: str, exc: BadRequest | Forbidden) -> str:
    """Why a channel or group cannot be used, and what to do: the same words for /subscribe and /unsubscribe."""
    return f"I cannot see {ref}: {exc.message}. Add me to it first."


async def chat_id_of(bot: Bot, ref: str) -> int:
    """The numeric id of @name or -100... (numbers need no lookup); InvalidArgument when Telegram knows none."""
    if ref.lstrip("-").isdigit():
        return int(ref)
    try:
        return (await bot.get_chat(ref)).id
    except (BadRequest, Forbidden) as exc:
        raise InvalidArgument(_cannot_see(ref, exc)) from None


async def postable_chat(bot: Bot, ref: str) -> tuple[int, str]:
    """The id and title of a channel or group the bot can post in; InvalidArgument saying why not otherwise."""
    try:
        chat = await bot.get_chat(int(ref) if ref.lstrip("-").isdigit() else ref)
        member = await bot.get_chat_member(chat.id, bot.id)
    except (BadRequest, Forbidden) as exc:
        raise InvalidArgument(_cannot_see(ref, exc)) from None
    title = chat.title or chat.username or str(chat.id)
    if chat.type == ChatType.CHANNEL:
        allowed = member.status == ChatMember.OWNER or (
            member.status == ChatMember.ADMINISTRATOR and bool(getattr(member, "can_post_messages", False))
        )
        needed = "an administrator of it with the right to post messages"
    else:
        allowed = member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER) or (
            member.status == ChatMember.RESTRICTED and bool(getattr(member, "can_send_messages", False))
        )
        needed = "a member of it allowed to send messages"
    if not allowed:
        raise InvalidArgument(f"I cannot post in {title}: make me {needed}, then try again.")
    return chat.id, title
