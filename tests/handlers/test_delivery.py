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
    marks: list[bool] = []
    with pytest.raises(DeliveryError) as caught:
        await send(5, "hello", marks.append)
    assert caught.value.permanent is permanent and caught.value.migrated_to == migrated_to
    assert marks == [], "without a traced request, the mark waits for Telegram's acceptance"


async def test_network_errors_are_retried_with_exponential_backoff() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    bot = FakeBot(NetworkError("Bad Gateway"), TimedOut())
    marks: list[bool] = []
    await telegram_sender(bot, sleep=sleep)(5, "hello", marks.append)  # type: ignore[arg-type]
    assert bot.sent == [(5, "hello")] and waits == [1.0, 2.0] and marks == [True]
    bot = FakeBot(*(NetworkError("Bad Gateway") for _ in range(4)))
    with pytest.raises(DeliveryError, match="network error"):
        await telegram_sender(bot, sleep=sleep)(5, "hello", lambda sent: None)  # type: ignore[arg-type]
    assert waits[2:] == [1.0, 2.0, 4.0]


class ScriptedApi:
    """A Bot API on loopback answering sendMessage with the queued HTTP statuses (200 once they run out), each
    answer held back until the test releases it."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.received = asyncio.Event()
        self.answer = asyncio.Event()
        self.runner: web.AppRunner | None = None

    async def __aenter__(self) -> Bot:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._api)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.bot = Bot("123456:TEST-token", base_url=f"http://127.0.0.1:{port}/bot", request=traced_request(4))
        await self.bot.initialize()
        return self.bot

    async def __aexit__(self, *exc: object) -> None:
        self.answer.set()
        await self.bot.shutdown()
        assert self.runner is not None
        await self.runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "getMe":
            return web.json_response({"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "t",
                                                             "username": "t_bot"}})
        await request.post()
        self.received.set()
        await self.answer.wait()
        status = self.statuses.pop(0) if self.statuses else 200
        if status != 200:
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": f"Error {status}"}
            if status == 429:
                body["parameters"] = {"retry_after": 1}
            return web.json_response(body, status=status)
        return web.json_response({"ok": True, "result": {"message_id": 1, "date": 0, "text": "hello",
                                                         "chat": {"id": 5, "type": "private"}}})


async def test_the_mark_comes_when_the_request_has_left_before_telegram_answers() -> None:
    api = ScriptedApi()
    marks: list[tuple[bool, bool]] = []
    async with api as bot:
        send = telegram_sender(bot)
        sending = asyncio.create_task(send(5, "hello", lambda sent: marks.append((sent, api.answer.is_set()))))
        await asyncio.wait_for(api.received.wait(), 5)
        for _ in range(100):
            if marks:
                break
            await asyncio.sleep(0.01)
        assert marks == [(True, False)], "marked before Telegram's answer"
        api.answer.set()
        await asyncio.wait_for(sending, 5)
    assert marks == [(True, False)]


@pytest.mark.parametrize(("status", "raised"), [(429, "flood control"), (403, "not allowed"), (400, "rejected")])
async def test_a_refusal_takes_the_mark_back(status: int, raised: str) -> None:
    api = ScriptedApi(status)
    api.answer.set()
    marks: list[bool] = []
    async with api as bot:
        with pytest.raises(DeliveryError, match=raised):
            await telegram_sender(bot)(5, "hello", marks.append)
    assert marks == [True, False]


async def test_a_retried_5xx_is_taken_back_then_marked_again() -> None:
    api = ScriptedApi(502)
    api.answer.set()
    marks: list[bool] = []

    async def no_wait(seconds: float) -> None:
        """The backoff, without the wait."""

    async with api as bot:
        await telegram_sender(bot, sleep=no_wait)(5, "hello", marks.append)
    assert marks == [True, False, True]
