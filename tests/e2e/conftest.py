"""The loopback Bot API and the bot running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.botapi import FakeBotApi
from tests.conftest import SEEDS, FakeClock
from tests.e2e.harness import bot_running


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi()
    await server.start()
    server.files["extra.xml"] = (SEEDS / "feeds" / "world-wire.rss").read_bytes()
    yield server
    await server.stop()


@pytest.fixture
async def running(api: FakeBotApi, tmp_path: Path, clock: FakeClock) -> AsyncIterator[FakeBotApi]:
    async with bot_running(api, tmp_path, clock) as started:
        yield started
