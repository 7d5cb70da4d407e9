"""Story repository: store each story once, attach every source that carried it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from news.models import Entry, Link, Story
from news.urls import is_web_url, normalize_url, title_key
from storage.models import SourceRow, StoryLinkRow, StoryRow


@dataclass(frozen=True, slots=True)
class StoreResult:
    """How many entries were new stories and how many joined a story already stored."""

    new: int
    duplicates: int


def _insert(session: AsyncSession, table: type[StoryRow] | type[StoryLinkRow]):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


Keys = tuple[str | None, str | None, str | None]
TITLE_WINDOW = timedelta(hours=24)
_CHUNK = 500


def entry_keys(entry: Entry) -> tuple[str | None, str | None]:
    """The dedup keys of an entry: its GUID and its normalized web URL."""
    guid = entry.guid.strip()[:1024] if entry.guid and entry.guid.strip() else None
    url_key = normalize_url(entry.url)[:2048] if entry.url and is_web_url(entry.url) else None
    return guid, url_key


def _keys(entry: Entry) -> Keys:
    return (*entry_keys(entry), title_key(entry.title))


class _Known:
    """Stories already stored (or stored in this batch) by GUID, URL key and title key with time."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], int] = {}
        self.titles: dict[str, list[tuple[int, datetime]]] = defaultdict(list)

    def find(self, keys: Keys, published: datetime) -> int | None:
        guid, url_key, tkey = keys
        for kind, key in (("g", guid), ("u", url_key)):
            if key and (kind, key) in self.ids:
                return self.ids[(kind, key)]
        for story_id, when in self.titles.get(tkey or "", ()):
            if abs(when - published) <= TITLE_WINDOW:
                return story_id
        return None

    def add(self, story_id: int, keys: Keys, published: datetime) -> None:
        guid, url_key, tkey = keys
        for kind, key in (("g", guid), ("u", url_key)):
            if key:
                self.ids[(kind, key)] = story_id
        if tkey:
            self.titles[tkey].append((story_id, published))


async def store_entries(
    session: AsyncSession, source_id: int, entries: Sequence[Entry], now: datetime
) -> StoreResult:
    """Store new entries and link known ones (same GUID, URL or title and time) to this source.

    New stories go in with multi-row inserts; one that a concurrent writer stored first is linked instead.
    """
    keyed = [(entry, _keys(entry), min(entry.published_at or now, now)) for entry in entries]
    known = await _load_known(session, keyed)
    pending: list[tuple[Entry, Keys, datetime]] = []
    refs: list[int] = []
    for entry, keys, published in keyed:
        story_id = known.find(keys, published)
        if story_id is None:
            pending.append((entry, keys, published))
            story_id = -len(pending)
            known.add(story_id, keys, published)
        refs.append(story_id)
    ids, new = await _insert_stories(session, source_id, pending, now)
    links = {ids[-ref - 1] if ref < 0 else ref: entry.url for ref, (entry, _, _) in zip(refs, keyed, strict=True)}
    await _link_all(session, source_id, links, now)
    return StoreResult(new=new, duplicates=len(entries) - new)


async def _insert_stories(
    session: AsyncSession, source_id: int, pending: Sequence[tuple[Entry, Keys, datetime]], now: datetime
) -> tuple[list[int], int]:
    """Ids of the pending stories in order (inserted, or stored meanwhile by another writer) and how many are new."""
    ids: dict[int, int] = {}
    batchable = [index for index, (_, keys, _) in enumerate(pending) if keys[0] or keys[1]]
    if batchable:
        statement = _insert(session, StoryRow).on_conflict_do_nothing()
        returned = await session.execute(
            statement.returning(StoryRow.id, StoryRow.guid, StoryRow.url_key),
            [_story_values(source_id, *pending[index], now) for index in batchable],
        )
        by_key = {}
        for story_id, guid, url_key in returned.all():
            by_key[("g", guid)] = by_key[("u", url_key)] = story_id
        for index in batchable:
            guid, url_key, _ = pending[index][1]
            found = by_key.get(("g", guid)) if guid else by_key.get(("u", url_key))
            if found is not None:
                ids[index] = found
    new = len(ids)
    for index, (entry, keys, published) in enumerate(pending):
        if index not in ids:
            inserted = await _insert_story(session, source_id, entry, keys, published, now)
            new += inserted is not None
            ids[index] = inserted or await _lookup_id(session, keys[0], keys[1])
    return [ids[index] for index in range(len(pending))], new


