"""Story storage on SQLite and PostgreSQL: one story per GUID within a feed, per normalized URL or title across
feeds, one link per source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from news.errors import SourceExistsError, SourceNotFoundError
from news.models import Entry
from news.query import parse_query
from storage import sources, stories
from storage.db import Database
from storage.models import StoryRow
from storage.search import search_stories

NOW = datetime(2026, 1, 20, 18, 0, tzinfo=UTC)


def entry(title: str, url: str | None = None, guid: str | None = None, hours_ago: float = 1,
          text: str | None = None) -> Entry:
    return Entry(title, url, guid, f"{title}. Body text." if text is None else text, NOW - timedelta(hours=hours_ago))


async def store(db: Database, source_id: int, entries: list[Entry], now: datetime = NOW) -> tuple[int, int]:
    async with db.transaction() as session:
        result = await stories.store_entries(session, source_id, entries, now)
    return result.new, result.duplicates


async def add(db: Database, url: str, name: str) -> int:
    async with db.transaction() as session:
        return (await sources.add_source(session, url, name, NOW)).id


async def stored(db: Database) -> list[tuple[str, str | None, str]]:
    """Every story's title, URL and text, in the order stored."""
    async with db.transaction() as session:
        rows = await session.execute(select(StoryRow.title, StoryRow.url, StoryRow.text).order_by(StoryRow.id))
        return [(title, url, text) for title, url, text in rows.all()]


async def test_same_guid_or_url_from_any_source_is_one_story(db: Database) -> None:
    async with db.transaction() as session:
        first = await sources.add_source(session, "https://a.example/rss", "A", NOW)
        second = await sources.add_source(session, "https://b.example/rss", "B", NOW)
        result_a = await stories.store_entries(session, first.id, [
            entry("Greenland talks", "https://news.example/greenland?utm_source=rss", "g-1"),
            entry("Kyiv strikes overnight leave the city dark", "https://news.example/kyiv", "k-1"),
        ], NOW)
        result_b = await stories.store_entries(session, second.id, [
            entry("Greenland talks (copy)", "http://www.news.example/greenland/#top", "other-guid"),
            entry("Kyiv strikes overnight leave the city dark", "https://elsewhere.example/kyiv", "b-7"),
            entry("Fresh story", "https://b.example/fresh", None),
        ], NOW)
    assert (result_a.new, result_a.duplicates) == (2, 0)
    assert (result_b.new, result_b.duplicates) == (1, 2)
    async with db.transaction() as session:
        assert await stories.count_stories(session) == 3
        found = await stories.stories_between(session, NOW - timedelta(days=1), NOW)
    by_title = {story.title: story for story in found}
    assert {link.source_name for link in by_title["Greenland talks"].links} == {"A", "B"}
    assert {link.source_name for link in by_title["Kyiv strikes overnight leave the city dark"].links} == {"A", "B"}
    assert [link.source_name for link in by_title["Fresh story"].links] == ["B"]


async def test_polling_a_feed_twice_stores_nothing_new(db: Database) -> None:
    batch = [entry("One", "https://x.example/1", "1"), entry("Two", "https://x.example/2", "2")]
    async with db.transaction() as session:
        source = await sources.add_source(session, "https://x.example/rss", "X", NOW)
        await stories.store_entries(session, source.id, batch, NOW)
    async with db.transaction() as session:
        again = await stories.store_entries(session, source.id, batch, NOW)
        assert (again.new, again.duplicates) == (0, 2)
        assert await stories.count_stories(session) == 2


async def test_window_excludes_old_and_future_dates_are_clamped(db: Database) -> None:
    async with db.transaction() as session:
        source = await sources.add_source(session, "https://x.example/rss", "X", NOW)
        await stories.store_entries(session, source.id, [
            entry("Old", "https://x.example/old", hours_ago=48),
            entry("Future", "https://x.example/future", hours_ago=-30),
            entry("Today", "https://x.example/today", hours_ago=2),
        ], NOW)
        found = await stories.stories_between(session, NOW - timedelta(days=1), NOW + timedelta(seconds=1))
    assert [story.title for story in found] == ["Future", "Today"]
    assert found[0].published_at == NOW
    assert found[0].published_at.tzinfo is not None


async def test_headlines_before_are_the_newest_earlier_stories(db: Database) -> None:
    async with db.transaction() as session:
        source = await sources.add_source(session, "https://x.example/rss", "X", NOW)
        await stories.store_entries(session, source.id, [
            entry(f"Story {hours}", f"https://x.example/{hours}", hours_ago=hours) for hours in (1, 30, 50, 70)
        ], NOW)
        found = await stories.headlines_before(session, NOW - timedelta(days=1), limit=2, text_chars=5)
    assert found == [("Story 30", "Story"), ("Story 50", "Story")]


