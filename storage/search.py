"""Full-text search over stories: SQLite FTS5 or PostgreSQL tsvector behind one function.

Ranking never scores every match. The newest WINDOW matches (story ids follow ingestion order) are counted; the
newest RANKED of them are ordered by relevance (a title hit weighs 10x a body hit) times a mild recency factor, and
the rest follow newest first. SQLite's relevance is the share of query terms found in the title (from FTS5's
highlight(), which reads only the row's own positions): FTS5's bm25() scans each term's whole doclist for its IDF,
which costs as much as the raw query it should beat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from news.models import SearchHit
from news.query import MAX_COUNTED, SearchQuery, fts5_match
from news.render import MARK_END, MARK_START
from storage.models import UTCDateTime
from storage.stories import stories_by_ids

WINDOW = MAX_COUNTED + 1
RANKED = 250
RECENCY_WEIGHT = 0.25
RECENCY_DAYS = 30.0
INGEST_SLACK = timedelta(days=1)
_DATETIMES = ("since", "before", "now", "created")
_SOURCE_FILTER = (
    "(s.source_id IN :source_ids OR "
    "EXISTS (SELECT 1 FROM story_links l WHERE l.story_id = s.id AND l.source_id IN :source_ids))"
)
_PG_WEIGHTS = "'{0.1, 0.2, 0.1, 1.0}'"


@dataclass(slots=True)
class _Plan:
    """The engine-specific pieces of the three statements a search runs."""

    sql_from: str
    story_id: str
    relevance: str
    age_days: str
    snippet_sql: str
    where: list[str]
    params: dict[str, Any] = field(default_factory=dict)


async def search_stories(
    session: AsyncSession, query: SearchQuery, *, limit: int = 5, offset: int = 0
) -> tuple[list[SearchHit], int]:
    """Ranked matches (best first) and their number, counted up to MAX_COUNTED + 1 (more means "over")."""
    if not query.is_useful:
        return [], 0
    plan = _sqlite_plan(query) if session.get_bind().dialect.name == "sqlite" else _postgres_plan(query)
    plan.params["now"] = query.now or datetime.now(UTC)
    if not await _add_filters(session, plan, query):
        return [], 0
    where = " AND ".join(plan.where)
    newest = await session.scalars(_text(
        f"SELECT {plan.story_id} FROM {plan.sql_from} WHERE {where} ORDER BY {plan.story_id} DESC LIMIT {WINDOW}",
        plan.params,
    ))
    ids = [int(story_id) for story_id in newest]
    scores: dict[int, float] = {}
    if offset < RANKED and ids:
        scores = await _scores(session, plan, where, ids[: RANKED][-1])
    order = sorted(ids[:RANKED], key=lambda i: (-scores.get(i, 0.0), -i)) + ids[RANKED:]
    page = [(story_id, scores.get(story_id, 0.0)) for story_id in order[offset : offset + limit]]
    return await _hits(session, plan, page), len(ids)


async def _scores(session: AsyncSession, plan: _Plan, where: str, floor: int) -> dict[int, float]:
    """Relevance times recency of every match from story id `floor` up."""
    age = f"({plan.age_days})"
    score = f"({plan.relevance}) * (1.0 - {RECENCY_WEIGHT} * {age} / ({age} + {RECENCY_DAYS}))"
    rows = await session.execute(_text(
        f"SELECT {plan.story_id}, {score} FROM {plan.sql_from} WHERE {where} AND {plan.story_id} >= :floor",
        {**plan.params, "floor": floor},
    ))
    return {int(story_id): float(value) for story_id, value in rows.all()}


async def _hits(session: AsyncSession, plan: _Plan, ranked: list[tuple[int, float]]) -> list[SearchHit]:
    """Load the ranked stories with their links and highlighted snippets."""
    if not ranked:
        return []
    ids = [story_id for story_id, _ in ranked]
    statement = _text(plan.snippet_sql, {**plan.params, "ids": ids})
    snippets = {int(story_id): snippet or "" for story_id, snippet in (await session.execute(statement)).all()}
    stories = {story.id: story for story in await stories_by_ids(session, ids)}
    return [SearchHit(stories[i], snippets.get(i, ""), score) for i, score in ranked if i in stories]


def _text(sql: str, params: dict[str, Any]) -> TextClause:
    """A text statement bound to the parameters it names; datetimes typed, lists expanded."""
    used = {name: value for name, value in params.items() if re.search(rf":{name}\b", sql)}
    clause = text(sql)
    for name, value in used.items():
        if name in _DATETIMES:
            clause = clause.bindparams(bindparam(name, value, type_=UTCDateTime))
        else:
            clause = clause.bindparams(bindparam(name, value, expanding=isinstance(value, list)))
    return clause


def _sqlite_plan(query: SearchQuery) -> _Plan:
    """FTS5: the share of query terms in the title (10x a body hit), snippet of the body."""
    marks = f"char({ord(MARK_START)}), char({ord(MARK_END)})"
    wanted = max(1, len(query.terms) + len(query.phrases))
    title_hits = f"(length(highlight(stories_fts, 0, {marks})) - length(stories_fts.title)) / 2"
    return _Plan(
        sql_from="stories_fts JOIN stories s ON s.id = stories_fts.rowid",
        story_id="stories_fts.rowid",
        relevance=f"1.0 + 9.0 * min({title_hits}, {wanted}) / {wanted}.0",
        age_days="max(0.0, julianday(:now) - julianday(s.published_at))",
        snippet_sql=(
            f"SELECT rowid, snippet(stories_fts, 1, {marks}, '…', 24) FROM stories_fts "
            "WHERE stories_fts MATCH :match AND rowid IN :ids"
        ),
        where=["stories_fts MATCH :match"],
        params={"match": fts5_match(query)},
    )


def _postgres_plan(query: SearchQuery) -> _Plan:
    """tsvector: the parsed query as a tsquery, ts_rank_cd with titles weighted 10x, ts_headline."""
    params: dict[str, Any] = {}
    parts: list[str] = []
    for prefix, function, values in (
        ("t", "plainto_tsquery", list(query.terms)),
        ("p", "phraseto_tsquery", [" ".join(phrase) for phrase in query.phrases]),
        ("x", "!! plainto_tsquery", list(query.excluded)),
        ("xp", "!! phraseto_tsquery", [" ".join(phrase) for phrase in query.excluded_phrases]),
    ):
        for index, value in enumerate(values):
            params[f"{prefix}{index}"] = value
            parts.append(f"{function}('english', :{prefix}{index})")
    params["headline"] = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15"
    tsquery = f"(SELECT {' && '.join(parts)} AS tsq) AS q"
    return _Plan(
        sql_from=f"stories s, {tsquery}",
        story_id="s.id",
        relevance=f"ts_rank_cd({_PG_WEIGHTS}, s.search, q.tsq)",
        age_days="greatest(0.0, extract(epoch FROM (:now - s.published_at)) / 86400.0)",
        snippet_sql=f"SELECT s.id, ts_headline('english', s.text, q.tsq, :headline) FROM stories s, {tsquery} "
        "WHERE s.id IN :ids",
        where=["s.search @@ q.tsq"],
        params=params,
    )


async def _add_filters(session: AsyncSession, plan: _Plan, query: SearchQuery) -> bool:
    """Add date and source conditions; False when no story can match them."""
    if query.since is not None:
        first = await _first_created_since(session, query.since - INGEST_SLACK)
        if first is None:
            return False
        plan.where += [f"{plan.story_id} >= :first_id", "s.published_at >= :since"]
        plan.params.update(first_id=first, since=query.since)
    if query.before is not None:
        plan.where.append("s.published_at < :before")
        plan.params["before"] = query.before
    if query.source:
        plan.params["source_ids"] = await _source_ids(session, query.source)
        plan.where.append(_SOURCE_FILTER)
    return bool(plan.params.get("source_ids", True))


async def _source_ids(session: AsyncSession, name: str) -> list[int]:
    """Ids of the sources whose name contains the words of `name`, in order (case-insensitive)."""
    pattern = "%".join(re.findall(r"[^\W_]+", name.lower()))
    statement = _text("SELECT id FROM sources WHERE lower(name) LIKE :pattern", {"pattern": f"%{pattern}%"})
    return [int(source_id) for source_id in await session.scalars(statement)]


async def _first_created_since(session: AsyncSession, moment: datetime) -> int | None:
    """The first story id stored at or after a moment: no story published later has a smaller id.

    A story is never published after it is stored, and ids follow storage order (INGEST_SLACK allows for
    writers that commit out of order).
    """
    statement = _text(
        "SELECT id FROM stories WHERE created_at >= :created ORDER BY created_at, id LIMIT 1", {"created": moment}
    )
    first: int | None = await session.scalar(statement)
    return first
