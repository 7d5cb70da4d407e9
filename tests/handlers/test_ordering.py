"""One chat's updates one after another, different chats side by side, and no lock left behind."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Chat, Message, Update

from handlers.ordering import ChatOrderedProcessor


def _handler(gate: asyncio.Event, log: list[Any]) -> Callable[..., Coroutine[Any, Any, None]]:
    """A handler that records its name once done, after waiting for the gate when asked to."""

    async def handle(name: Any, wait: bool = False) -> None:
        if wait:
            await gate.wait()
        log.append(name)

    return handle


def _update(update_id: int, chat_id: int) -> Update:
    message = Message(update_id, None, Chat(chat_id, Chat.PRIVATE))  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_chats_run_side_by_side_but_each_in_order() -> None:
    processor, gate, order = ChatOrderedProcessor(8), asyncio.Event(), list[str]()
    handle = _handler(gate, order)

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
    processor, gate, done = ChatOrderedProcessor(2), asyncio.Event(), list[int]()
    handle = _handler(gate, done)

    busy = [asyncio.create_task(processor.process_update(_update(1, 10), handle(1, wait=True)))]
    busy += [asyncio.create_task(processor.process_update(_update(n, 10), handle(n))) for n in range(2, 20)]
    await asyncio.sleep(0)
    await asyncio.wait_for(processor.process_update(_update(50, 20), handle(50)), timeout=1)
    assert done == [50]
    gate.set()
    await asyncio.gather(*busy)
    assert done == [50, *range(1, 20)]
    assert processor._chats == {}
