"""Who may change a chat's digest, how /subscribe reads its arguments, fallbacks, and chats served side by side."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from handlers.texts import NOT_CHAT_ADMIN, REFRESHING
from services.fetch import Fetched, Fetcher
from tests.botapi import FakeBotApi
from tests.conftest import SEEDS, FakeClock
from tests.e2e.harness import ADMIN, GROUP, USER, ask, bot_running

BOT_NAME = "newsbot_test_bot"  # what the fake getMe answers


async def test_subscribe_reads_times_zones_and_quoted_topics(running: FakeBotApi) -> None:
    api = running
    for wrong in ("8pm", "0800", "8 pm"):
        answer = await ask(api, f"/subscribe {wrong}")
        assert "is not a time of day" in answer and "Usage: /subscribe" in answer, wrong
        assert "Quote a topic to keep its words together" in answer, "the usage says how to keep a phrase"
    offset = await ask(api, "/subscribe 08:00 UTC+3")
    assert "&#x27;UTC+3&#x27; is a UTC offset" in offset and "Europe/Kyiv" in offset and "Usage" in offset
    assert await ask(api, "/unsubscribe") == "There was no daily digest to stop.", "the errors saved nothing"
    assert "at <b>08:00</b> CET." in await ask(api, "/subscribe 08:00 CET")
    assert "Daily digest at <b>08:00</b> Japan." in await ask(api, "/subscribe 08:00 japan")
    assert "Daily digest at <b>09:15</b> Europe/Kyiv." in await ask(api, "/subscribe 9:15 europe/kyiv")
    quoted = await ask(api, '/subscribe 07:30 “Climate change” energy "japan"')
    assert "about <i>climate change, energy, japan</i> at <b>07:30</b> Europe/Kyiv." in quoted
    shown = await ask(api, "/subscribe")
    assert "about <i>climate change, energy, japan</i>" in shown, "a phrase topic is stored as one topic"


async def test_only_group_administrators_change_the_group_digest(running: FakeBotApi) -> None:
    api = running  # a group gets a message every 3 s (the flood limit), so this test says no more than it must
    assert await ask(api, "/subscribe 08:00 Europe/Kyiv", chat=GROUP) == NOT_CHAT_ADMIN
    api.set_member(GROUP, USER, "administrator")
    assert "Subscribed" in await ask(api, f"/subscribe@{BOT_NAME} 08:00 Europe/Kyiv", chat=GROUP)
    api.set_member(GROUP, USER, "left")
    assert await ask(api, "/unsubscribe", chat=GROUP) == NOT_CHAT_ADMIN
    assert "Unsubscribed" in await ask(api, "/unsubscribe", user=ADMIN, chat=GROUP), "the bot's admins may"
    checks = [p for method, p in api.calls if method == "getChatMember" and p["user_id"] != 1]
    assert [(p["chat_id"], p["user_id"]) for p in checks] == [(GROUP, USER)] * 3

    api.push_command("/subscribe 07:00", user_id=1087968824, chat_id=GROUP, chat_type="supergroup")
    api.updates[-1]["message"]["sender_chat"] = {"id": GROUP, "type": "supergroup", "title": "Group"}
    await api.wait_for(lambda: len(api.texts(GROUP)) == 5)
    assert "Subscribed" in api.texts(GROUP)[-1], "an anonymous administrator writes as the group itself"

    assert "Subscribed" in await ask(api, "/subscribe 10:00"), "a private chat is its user's own"
    assert "Unsubscribed" in await ask(api, "/unsubscribe")
    assert len([m for m, p in api.calls if m == "getChatMember" and p["user_id"] != 1]) == 3


async def test_unknown_commands_and_plain_text(running: FakeBotApi) -> None:
    api = running
    assert await ask(api, "/weather") == "I don't know /weather. /help lists what I can do."
    assert await ask(api, f"/weather@{BOT_NAME} now") == "I don't know /weather. /help lists what I can do."
    api.push_text("kherson", user_id=USER)
    await api.wait_for(lambda: "for <i>kherson</i>" in api.texts(USER)[-1])
    assert "1 match" in api.texts(USER)[-1], "plain text in a private chat is a search"

    api.push_text("kherson", user_id=USER, chat_id=GROUP, chat_type="supergroup")
    for command in ("/weather", "/weather@other_bot", "/help@other_bot"):
        api.push_command(command, user_id=USER, chat_id=GROUP, chat_type="supergroup")
    answer = await ask(api, f"/weather@{BOT_NAME}", chat=GROUP)
    assert answer == "I don't know /weather. /help lists what I can do.", "one chat's updates are handled in order"
    assert "/brief" in await ask(api, f"/help@{BOT_NAME}", chat=GROUP)
    assert len(api.texts(GROUP)) == 2


class GatedFetcher(Fetcher):
    """Fetches normally, but a URL with 'slow' in it waits until the gate opens."""

    def __init__(self) -> None:
        super().__init__(allow_private=True)
        self.gate = asyncio.Event()
        self.gate.set()

    async def fetch(self, url: str, *args: Any, **kwargs: Any) -> Fetched:
        if "slow" in url:
            await self.gate.wait()
        return await super().fetch(url, *args, **kwargs)


async def test_a_slow_refresh_holds_up_no_other_chat(api: FakeBotApi, tmp_path: Path, clock: FakeClock) -> None:
    api.files["slow.xml"] = (SEEDS / "feeds" / "world-wire.rss").read_bytes()
    fetcher = GatedFetcher()
    async with bot_running(api, tmp_path, clock, fetcher):
        assert "Added source" in await ask(api, f"/addsource {api.url('slow.xml')}", user=ADMIN, replies=2)
        fetcher.gate.clear()
        assert await ask(api, "/refresh", user=ADMIN) == REFRESHING
        api.push_command("/help", user_id=ADMIN)
        assert "What I can do" in await ask(api, "/help"), "another user's /help is answered during the refresh"
        assert api.texts(ADMIN)[-1] == REFRESHING, "the admin's own /help waits for the refresh before it"
        fetcher.gate.set()
        await api.wait_for(lambda: len(api.texts(ADMIN)) >= 5)
        report, help_text = api.texts(ADMIN)[-2:]
        assert report.startswith("<b>Refreshed 3 sources</b>") and "What I can do" in help_text