async def test_sources_duplicates_removal_and_backoff(db: Database) -> None:
    async with db.transaction() as session:
        source = await sources.add_source(session, "https://x.example/rss", "X", NOW)
    with pytest.raises(SourceExistsError):
        async with db.transaction() as session:
            await sources.add_source(session, "https://x.example/rss", "X again", NOW)
    async with db.transaction() as session:
        await sources.record_fetch(session, source.id, NOW)
        later = NOW + timedelta(hours=3)
        await sources.record_fetch(session, source.id, later, error="HTTP 503")
        assert await sources.due_sources(session, later + timedelta(minutes=30)) == []
        assert len(await sources.due_sources(session, later + timedelta(hours=3, seconds=1))) == 1
        listed = await sources.list_sources(session)
    assert listed[0].last_error == "HTTP 503"
    async with db.transaction() as session:
        await sources.remove_source(session, source.id)
    with pytest.raises(SourceNotFoundError):
        async with db.transaction() as session:
            await sources.remove_source(session, source.id)



# ---------------------------------------------------------------- identity within one feed, merging across feeds

DAILY = "Daily Paper: today's main stories"


async def test_a_feeds_items_with_different_guids_are_different_stories(db: Database) -> None:
    paper = await add(db, "https://paper.example/rss", "Paper")
    town = await add(db, "https://town.example/rss", "Town")
    yesterday = entry(DAILY, "https://paper.example/2026-01-19", "d-19", hours_ago=25, text="Storm; budget.")
    today = entry(DAILY, "https://paper.example/2026-01-20", "d-20", hours_ago=1, text="Strike; election.")
    live = [entry(f"Live: post {n}", f"https://paper.example/live#post-{n}", f"live-{n}") for n in (1, 2)]
    notices = [entry(f"Notice {n}", "https://town.example/notices", f"n-{n}") for n in (1, 2, 3)]
    assert await store(db, paper, [yesterday]) == (1, 0)
    assert await store(db, paper, [today, yesterday, *live]) == (3, 1)
    assert await store(db, town, notices) == (3, 0)
    assert await store(db, paper, [today, yesterday, *live]) == (0, 4)
    assert await store(db, town, notices) == (0, 3)
    assert [(title, url) for title, url, _ in await stored(db)] == [
        (DAILY, "https://paper.example/2026-01-19"), (DAILY, "https://paper.example/2026-01-20"),
        ("Live: post 1", "https://paper.example/live#post-1"), ("Live: post 2", "https://paper.example/live#post-2"),
        ("Notice 1", "https://town.example/notices"), ("Notice 2", "https://town.example/notices"),
        ("Notice 3", "https://town.example/notices"),
    ]


async def test_two_feeds_using_one_guid_do_not_collide(db: Database) -> None:
    first = await add(db, "https://a.example/rss", "A")
    second = await add(db, "https://b.example/rss", "B")
    assert await store(db, first, [entry("Harbour reopens", "https://a.example/harbour", "1")]) == (1, 0)
    assert await store(db, second, [entry("Election results", "https://b.example/vote", "1")]) == (1, 0)
    assert await store(db, second, [entry("Mayor resigns", None, "2")]) == (1, 0)
    assert await store(db, first, [entry("Bridge closes", None, "2")]) == (1, 0)
    assert [title for title, _, _ in await stored(db)] == [
        "Harbour reopens", "Election results", "Mayor resigns", "Bridge closes"]


async def test_the_same_story_from_other_feeds_is_still_one(db: Database) -> None:
    wire = await add(db, "https://wire.example/rss", "Wire")
    desk = await add(db, "https://desk.example/rss", "Desk")
    town = await add(db, "https://town.example/rss", "Town")
    mirror = await add(db, "https://mirror.example/rss", "Mirror")
    strike = "Port workers end a week-long strike after pay deal"
    assert await store(db, wire, [entry(strike, "https://wire.example/strike", "w-1", hours_ago=3)]) == (1, 0)
    assert await store(db, town, [entry("Notice 1", "https://town.example/notices", "n-1")]) == (1, 0)
    # another feed's GUIDs mean nothing here: the URL (tracking and fragment aside) or a long title within a day
    assert await store(db, desk, [entry(strike + "!", "https://desk.example/d-9", "d-9", hours_ago=1)]) == (0, 1)
    assert await store(db, desk, [
        entry(strike, "https://www.wire.example/strike?utm_source=desk#top", "d-10", hours_ago=2)]) == (0, 1)
    assert await store(db, mirror, [entry("Notice 1", "https://town.example/notices", "m-1")]) == (0, 1)
    assert await store(db, desk, [entry(strike + "!", "https://desk.example/d-9", "d-9", hours_ago=1)]) == (0, 1)
    async with db.transaction() as session:
        found = await stories.stories_between(session, NOW - timedelta(days=1), NOW)
    assert [(story.title, [link.source_name for link in story.links]) for story in found] == [
        ("Notice 1", ["Town", "Mirror"]), (strike, ["Wire", "Desk"])]


