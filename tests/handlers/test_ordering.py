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


async def test_updates_waiting_behind_a_slow_one_take_no_running_slot() -> None:
    processor = ChatOrderedProcessor(2)
    gate = asyncio.Event()
    done: list[int] = []

    async def handle(number: int, wait: bool = False) -> None:
        if wait:
            await gate.wait()
        done.append(number)

    busy = [asyncio.create_task(processor.process_update(_update(1, 10), handle(1, wait=True)))]
    busy += [asyncio.create_task(processor.process_update(_update(n, 10), handle(n))) for n in range(2, 20)]
    await asyncio.sleep(0)
    await asyncio.wait_for(processor.process_update(_update(50, 20), handle(50)), timeout=1)
    assert done == [50]
    gate.set()
    await asyncio.gather(*busy)
    assert done == [50, *range(1, 20)]
    assert processor._chats == {}
