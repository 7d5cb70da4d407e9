"""The callback context every handler receives, with typed access to the services."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from news.messages import split_message
from services.container import Services

SERVICES_KEY = "services"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with the application's Services one attribute away."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        """The use cases, put in bot_data by the composition root."""
        services: Services = self.application.bot_data[SERVICES_KEY]
        return services


async def reply(update: Update, text: str, **kwargs: Any) -> None:
    """Reply with HTML, split into as many messages as Telegram's length limit needs."""
    message = update.effective_message
    if message is None:
        return
    chunks = split_message(text)
    for index, chunk in enumerate(chunks):
        extra = kwargs if index == len(chunks) - 1 else {}
        await message.reply_text(chunk, **extra)


def argument_text(update: Update) -> str:
    """What follows the command in the message, spacing and quotes intact ('' when nothing does)."""
    message = update.effective_message
    parts = (message.text or "").split(maxsplit=1) if message is not None else []
    return parts[1] if len(parts) == 2 else ""


def user_id(update: Update) -> int | None:
    """The id of the user who sent the update, if any."""
    return update.effective_user.id if update.effective_user else None


def chat_id(update: Update) -> int:
    """The id of the chat the update came from."""
    if update.effective_chat is None:
        raise ValueError("update has no chat")
    return update.effective_chat.id