async def test_a_feed_that_renames_an_items_guid_does_not_store_it_again(db: Database) -> None:
    feed = await add(db, "https://c.example/rss", "C")
    storm = "Storm closes the coast road for the second night"
    assert await store(db, feed, [entry(storm, "https://c.example/storm?session=1", "c-1")]) == (1, 0)
    # the old GUID left the feed and the new one says exactly the same: renamed, not new
    assert await store(db, feed, [entry(storm, "https://c.example/storm?session=2", "c-2")]) == (0, 1)
    # both listed at once are two items, even saying the same
    assert await store(db, feed, [entry(storm, "https://c.example/storm?session=3", "c-3"),
                                  entry(storm, "https://c.example/storm?session=1", "c-1")]) == (1, 1)
    # gone, but saying something else: a new story under the same title
    assert await store(db, feed, [entry(storm, "https://c.example/storm", "c-4", text="Now a third night.")]) == (1, 0)


async def test_items_without_guid_or_link_are_stored_once(db: Database) -> None:
    feed = await add(db, "https://plain.example/rss", "Plain")
    other = await add(db, "https://other.example/rss", "Other")
    items = [Entry("Water cut on Elm Street", None, None, "From 9 to 12.", None),
             Entry("", None, None, "Library closed on Monday.", None),
             Entry("Council meets on Thursday about the new budget", None, None, "", None)]
    assert await store(db, feed, items) == (3, 0)
    assert await store(db, feed, items) == (0, 3)
    assert await store(db, feed, items, NOW + timedelta(hours=25)) == (0, 3)
    assert await store(db, other, items[:1], NOW + timedelta(days=3)) == (0, 1)
    assert await store(db, feed, [Entry("Water cut on Elm Street", None, None, "From 12 to 15.", None)]) == (1, 0)
    assert len(await stored(db)) == 4


async def test_a_removed_feed_added_again_keeps_its_guids_and_no_other_feed_gets_them(db: Database) -> None:
    first = await add(db, "https://a.example/rss", "A")
    assert await store(db, first, [entry("Harbour reopens", None, "1")]) == (1, 0)
    async with db.transaction() as session:
        await sources.remove_source(session, first)
    other = await add(db, "https://b.example/rss", "B")  # on SQLite, maybe the removed feed's id again
    assert await store(db, other, [entry("Election results", None, "1")]) == (1, 0)
    again = await add(db, "https://a.example/rss/", "A again")
    assert await store(db, again, [entry("Harbour reopens", None, "1")]) == (0, 1)


async def test_stories_stored_before_guids_were_kept_per_feed_are_still_known(db: Database) -> None:
    feed = await add(db, "https://old.example/rss", "Old")
    async with db.transaction() as session:
        session.add(StoryRow(guid="old-1", url_key="https://old.example/notices", url="https://old.example/notices",
                             title="Notice 1", text="One.", published_at=NOW, created_at=NOW, source_id=feed))
    notices = [entry(f"Notice {n}", "https://old.example/notices", f"old-{n}") for n in (1, 2)]
    assert await store(db, feed, notices) == (1, 1)
    assert await store(db, feed, notices) == (0, 2)


async def test_new_entries_are_those_store_entries_would_store(db: Database) -> None:
    feed = await add(db, "https://town.example/rss", "Town")
    notices = [entry(f"Notice {n}", "https://town.example/notices", f"n-{n}") for n in (1, 2, 3)]
    await store(db, feed, notices[:1])
    async with db.transaction() as session:
        fresh = await stories.new_entries(session, feed, notices, NOW)
    assert fresh == notices[1:]


