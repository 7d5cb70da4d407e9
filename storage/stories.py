"""Story repository: store each story once, attach every source that carried it.

Which stored story an entry is, news.dedup decides (GUIDs scoped to their feed; URL, title and content keys across
feeds); this module loads the candidates it needs and stores the outcome.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from news.dedup import TITLE_WINDOW, Keyed, Keys, Known, filled, keyed, match, story_title
from news.errors import SourceNotFoundError
from news.models import Entry, Link, Story
from news.urls import CONTENT_CHARS, CONTENT_PREFIX, content_key, guid_scope
from storage.models import SourceRow, StoryLinkRow, StoryRow

logger = logging.getLogger(__name__)
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class StoreResult:
    """How many entries were new stories and how many joined a story already stored."""

    new: int
    duplicates: int
    updated: int = 0  # of the duplicates, this feed's stories stored without text that now have some


def _insert(session: AsyncSession, table: type[StoryRow] | type[StoryLinkRow]):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


async def store_entries(
    session: AsyncSession, source_id: int, entries: Sequence[Entry], now: datetime
) -> StoreResult:
    """Store new entries and link known ones (same GUID in this feed, or same URL or title and time) to this source.

    New stories go in with multi-row inserts; one that a concurrent writer stored first is linked instead.
    """
    scope = await _scope(session, source_id)
    entries_keyed = keyed(entries, scope, now)
    known = await _load_known(session, entries_keyed, source_id, scope)
    pending, refs = match(known, entries_keyed)
    updated = await _fill(session, filled(known, entries_keyed, refs))
    await _rename(session, known.renamed)
    ids, new = await _insert_stories(session, source_id, pending, now)
    stories = (ids[-ref - 1] if ref < 0 else ref for ref in refs)
    links = {story_id: entry.url for story_id, (entry, _, _) in zip(stories, entries_keyed, strict=True)}
    await _link_all(session, source_id, links, now)
    return StoreResult(new=new, duplicates=len(entries) - new, updated=updated)


async def _fill(session: AsyncSession, texts: dict[int, str]) -> int:
    """Give stories stored without text the text their feed now has (news.dedup.filled)."""
    written = 0
    for story_id, text in texts.items():
        blank = and_(StoryRow.id == story_id, StoryRow.text == "")
        result = await session.execute(update(StoryRow).where(blank).values(text=text))
        written += result.rowcount or 0  # type: ignore[attr-defined]
    return written


async def _rename(session: AsyncSession, identities: dict[int, str]) -> None:
    """Store the GUID a feed now lists a story under (news.dedup: a renamed GUID), so that it is known by it."""
    # On PostgreSQL another process's uncommitted GUID shows only at the unique index: a savepoint keeps the batch.
    # SQLite writers take turns, so no other can hold one.
    postgres = session.get_bind().dialect.name == "postgresql"
    for story_id, identity in identities.items():  # unless another writer has stored that GUID meanwhile
        other = aliased(StoryRow)
        statement = update(StoryRow).where(StoryRow.id == story_id, ~exists().where(other.guid == identity))
        try:
            async with session.begin_nested() if postgres else nullcontext():
                await session.execute(statement.values(guid=identity))
        except IntegrityError:
            logger.info("story %s keeps its GUID: another writer stored %s", story_id, identity)


async def new_entries(session: AsyncSession, source_id: int, entries: Sequence[Entry], now: datetime) -> list[Entry]:
    """The entries store_entries would store as new stories of this source."""
    scope = await _scope(session, source_id)
    entries_keyed = keyed(entries, scope, now)
    pending, _ = match(await _load_known(session, entries_keyed, source_id, scope), entries_keyed)
    return [entry for entry, _, _ in pending]


async def _scope(session: AsyncSession, source_id: int) -> str:
    """The scope of a source's GUIDs (by its address: a feed removed and added again keeps its GUIDs)."""
    url = await session.scalar(select(SourceRow.url).where(SourceRow.id == source_id))
    if url is None:
        raise SourceNotFoundError(f"no source #{source_id}")
    return guid_scope(url)


