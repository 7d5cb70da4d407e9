"""Telegram errors become delivery decisions: permanent, moved, retried with backoff."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from handlers.delivery import telegram_sender
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
    with pytest.raises(DeliveryError) as caught:
        await send(5, "hello")
    assert caught.value.permanent is permanent and caught.value.migrated_to == migrated_to


async def test_network_errors_are_retried_with_exponential_backoff() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    bot = FakeBot(NetworkError("Bad Gateway"), TimedOut())
    await telegram_sender(bot, sleep=sleep)(5, "hello")  # type: ignore[arg-type]
    assert bot.sent == [(5, "hello")] and waits == [1.0, 2.0]
    bot = FakeBot(*(NetworkError("Bad Gateway") for _ in range(4)))
    with pytest.raises(DeliveryError, match="network error"):
        await telegram_sender(bot, sleep=sleep)(5, "hello")  # type: ignore[arg-type]
    assert waits[2:] == [1.0, 2.0, 4.0]
