"""Telegram errors become delivery decisions: permanent, moved, retried with backoff."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from handlers.delivery import telegram_sender, traced_request
from news.errors import DeliveryError


class FakeBot:
    """Fails with the queued errors, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((chat_id, text))


@pytest.mark.parametrize(
    ("error", "permanent", "migrated_to"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), True, None),
        (BadRequest("Bad Request: chat not found"), True, None),
        (BadRequest("Bad Request: can't parse entities"), False, None),
        (ChatMigrated(-100777), False, -100777),
        (RetryAfter(30), False, None),
    ],
)
async def test_errors_map_to_decisions(error: Exception, permanent: bool, migrated_to: int | None) -> None:
    send = telegram_sender(FakeBot(error))  # type: ignore[arg-type]
    written: list[bool] = []
    with pytest.raises(DeliveryError) as caught:
        await send(5, "hello", lambda: written.append(True))
    assert caught.value.permanent is permanent and caught.value.migrated_to == migrated_to
    assert written == [], "without a traced request, written() waits for Telegram's acceptance"


async def test_network_errors_are_retried_with_exponential_backoff() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    bot = FakeBot(NetworkError("Bad Gateway"), TimedOut())
    written: list[bool] = []
    await telegram_sender(bot, sleep=sleep)(5, "hello", lambda: written.append(True))  # type: ignore[arg-type]
    assert bot.sent == [(5, "hello")] and waits == [1.0, 2.0] and written == [True]
    bot = FakeBot(*(NetworkError("Bad Gateway") for _ in range(4)))
    with pytest.raises(DeliveryError, match="network error"):
        await telegram_sender(bot, sleep=sleep)(5, "hello", lambda: None)  # type: ignore[arg-type]
    assert waits[2:] == [1.0, 2.0, 4.0]


async def test_written_is_called_when_the_request_has_left_before_telegram_answers() -> None:
    received, answer = asyncio.Event(), asyncio.Event()

    async def api(request: web.Request) -> web.Response:
        if request.match_info["method"] == "getMe":
            return web.json_response({"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "t",
                                                             "username": "t_bot"}})
        await request.post()
        received.set()
        await answer.wait()
        return web.json_response({"ok": True, "result": {"message_id": 1, "date": 0, "text": "hello",
                                                         "chat": {"id": 5, "type": "private"}}})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", api)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    bot = Bot("123456:TEST-token", base_url=f"http://127.0.0.1:{port}/bot", request=traced_request(4))
    written: list[bool] = []
    try:
        await bot.initialize()
        sending = asyncio.create_task(telegram_sender(bot)(5, "hello", lambda: written.append(answer.is_set())))
        await asyncio.wait_for(received.wait(), 5)
        for _ in range(100):
            if written:
                break
            await asyncio.sleep(0.01)
        assert written == [False], "written() came before Telegram's answer"
        answer.set()
        await asyncio.wait_for(sending, 5)
        assert written == [False]
    finally:
        answer.set()
        await bot.shutdown()
        await runner.cleanup()
