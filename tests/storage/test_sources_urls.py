"""Source URLs on SQLite and PostgreSQL: one source per feed, whatever spelling of its address was typed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from news.errors import SourceExistsError
from storage import sources
from storage.db import Database
from storage.models import SourceRow

NOW = datetime(2026, 1, 20, 18, 0, tzinfo=UTC)
STORED = "http://host.example/feed.xml"
SPELLINGS = [
    "http://host.example/feed.xml?utm_source=x",
    "HTTP://HOST.EXAMPLE/feed.xml",
    "http://host.example:80/feed.xml",
    "http://host.example/feed.xml#top",
    "http://host.example/feed.xml/?fbclid=1&gclid=2",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
async def test_another_spelling_of_a_stored_feed_is_refused(db: Database, spelling: str) -> None:
    async with db.transaction() as session:
        first = await sources.add_source(session, STORED, "Feed", NOW)
    with pytest.raises(SourceExistsError, match=rf"already registered: #{first.id} Feed \({STORED}\)"):
        async with db.transaction() as session:
            await sources.add_source(session, spelling, "Feed again", NOW)
    async with db.transaction() as session:
        listed = await sources.list_sources(session)
        found = await sources.get_source_by_url(session, spelling)
    assert [(s.id, s.url) for s in listed] == [(first.id, STORED)]
    assert found is not None and found.id == first.id


async def test_the_address_is_stored_as_typed(db: Database) -> None:
    typed = "https://Host.example/Feed.xml?utm_source=newsletter"
    async with db.transaction() as session:
        source = await sources.add_source(session, typed, "Feed", NOW)
        [listed] = await sources.list_sources(session)
    assert source.url == listed.url == typed


@pytest.mark.parametrize(
    "other",
    [
        "http://host.example/Feed.xml",
        "http://host.example:8080/feed.xml",
        "http://host.example/feed.xml?category=world",
        "http://other.example/feed.xml",
        "file:///srv/feed.xml",
        "https://host.example/feed.xml",  # the scheme tells feeds apart (news.urls.source_key)
        "http://www.host.example/feed.xml",
        "http://host.example/feed.xml?ref=main",
    ],
)
async def test_different_feeds_are_both_stored(db: Database, other: str) -> None:
    async with db.transaction() as session:
        await sources.add_source(session, STORED, "Feed", NOW)
        await sources.add_source(session, other, "Other", NOW)
        assert len(await sources.list_sources(session)) == 2


async def test_sources_by_urls_answers_each_url_asked_in_normal_form(db: Database) -> None:
    async with db.transaction() as session:
        feed = await sources.add_source(session, STORED, "Feed", NOW)
        local = await sources.add_source(session, "file:///srv/world.rss", "World", NOW)
        asked = [*SPELLINGS, "file:///srv/world.rss", "file:///srv/World.rss", "https://unknown.example/rss"]
        found = await sources.sources_by_urls(session, asked)
    assert {url: source.id for url, source in found.items()} == {
        **{spelling: feed.id for spelling in SPELLINGS}, "file:///srv/world.rss": local.id,
    }


async def test_a_database_holding_two_spellings_answers_with_the_oldest(db: Database) -> None:
    async with db.transaction() as session:  # rows written before addresses were compared in normal form
        for url in (STORED, "HTTP://HOST.EXAMPLE/feed.xml", "http://host.example/feed.xml?utm_source=x"):
            session.add(SourceRow(url=url, name=url, interval_seconds=900, next_check_at=NOW, created_at=NOW,
                                  paused=False, failures=0, fulltext=False, alerted=False))
    async with db.transaction() as session:
        oldest = await sources.get_source_by_url(session, "http://host.example/feed.xml#x")
        found = await sources.sources_by_urls(session, [STORED, "HTTP://HOST.EXAMPLE/feed.xml"])
    assert oldest is not None and oldest.url == STORED
    assert {source.url for source in found.values()} == {STORED}