async def test_a_story_stored_without_text_gets_the_text_its_feed_has_later(db: Database) -> None:
    """Same feed, same GUID and link: a body a first read missed (a half-written file) is stored and searched; a
    stored text is never replaced (a teaser after a full-text fetch, a reused GUID), nor a headline; another feed's
    copy never writes the story."""
    feed, other = await add(db, "https://a.example/rss", "A"), await add(db, "https://b.example/rss", "B")
    link = "https://a.example/volcano"
    await store(db, feed, [entry("Volcano erupts near Grindavik", link, "v-1", text="")])
    later = entry("Volcano erupts near Grindavik", link, "v-1", text="Lava reached the outskirts of Grindavik.")
    async with db.transaction() as session:
        result = await stories.store_entries(session, feed, [later], NOW)
    assert (result.new, result.duplicates, result.updated) == (0, 1, 1)
    assert await stored(db) == [("Volcano erupts near Grindavik", link, "Lava reached the outskirts of Grindavik.")]
    async with db.transaction() as session:
        hits, _ = await search_stories(session, parse_query("lava", NOW), limit=5)
    assert [hit.story.title for hit in hits] == ["Volcano erupts near Grindavik"]
    async with db.transaction() as session:
        again = await stories.store_entries(session, feed, [later], NOW)
        teaser = await stories.store_entries(session, feed, [entry("Volcano: the latest", link, "v-1", text="Tease")],
                                             NOW)
        emptied = await stories.store_entries(session, feed, [entry("Volcano", link, "v-1", text="")], NOW)
        copied = await stories.store_entries(session, other, [entry("Copy", link, "c-9", text="Other words.")], NOW)
    assert (again.updated, teaser.updated, emptied.updated, copied.updated) == (0, 0, 0, 0)
    assert await stored(db) == [("Volcano erupts near Grindavik", link, "Lava reached the outskirts of Grindavik.")]


async def test_two_items_of_a_feed_linking_another_feeds_story_do_not_both_vanish_into_it(db: Database) -> None:
    """Feed B stored its front page; feed A lists two items (two GUIDs) both linking it: one joins it, the other
    is a story of its own, on every poll."""
    front = "https://site.example/"
    b, a = await add(db, "https://b.example/rss", "B"), await add(db, "https://a.example/rss", "A")
    assert await store(db, b, [entry("Site front page roundup of the day", front, "b1")]) == (1, 0)
    items = [entry("Harbour closed by the storm tonight", front, "a1"), entry("Council votes on the new budget", front,
                                                                            "a2")]
    assert await store(db, a, items) == (1, 1)
    assert await store(db, a, items) == (0, 2)
    assert len(await stored(db)) == 2


async def test_a_renamed_guid_is_kept_so_a_later_change_of_the_item_stays_one_story(db: Database) -> None:
    feed = await add(db, "https://r.example/rss", "R")
    storm = "Storm closes the coast road for the second night"
    assert await store(db, feed, [entry(storm, "https://r.example/storm", "old-1")]) == (1, 0)
    assert await store(db, feed, [entry(storm, "https://r.example/storm", "new-1")]) == (0, 1)
    changed = entry(storm + " and a third", "https://r.example/storm", "new-1", text="Now a third night.")
    assert await store(db, feed, [changed]) == (0, 1)
    assert len(await stored(db)) == 1


async def test_a_reused_guid_under_another_link_never_fills_a_story(db: Database) -> None:
    feed = await add(db, "https://a.example/rss", "A")
    await store(db, feed, [entry("Volcano erupts near Grindavik", "https://a.example/volcano", "v-1", text="")])
    async with db.transaction() as session:
        reused = entry("Council passes the budget", "https://a.example/budget", "v-1", text="The council voted 7-2.")
        result = await stories.store_entries(session, feed, [reused], NOW)
    assert result.updated == 0
    assert await stored(db) == [("Volcano erupts near Grindavik", "https://a.example/volcano", "")]


async def test_an_item_that_joined_another_feeds_story_by_its_link_keeps_it_whatever_the_order(db: Database) -> None:
    b, a = await add(db, "https://b.example/rss", "B"), await add(db, "https://a.example/rss", "A")
    storm = "Storm floods Millbrook town overnight"
    assert await store(db, b, [entry(storm, "https://b.example/storm", "b1")]) == (1, 0)
    linked = entry(storm, "https://b.example/storm?utm_source=a", "a1")
    assert await store(db, a, [linked]) == (0, 1)
    # a second item under the same headline, listed first: the linked item keeps the story, the other is new
    assert await store(db, a, [entry(storm, "https://a.example/live", "a2"), linked]) == (1, 1)
    assert await stored(db) == [(storm, "https://b.example/storm", f"{storm}. Body text."),
                                (storm, "https://a.example/live", f"{storm}. Body text.")]


async def test_a_story_stored_without_text_or_link_gets_its_text_later(db: Database) -> None:
    feed = await add(db, "https://a.example/rss", "A")
    await store(db, feed, [entry("Volcano erupts near Grindavik", None, "v-1", text="")])
    async with db.transaction() as session:
        later = entry("Volcano erupts near Grindavik", "https://a.example/volcano", "v-1", text="Lava flows.")
        result = await stories.store_entries(session, feed, [later], NOW)
    assert result.updated == 1
    assert await stored(db) == [("Volcano erupts near Grindavik", None, "Lava flows.")]
