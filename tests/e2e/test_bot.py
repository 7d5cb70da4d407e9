"""The real Application against a loopback Bot API: every command, admin refusal, and a digest on time."""

from __future__ import annotations

import asyncio
from html import escape
from pathlib import Path

from bot.terminal import to_terminal
from handlers.texts import FAILURE, NOT_ADMIN, REFRESHING
from tests.botapi import FakeBotApi
from tests.conftest import SEEDS, FakeClock
from tests.e2e.harness import ADMIN, GROUP, USER, ask


async def test_commands_end_to_end(running: FakeBotApi) -> None:
    api = running
    menus = [params for method, params in api.calls if method == "setMyCommands"]
    assert "addsource" not in str(menus[0]["commands"])
    assert menus[1]["scope"] == {"type": "chat", "chat_id": ADMIN} and "addsource" in str(menus[1]["commands"])
    assert "newsbot" in await ask(api, "/start")
    help_text = await ask(api, "/help")
    assert "/brief" in help_text and "/search" in help_text and "/addsource" not in help_text
    assert "/addsource" in await ask(api, "/help", user=ADMIN)

    brief = await ask(api, "/brief")
    assert "Top stories" in brief and "Greenland" in brief
    topic = await ask(api, "/brief greenland")
    assert "Greenland" in topic and "Guatemala" not in topic
    assert "No stories about" in await ask(api, "/brief volcano")
    assert "a topic needs a word" in (wordless := await ask(api, "/brief 🇺🇦 !!!")) and "Usage: /brief" in wordless

    found = await ask(api, "/search kherson")
    assert "1 match" in found and "<b>Kherson</b>" in found
    assert "Usage: /search" in await ask(api, "/search")
    assert "No stories match" in await ask(api, '/search "unclosed NEAR( * \'; DROP TABLE stories; --')
    listed = await ask(api, "/sources")
    assert "2 sources" in listed and "Sample document" in listed and "Europe Desk" in listed
    assert await ask(api, "/sources ²") == listed  # not a page number: the first page
    assert FAILURE not in "\n".join(m["text"] for m in api.sent)


async def test_acronyms_are_topics_and_a_subscription_takes_one_zone(running: FakeBotApi) -> None:
    api = running
    us = await ask(api, "/brief US")  # the seeds: "U.S. Officials Clash Over Greenland Proposal..."
    assert "Top stories" in us and "<i>US</i>" in us and "No stories about" not in us
    assert "Daily digest about <i>WHO</i> at <b>07:00</b>" in await ask(api, "/subscribe 07:00 WHO")
    two = await ask(api, "/subscribe 07:30 Europe/Kyiv Europe/London")
    assert two.startswith("two time zones, Europe/Kyiv and Europe/London: give one\nUsage: /subscribe")
    assert "America/New_York" in await ask(api, "/subscribe 07:30 EST")
    assert "No new stories about &#x27;WHO&#x27; today." in await ask(api, "/digest")


async def test_admin_and_non_admin_addsource(running: FakeBotApi) -> None:
    api = running
    feed = api.url("extra.xml")
    assert await ask(api, f"/addsource {feed}") == NOT_ADMIN
    assert "World Wire" not in await ask(api, "/sources")
    added = await ask(api, f"/addsource {feed}", user=ADMIN, replies=2)
    assert added.startswith(f"⏳ Reading {feed}")
    assert "Added source" in added and "World Wire" in added and "new stor" in added
    assert "World Wire" in await ask(api, "/sources")
    assert "already registered" in await ask(api, f"/addsource {feed}", user=ADMIN, replies=2)
    assert "Cannot add" in await ask(api, f"/addsource {api.url('missing.xml')}", user=ADMIN, replies=2)
    assert await ask(api, "/addsource", user=ADMIN) == "Usage: /addsource &lt;url&gt; [name]"
    assert await ask(api, "/refresh") == NOT_ADMIN
    refreshed = await ask(api, "/refresh", user=ADMIN, replies=2)
    assert refreshed.startswith(f"{REFRESHING}\n<b>Refreshed 3 sources</b>") and "World Wire: 0 new" in refreshed
    assert await ask(api, "/removesource 1") == NOT_ADMIN
    assert "Removed source #1" in await ask(api, "/removesource 1", user=ADMIN)