async def _insert_stories(
    session: AsyncSession, source_id: int, pending: Sequence[Keyed], now: datetime
) -> tuple[list[int], int]:
    """Ids of the pending stories in order (inserted, or stored meanwhile by another writer) and how many are new."""
    ids: dict[int, int] = {}
    batchable = [index for index, (_, keys, _) in enumerate(pending) if keys.identity or keys.url_key]
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
            keys = pending[index][1]
            found = by_key.get(("g", keys.identity)) if keys.identity else by_key.get(("u", keys.url_key))
            if found is not None:
                ids[index] = found
    new = len(ids)
    for index, (entry, keys, published) in enumerate(pending):
        if index not in ids:
            inserted = await _insert_story(session, source_id, entry, keys, published, now)
            new += inserted is not None
            ids[index] = inserted or await _lookup_id(session, keys.identity, keys.url_key)
    return [ids[index] for index in range(len(pending))], new


async def _load_known(
    session: AsyncSession, keyed: Sequence[Keyed], source_id: int, scope: str
) -> Known:
    """Stories already stored under any of these identities, URLs or recent titles: one statement per chunk.

    This source's GUIDs stored bare (before GUIDs were scoped) are read as scoped.
    """
    known = Known()
    identities = sorted({key for _, keys, _ in keyed if (key := keys.identity)})
    guids = sorted({key for _, keys, _ in keyed if (key := keys.guid)})
    urls = sorted({key for _, keys, _ in keyed if (key := keys.url_key)})
    titles = sorted({key for _, keys, _ in keyed if (key := keys.title_key)})
    if not (identities or urls or titles):
        return known
    earliest = min(published for _, _, published in keyed) - TITLE_WINDOW
    for start in range(0, max(len(identities), len(urls), len(titles)), _CHUNK):
        chunk = slice(start, start + _CHUNK)
        rows = await session.execute(
            select(
                StoryRow.id, StoryRow.guid, StoryRow.url_key, StoryRow.title_key, StoryRow.published_at,
                StoryRow.source_id, StoryRow.title, func.substr(StoryRow.text, 1, CONTENT_CHARS),
            ).where(
                or_(
                    StoryRow.guid.in_(identities[chunk]),
                    and_(StoryRow.guid.in_(guids[chunk]), StoryRow.source_id == source_id),
                    StoryRow.url_key.in_(urls[chunk]),
                    and_(StoryRow.title_key.in_(titles[chunk]), StoryRow.published_at >= earliest),
                )
            )
        )
        for story_id, guid, url_key, tkey, published, owner, title, text in rows.all():
            if guid and owner == source_id and not guid.startswith((scope, CONTENT_PREFIX)):
                guid = (scope + guid)[:1024]  # stored bare
            if guid:
                known.ids[guid] = story_id
                if guid.startswith(scope):
                    known.own.add(story_id)
            if url_key:
                known.urls[url_key] = story_id
            if tkey and published >= earliest:
                known.titles[tkey].append((story_id, published))
            known.contents[story_id] = content_key(title, text or "")
            known.links[story_id] = url_key
            if not text:
                known.empty.add(story_id)
    known.listed = {known.ids[key] for key in identities if key in known.ids}
    return known


def _story_values(source_id: int, entry: Entry, keys: Keys, published: datetime, now: datetime) -> dict[str, Any]:
    return {
        "guid": keys.identity, "url_key": keys.url_key, "url": entry.url, "title": story_title(entry),
        "text": entry.text, "published_at": published, "created_at": now, "source_id": source_id,
        "title_key": keys.title_key,
    }


async def _insert_story(
    session: AsyncSession, source_id: int, entry: Entry, keys: Keys, published: datetime, now: datetime
) -> int | None:
    values = _story_values(source_id, entry, keys, published, now)
    statement = _insert(session, StoryRow).values(**values).on_conflict_do_nothing().returning(StoryRow.id)
    story_id: int | None = await session.scalar(statement)
    return story_id


async def _lookup_id(session: AsyncSession, identity: str | None, url_key: str | None) -> int:
    conditions = [column == key for column, key in ((StoryRow.guid, identity), (StoryRow.url_key, url_key)) if key]
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
