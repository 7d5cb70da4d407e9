"""The real Application against a loopback Bot API: starting it, and asking it something as a user would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.app import build_application, build_services
from bot.settings import Settings
from services.fetch import Fetcher
from tests.botapi import FakeBotApi
from tests.conftest import SEEDS, FakeClock

ADMIN = 42
USER = 77
GROUP = -1001234


@asynccontextmanager
async def bot_running(
    api: FakeBotApi, tmp_path: Path, clock: FakeClock, fetcher: Fetcher | None = None
) -> AsyncIterator[FakeBotApi]:
    """The bot polling `api`, with two seed sources read and ADMIN as its admin."""
    settings = Settings(
        token="123456:TEST-token_abc", database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        admins=frozenset({ADMIN}), api_url=api.base_url, allow_private_urls=True, tick_seconds=0.1,
    )
    services = build_services(settings, clock=clock, fetcher=fetcher, delivering=True)
    await services.start()
    await services.sources.ingest(str(SEEDS / "sample-document.txt"))
    await services.sources.ingest(str(SEEDS / "feeds" / "europe-desk.atom"))
    application = build_application(settings, services)
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    await application.start()
    yield api
    await application.updater.stop()
    await application.stop()
    assert application.post_shutdown is not None
    await application.post_shutdown(application)
    await application.shutdown()


async def ask(api: FakeBotApi, text: str, user: int = USER, chat: int | None = None, replies: int = 1) -> str:
    """Send a command and wait for `replies` messages back in that chat; all of them, joined by newlines."""
    chat_id = chat or user
    before = len(api.texts(chat_id))
    api.push_command(text, user_id=user, chat_id=chat_id, chat_type="private" if chat_id > 0 else "supergroup")
    await api.wait_for(lambda: len(api.texts(chat_id)) >= before + replies)
    return "\n".join(api.texts(chat_id)[before:])
