"""Webhook mode: updates are accepted only with Telegram's secret-token header."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx

from bot.app import build_application, build_services, webhook_options
from bot.settings import Settings, webhook_secret
from tests.botapi import FakeBotApi
from tests.conftest import FakeClock


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def update(text: str, update_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id, "date": 0, "text": text,
            "chat": {"id": 5, "type": "private", "first_name": "T"},
            "from": {"id": 5, "is_bot": False, "first_name": "T"},
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


async def test_webhook_checks_the_secret_token(tmp_path: Path, clock: FakeClock) -> None:
    api = FakeBotApi()
    await api.start()
    settings = Settings(token="123456:TEST-token", database_url=f"sqlite+aiosqlite:///{tmp_path / 'w.db'}",
                        api_url=api.base_url, tick_seconds=30)
    port = free_port()
    options = webhook_options(settings, "https://bot.example.org/telegram/hook", f"127.0.0.1:{port}")
    assert options["secret_token"] == webhook_secret(settings) and options["url_path"] == "telegram/hook"
    application = build_application(settings, build_services(settings, clock=clock))
    await application.initialize()
    assert application.post_init and application.updater
    await application.post_init(application)
    options.pop("allowed_updates")
    await application.updater.start_webhook(**options)
    await application.start()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    try:
        async with httpx.AsyncClient() as client:
            refused = await client.post(url, json=update("/start", 1), headers={"X-Telegram-Bot-Api-Secret-Token": "x"})
            missing = await client.post(url, json=update("/start", 2))
            accepted = await client.post(
                url, json=update("/help", 3), headers={"X-Telegram-Bot-Api-Secret-Token": options["secret_token"]}
            )
        assert (refused.status_code, missing.status_code, accepted.status_code) == (403, 403, 200)
        await api.wait_for(lambda: len(api.texts(5)) == 1)
        assert "What I can do" in api.texts(5)[0]
        assert any(method == "setWebhook" and params.get("secret_token") == options["secret_token"]
                   for method, params in api.calls)
    finally:
        await application.updater.stop()
        await application.stop()
        assert application.post_shutdown
        await application.post_shutdown(application)
        await application.shutdown()
        await api.stop()
