"""Story storage on SQLite and PostgreSQL: one story per GUID or normalized URL, one link per source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from news.errors import SourceExistsError, SourceNotFoundError
from news.models import Entry
from storage import sources, stories
from storage.db import Database

NOW = datetime(2026, 1, 20, 18, 0, tzinfo=UTC)


def entry(title: str, url: str | None = None, guid: str | None = None, hours_ago: float = 1) -> Entry:
    return Entry(title, url, guid, f"{title}. Body text.", NOW - timedelta(hours=hours_ago))


async def test_same_guid_or_url_from_any_source_is_one_story(db: Database) -> None:
    async with db.transaction() as session:
        first = await sources.add_source(session, "https://a.example/rss", "A", NOW)
        second = await sources.add_source(session, "https://b.example/rss", "B", NOW)
        result_a = await stories.store_entries(session, first.id, [
            entry("Greenland talks", "https://news.example/greenland?utm_source=rss", "g-1"),
            entry("Kyiv strikes", "https://news.example/kyiv", "k-1"),
        ], NOW)
        result_b = await stories.store_entries(session, second.id, [
            entry("Greenland talks (copy)", "http://www.news.example/greenland/#top", "other-guid"),
            entry("Kyiv strikes again", "https://elsewhere.example/kyiv", "k-1"),
            entry("Fresh story", "https://b.example/fresh", None),
        ], NOW)
    assert (result_a.new, result_a.duplicates) == (2, 0)
    assert (result_b.new, result_b.duplicates) == (1, 2)
    async with db.transaction() as session:
        assert await stories.count_stories(session) == 3
        found = await stories.stories_between(session, NOW - timedelta(days=1), NOW)
    by_title = {story.title: story for story in found}
    assert {link.source_name for link in by_title["Greenland talks"].links} == {"A", "B"}
    assert {link.source_name for link in by_title["Kyiv strikes"].links} == {"A", "B"}
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

