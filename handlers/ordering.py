"""Updates are handled side by side, but one chat's updates one at a time, in the order they arrive."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

_UNBOUNDED = 2**31 - 1  # the base class's semaphore: chats wait in do_process_update, not for it


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Up to `limit` updates run at once; within a chat each waits for the one before it.

    An update waiting for its chat's turn holds no running slot (python-telegram-bot's own semaphore, taken before
    do_process_update, is left unbounded), so a slow /refresh and the updates queued behind it hold up no other chat,
    while /subscribe then /unsubscribe in one chat still end unsubscribed."""

    def __init__(self, limit: int) -> None:
        super().__init__(_UNBOUNDED)
        self._running = asyncio.Semaphore(limit)
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers once the chat's earlier updates are done and a running slot is free."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._running:
                await coroutine
            return
        lock, waiting = self._chats.get(chat.id) or (asyncio.Lock(), 0)
        self._chats[chat.id] = (lock, waiting + 1)
        try:
            async with lock, self._running:
                await coroutine
        finally:
            lock, waiting = self._chats[chat.id]
            if waiting == 1:
                del self._chats[chat.id]
            else:
                self._chats[chat.id] = (lock, waiting - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