async def test_subscription_digest_arrives_at_its_minute_once(
    running: FakeBotApi, clock: FakeClock, tmp_path: Path
) -> None:
    api = running
    bad = await ask(api, "/subscribe 25:99")
    assert "not a time of day" in bad and "Usage: /subscribe" in bad
    assert "not a time zone" in await ask(api, "/subscribe 08:00 Mars/Olympus")
    api.set_member(GROUP, USER, "administrator")
    reply = await ask(api, "/subscribe 20:01 Europe/Kyiv", chat=GROUP)
    assert "Subscribed" in reply and "20:01" in reply and "2026-01-20 20:01 Europe/Kyiv" in reply
    preview = await ask(api, "/digest", chat=GROUP)
    assert "Daily digest" in preview
    count = len(api.texts(GROUP))
    clock.advance(seconds=50)
    await _ticks(api)
    assert len(api.texts(GROUP)) == count, "sent before its minute"
    clock.advance(seconds=15)
    await api.wait_for(lambda: len(api.texts(GROUP)) > count)
    await _ticks(api)
    delivered = api.texts(GROUP)[count:]
    assert len(delivered) == 1 and delivered[0].startswith("<b>Daily digest")
    logs = list((tmp_path / "bot.db.sent").glob("*.log"))
    assert len(logs) == 1 and logs[0].stat().st_size == 0, "the sent log was written, then emptied after the commit"
    assert "Unsubscribed" in await ask(api, "/unsubscribe", chat=GROUP)


async def _ticks(api: FakeBotApi, count: int = 5) -> None:
    """Let the 0.1 s ticker run a few times."""
    await asyncio.sleep(0.1 * count)


