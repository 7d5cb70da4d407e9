"""One chat's updates one after another, different chats side by side, and no lock left behind."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from handlers.ordering import ChatOrderedProcessor


def _update(update_id: int, chat_id: int) -> Update:
    message = Message(update_id, None, Chat(chat_id, Chat.PRIVATE))  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_chats_run_side_by_side_but_each_in_order() -> None:
    processor = ChatOrderedProcessor(8)
    gate = asyncio.Event()
    order: list[str] = []

    async def handle(name: str, wait: bool = False) -> None:
        if wait:
            await gate.wait()
        order.append(name)

    slow = asyncio.create_task(processor.process_update(_update(1, 10), handle("slow", wait=True)))
    after = asyncio.create_task(processor.process_update(_update(2, 10), handle("same chat")))
    await processor.process_update(_update(3, 20), handle("other chat"))
    await processor.process_update(object(), handle("no chat"))
    assert order == ["other chat", "no chat"]
    gate.set()
    await asyncio.gather(slow, after)
    assert order == ["other chat", "no chat", "slow", "same chat"]
    assert processor._chats == {}