async def new_entries(session: AsyncSession, entries: Sequence[Entry], now: datetime) -> list[Entry]:
    """The entries that are not stored yet (by GUID, URL or title and time)."""
    keyed = [(entry, _keys(entry), min(entry.published_at or now, now)) for entry in entries]
    known = await _load_known(session, keyed)
    return [entry for entry, keys, published in keyed if known.find(keys, published) is None]


async def _load_known(session: AsyncSession, keyed: Sequence[tuple[Entry, Keys, datetime]]) -> _Known:
    """Stories already stored under any of these GUIDs, URLs or recent titles: one statement per chunk."""
    known = _Known()
    guids = sorted({key for _, keys, _ in keyed if (key := keys[0])})
    urls = sorted({key for _, keys, _ in keyed if (key := keys[1])})
    titles = sorted({key for _, keys, _ in keyed if (key := keys[2])})
    if not (guids or urls or titles):
        return known
    earliest = min(published for _, _, published in keyed) - TITLE_WINDOW
    for start in range(0, max(len(guids), len(urls), len(titles)), _CHUNK):
        chunk = slice(start, start + _CHUNK)
        rows = await session.execute(
            select(StoryRow.id, StoryRow.guid, StoryRow.url_key, StoryRow.title_key, StoryRow.published_at).where(
                or_(
                    StoryRow.guid.in_(guids[chunk]),
                    StoryRow.url_key.in_(urls[chunk]),
                    and_(StoryRow.title_key.in_(titles[chunk]), StoryRow.published_at >= earliest),
                )
            )
        )
        for story_id, guid, url_key, tkey, published in rows.all():
            if guid:
                known.ids[("g", str(guid))] = story_id
            if url_key:
                known.ids[("u", str(url_key))] = story_id
            if tkey and published >= earliest:
                known.titles[str(tkey)].append((story_id, published))
    return known


def _chunks(values: list[str]) -> list[list[str]]:
    return [values[start : start + _CHUNK] for start in range(0, len(values), _CHUNK)]


def _story_values(source_id: int, entry: Entry, keys: Keys, published: datetime, now: datetime) -> dict[str, Any]:
    guid, url_key, tkey = keys
    return {
        "guid": guid, "url_key": url_key, "url": entry.url, "title": entry.title or entry.text[:100],
        "text": entry.text, "published_at": published, "created_at": now, "source_id": source_id, "title_key": tkey,
    }


async def _insert_story(
    session: AsyncSession, source_id: int, entry: Entry, keys: Keys, published: datetime, now: datetime
) -> int | None:
    values = _story_values(source_id, entry, keys, published, now)
    statement = _insert(session, StoryRow).values(**values).on_conflict_do_nothing().returning(StoryRow.id)
    story_id: int | None = await session.scalar(statement)
    return story_id


async def _lookup_id(session: AsyncSession, guid: str | None, url_key: str | None) -> int:
    conditions = [column == key for column, key in ((StoryRow.guid, guid), (StoryRow.url_key, url_key)) if key]
    story_id = await session.scalar(select(StoryRow.id).where(or_(*conditions)).limit(1))
    if story_id is None:
        raise LookupError("a conflicting story vanished during ingestion")
    return story_id


async def _link_all(session: AsyncSession, source_id: int, links: dict[int, str | None], now: datetime) -> None:
    rows = [{"story_id": story_id, "source_id": source_id, "url": url, "created_at": now}
            for story_id, url in links.items()]
    if rows:
        await session.execute(_insert(session, StoryLinkRow).on_conflict_do_nothing(), rows)


async def stories_between(session: AsyncSession, since: datetime, until: datetime, limit: int = 500) -> list[Story]:
    """Stories published in [since, until), newest first, with their links."""
    query = (
        select(StoryRow)
        .where(StoryRow.published_at >= since, StoryRow.published_at < until)
        .order_by(StoryRow.published_at.desc(), StoryRow.id.desc())
        .limit(limit)
    )
    return await _with_links(session, query)


async def headlines_before(
    session: AsyncSession, before: datetime, limit: int, text_chars: int = 600
) -> list[tuple[str, str]]:
    """Titles and opening text of the newest stories published before `before` (the archive behind a brief)."""
    query = (
        select(StoryRow.title, func.substr(StoryRow.text, 1, text_chars))
        .where(StoryRow.published_at < before)
        .order_by(StoryRow.published_at.desc(), StoryRow.id.desc())
        .limit(limit)
    )
    return [(title, text or "") for title, text in await session.execute(query)]


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
