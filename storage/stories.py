"""Story repository: store each story once, attach every source that carried it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from news.models import Entry, Link, Story
from news.urls import is_web_url, normalize_url
from storage.models import SourceRow, StoryLinkRow, StoryRow


@dataclass(frozen=True, slots=True)
class StoreResult:
    """How many entries were new stories and how many joined a story already stored."""

    new: int
    duplicates: int


def _insert(session: AsyncSession, table: type[StoryRow] | type[StoryLinkRow]):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


def entry_keys(entry: Entry) -> tuple[str | None, str | None]:
    """The dedup keys of an entry: its GUID and its normalized web URL."""
    guid = entry.guid.strip()[:1024] if entry.guid and entry.guid.strip() else None
    url_key = normalize_url(entry.url)[:2048] if entry.url and is_web_url(entry.url) else None
    return guid, url_key


async def store_entries(
    session: AsyncSession, source_id: int, entries: Sequence[Entry], now: datetime
) -> StoreResult:
    """Store new entries and link known ones to this source; safe against concurrent writers."""
    new = 0
    known = await _known_ids(session, entries)
    for entry in entries:
        guid, url_key = entry_keys(entry)
        story_id = known.get(guid) if guid else None
        story_id = story_id or (known.get(url_key) if url_key else None)
        if story_id is None:
            inserted = await _insert_story(session, source_id, entry, guid, url_key, now)
            new += inserted is not None
            story_id = inserted or await _lookup_id(session, guid, url_key)
        for key in (guid, url_key):
            if key:
                known[key] = story_id
        await _link(session, story_id, source_id, entry.url, now)
    return StoreResult(new=new, duplicates=len(entries) - new)


async def _known_ids(session: AsyncSession, entries: Sequence[Entry]) -> dict[str | None, int]:
    guids = {key for entry in entries if (key := entry_keys(entry)[0])}
    urls = {key for entry in entries if (key := entry_keys(entry)[1])}
    if not guids and not urls:
        return {}
    rows = await session.execute(
        select(StoryRow.id, StoryRow.guid, StoryRow.url_key).where(
            or_(StoryRow.guid.in_(guids), StoryRow.url_key.in_(urls))
        )
    )
    known: dict[str | None, int] = {}
    for story_id, guid, url_key in rows.all():
        if guid in guids:
            known[guid] = story_id
        if url_key in urls:
            known[url_key] = story_id
    return known


async def _insert_story(
    session: AsyncSession, source_id: int, entry: Entry, guid: str | None, url_key: str | None, now: datetime
) -> int | None:
    published = min(entry.published_at or now, now)
    statement = (
        _insert(session, StoryRow)
        .values(
            guid=guid, url_key=url_key, url=entry.url, title=entry.title or entry.text[:100], text=entry.text,
            published_at=published, created_at=now, source_id=source_id,
        )
        .on_conflict_do_nothing()
        .returning(StoryRow.id)
    )
    story_id: int | None = await session.scalar(statement)
    return story_id


async def _lookup_id(session: AsyncSession, guid: str | None, url_key: str | None) -> int:
    conditions = [column == key for column, key in ((StoryRow.guid, guid), (StoryRow.url_key, url_key)) if key]
    story_id = await session.scalar(select(StoryRow.id).where(or_(*conditions)).limit(1))
    if story_id is None:
        raise LookupError("a conflicting story vanished during ingestion")
    return story_id


async def _link(session: AsyncSession, story_id: int, source_id: int, url: str | None, now: datetime) -> None:
    statement = (
        _insert(session, StoryLinkRow)
        .values(story_id=story_id, source_id=source_id, url=url, created_at=now)
        .on_conflict_do_nothing()
    )
    await session.execute(statement)


async def stories_between(session: AsyncSession, since: datetime, until: datetime, limit: int = 500) -> list[Story]:
    """Stories published in [since, until), newest first, with their links."""
    query = (
        select(StoryRow)
        .where(StoryRow.published_at >= since, StoryRow.published_at < until)
        .order_by(StoryRow.published_at.desc(), StoryRow.id.desc())
        .limit(limit)
    )
    return await _with_links(session, query)


async def stories_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Story]:
    """Stories with these ids, in the order given."""
    stories = {story.id: story for story in await _with_links(session, select(StoryRow).where(StoryRow.id.in_(ids)))}
    return [stories[story_id] for story_id in ids if story_id in stories]


async def count_stories(session: AsyncSession) -> int:
    """Number of stored stories."""
    return int(await session.scalar(select(func.count()).select_from(StoryRow)) or 0)


async def _with_links(session: AsyncSession, query: Select[StoryRow]) -> list[Story]:
    rows = list(await session.scalars(query))
    links = await _links_of(session, [row.id for row in rows])
    return [
        Story(row.id, row.title, row.text, row.url, row.published_at, tuple(links.get(row.id, ())))
        for row in rows
    ]


async def _links_of(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[Link]]:
    links: dict[int, list[Link]] = defaultdict(list)
    if not ids:
        return links
    rows = await session.execute(
        select(StoryLinkRow.story_id, SourceRow.name, StoryLinkRow.url)
        .join(SourceRow, SourceRow.id == StoryLinkRow.source_id)
        .where(StoryLinkRow.story_id.in_(ids))
        .order_by(StoryLinkRow.id)
    )
    for story_id, name, url in rows.all():
        links[story_id].append(Link(name, url))
    return links
