"""Search on SQLite FTS5 and PostgreSQL: ranking, stemming, phrases, exclusions, filters, hostile input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from news.models import Entry
from news.query import parse_query
from news.render import MARK_END, MARK_START
from storage import sources, stories
from storage.db import Database
from storage.search import search_stories

NOW = datetime(2026, 1, 20, 18, 0, tzinfo=UTC)
ARTICLES = [
    ("World Wire", "EU prepares tariff retaliation over Greenland", "Ministers met in Brussels.", 2),
    ("World Wire", "Markets calm", "Analysts expect new tariffs on steel imports next month.", 1),
    ("Europe Desk", "Kyiv without power after strikes", "Drone and missile strikes hit the grid overnight.", 5),
    ("Europe Desk", "Greenland ice sheet study", "Scientists measured the ice sheet of Greenland.", 24 * 10),
    ("Europe Desk", "Peace board fee proposed", "A draft proposes a fee for seats on the peace board.", 3),
]


@pytest.fixture
async def archive(db: Database) -> Database:
    async with db.transaction() as session:
        ids: dict[str, int] = {}
        for index, (name, title, text, hours) in enumerate(ARTICLES):
            if name not in ids:
                ids[name] = (await sources.add_source(session, f"https://{len(ids)}.example/rss", name, NOW)).id
            item = Entry(title, f"https://n.example/{index}", None, text, NOW - timedelta(hours=hours))
            await stories.store_entries(session, ids[name], [item], NOW)
    return db


async def titles(db: Database, text: str) -> list[str]:
    async with db.transaction() as session:
        hits, total = await search_stories(session, parse_query(text, NOW), limit=10)
    assert total == len(hits)
    return [hit.story.title for hit in hits]


async def test_stemming_and_title_hits_rank_first(archive: Database) -> None:
    assert await titles(archive, "tariffs") == ["EU prepares tariff retaliation over Greenland", "Markets calm"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"peace board"', ["Peace board fee proposed"]),
        ('"board peace"', []),
        ("greenland -ice", ["EU prepares tariff retaliation over Greenland"]),
        ("greenland since:7d", ["EU prepares tariff retaliation over Greenland"]),
        ("greenland before:2026-01-15", ["Greenland ice sheet study"]),
        ("strikes source:europe", ["Kyiv without power after strikes"]),
        ("strikes source:wire", []),
        ("greenland tariff", ["EU prepares tariff retaliation over Greenland"]),
    ],
)
async def test_query_language(archive: Database, query: str, expected: list[str]) -> None:
    assert await titles(archive, query) == expected


@pytest.mark.parametrize(
    "query",
    ['"unclosed', "NEAR(", "*", "'; DROP TABLE stories; --", "fox AND", "C++", "AND OR NOT", "🙂 kyiv",
     "שלום עולם", "source:%_ strikes", "x" * 5000, 'title:kyiv "a" OR -'],
)
async def test_hostile_input_never_raises(archive: Database, query: str) -> None:
    await titles(archive, query)
    assert await titles(archive, "kyiv") == ["Kyiv without power after strikes"]


async def test_snippet_marks_matches_and_paging_counts(archive: Database) -> None:
    async with archive.transaction() as session:
        hits, total = await search_stories(session, parse_query("strikes", NOW), limit=1)
        page_two, _ = await search_stories(session, parse_query("greenland", NOW), limit=1, offset=1)
    assert total == 1
    assert f"{MARK_START}" in hits[0].snippet and MARK_END in hits[0].snippet
    assert len(page_two) == 1