async def test_search_paging_buttons_edit_the_message(running: FakeBotApi) -> None:
    api = running
    first = await ask(api, "/search greenland")
    assert "page 1 of 2" in first
    message = api.sent[-1]
    buttons = message["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in buttons] == ["search:noop", "search:2"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)
    plain = {**message, "text": to_terminal(message["text"]), "from": {"id": 1, "is_bot": True, "first_name": "b"}}
    api.push_callback("search:2", plain, user_id=USER)
    await api.wait_for(lambda: any(m.get("edited") for m in api.sent))
    edited = next(m for m in api.sent if m.get("edited"))
    assert "page 2 of 2" in edited["text"] and "6." in edited["text"]
    assert any(method == "answerCallbackQuery" for method, _ in api.calls)
    stale = {**plain, "text": "an old message from last week"}
    api.push_callback("search:3", stale, user_id=USER)
    await api.wait_for(lambda: sum(method == "answerCallbackQuery" for method, _ in api.calls) >= 2)
    answer = [params for method, params in api.calls if method == "answerCallbackQuery"][-1]
    assert "no longer works" in answer.get("text", "")


def _rss(*items: tuple[str, str]) -> bytes:
    """A small RSS feed of (title, text) items, one minute apart on the harness's day."""
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>https://long.example/{n}</link><guid>long-{n}</guid>"
        f"<pubDate>Tue, 20 Jan 2026 14:{n:02d}:00 GMT</pubDate><description>{escape(text)}</description></item>"
        for n, (title, text) in enumerate(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Long</title>{entries}</channel></rss>'.encode()


async def test_search_paging_works_when_titles_are_enormous(running: FakeBotApi) -> None:
    api = running
    title = " ".join(["Volcano erupts again near the coast"] * 140)  # about 5,000 characters
    api.files["long.xml"] = _rss(*[(f"{n} {title}", "Ash fell on the villages below the volcano.") for n in range(7)])
    assert "Added source" in await ask(api, f"/addsource {api.url('long.xml')}", user=ADMIN, replies=2)
    assert "page 1 of 2" in await ask(api, "/search volcano")
    message = api.sent[-1]  # the whole page: the header, five results and the buttons in one message
    assert "page 1 of 2" in message["text"] and "5. " in message["text"]
    assert message.get("reply_markup", {}).get("inline_keyboard", [[{}]])[0][-1].get("callback_data") == "search:2"
    plain = {**message, "text": to_terminal(message["text"]), "from": {"id": 1, "is_bot": True, "first_name": "b"}}
    api.push_callback("search:2", plain, user_id=USER)
    await api.wait_for(lambda: any(m.get("edited") for m in api.sent))
    assert "page 2 of 2" in next(m for m in api.sent if m.get("edited"))["text"]


async def test_export_of_file_sources_only_says_so_instead_of_sending_an_empty_file(running: FakeBotApi) -> None:
    api = running
    reply = await ask(api, "/export", user=ADMIN)
    assert reply == "Nothing to export: 2 file sources left out (OPML carries feed URLs only)."
    assert api.documents == []


async def test_admin_subscribes_a_channel_only_where_the_bot_can_post(running: FakeBotApi) -> None:
    api = running
    api.add_chat(-1001111, "newsroom", "channel", "administrator", can_post_messages=True)
    api.add_chat(-1002222, "readonly", "channel", "administrator", can_post_messages=False)
    api.add_chat(-1003333, "lounge", "supergroup", "left")
    assert await ask(api, "/subscribe @newsroom 08:00 Europe/Berlin") == NOT_ADMIN
    done = await ask(api, "/subscribe @newsroom 08:00 Europe/Berlin", user=ADMIN)
    assert "Subscribed for <b>Newsroom</b>" in done and "08:00" in done and "Europe/Berlin" in done
    assert "right to post messages" in await ask(api, "/subscribe @readonly 08:00", user=ADMIN)
    assert "allowed to send messages" in await ask(api, "/subscribe -1003333", user=ADMIN)
    unseen = "I cannot see @nowhere_at_all: Chat not found. Add me to it first."
    assert (await ask(api, "/subscribe @nowhere_at_all", user=ADMIN)).startswith(unseen)
    assert "Unsubscribed" in await ask(api, "/unsubscribe @newsroom", user=ADMIN)
    assert await ask(api, "/unsubscribe @nowhere_at_all", user=ADMIN) == unseen


async def test_admin_source_management_through_telegram(running: FakeBotApi) -> None:
    api = running
    api.files["second.json"] = (SEEDS / "feeds" / "briefs.json").read_bytes()
    added = await ask(api, f"/addsource {api.url('extra.xml')}", user=ADMIN, replies=2)
    source_id = int(added.split("#", 1)[1].split("<", 1)[0].split()[0])
    for command in ("/pausesource", "/resumesource", "/stats", "/export"):
        assert await ask(api, f"{command} {source_id}".strip()) == NOT_ADMIN
    assert "is paused" in await ask(api, f"/pausesource {source_id}", user=ADMIN)
    again = await ask(api, f"/pausesource {source_id}", user=ADMIN)
    assert "was already paused" in again and f"/resumesource {source_id}" in again
    assert "Usage: /setinterval" in await ask(api, "/setinterval 3", user=ADMIN)
    assert "every 30m" in await ask(api, f"/setinterval {source_id} 30m", user=ADMIN)
    assert "every 36h" in await ask(api, f"/setinterval {source_id} 1d 12h", user=ADMIN)
    assert "is resumed" in await ask(api, f"/resumesource {source_id}", user=ADMIN)
    assert "Usage: /fulltext" in await ask(api, f"/fulltext {source_id} maybe", user=ADMIN)
    assert "is on" in await ask(api, f"/fulltext {source_id} on", user=ADMIN)
    assert "is off" in await ask(api, f"/fulltext {source_id} off", user=ADMIN)
    assert "sources" in (await ask(api, "/stats", user=ADMIN)).lower()

    api.push_command("/export", user_id=ADMIN)
    await api.wait_for(lambda: bool(api.documents))
    exported = api.documents[0]["content"].decode()
    assert 'type="rss"' in exported and api.url("extra.xml") in exported
    assert api.documents[0]["caption"] == (  # the harness's two seed sources are local files
        "Your sources as OPML; other feed readers can import it. "
        "2 file sources left out (OPML carries feed URLs only)."
    )

    opml = (
        '<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>'
        f'<outline text="Briefs" type="rss" xmlUrl="{api.url("second.json")}"/>'
        f'<outline text="Again" type="rss" xmlUrl="{api.url("extra.xml")}"/>'
        f'<outline text="Gone" type="rss" xmlUrl="{api.url("missing.xml")}"/>'
        "</body></opml>"
    ).encode()
    before = len(api.texts(ADMIN))
    api.push_document("feeds.opml", opml, user_id=ADMIN)
    await api.wait_for(lambda: len(api.texts(ADMIN)) >= before + 2)
    assert api.texts(ADMIN)[before].startswith("⏳ Reading the OPML file")
    report = api.texts(ADMIN)[-1]
    assert "1 added, 1 skipped, 1 failed" in report and "Briefs" in report and "already a source" in report


async def test_a_chat_that_removed_the_bot_is_deactivated_and_admins_are_told(
    running: FakeBotApi, clock: FakeClock
) -> None:
    api = running
    api.set_member(GROUP, USER, "creator")
    assert "Subscribed" in await ask(api, "/subscribe 18:01 UTC", chat=GROUP)
    api.failures[GROUP] = (403, "Forbidden: bot was kicked from the supergroup chat", {})
    clock.advance(minutes=1, seconds=5)
    await api.wait_for(lambda: any("Digest delivery stopped" in text for text in api.texts(ADMIN)))
    notice = next(text for text in api.texts(ADMIN) if "Digest delivery stopped" in text)
    assert str(GROUP) in notice and "kicked" in notice
    clock.advance(days=1)
    await _ticks(api)
    assert sum("Digest delivery stopped" in text for text in api.texts(ADMIN)) == 1, "told once; not retried"


async def test_a_group_that_became_a_supergroup_gets_its_digest_there(
    running: FakeBotApi, clock: FakeClock
) -> None:
    api = running
    assert "Subscribed" in await ask(api, "/subscribe 18:01 UTC", user=ADMIN, chat=GROUP)
    api.failures[GROUP] = (400, "Bad Request: group chat was upgraded to a supergroup chat",
                           {"migrate_to_chat_id": -1009999})
    clock.advance(minutes=1, seconds=5)
    await api.wait_for(lambda: bool(api.texts(-1009999)))
    assert api.texts(-1009999)[0].startswith("<b>Daily digest")
