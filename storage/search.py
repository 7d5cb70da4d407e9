"""Full-text search over stories: SQLite FTS5 or PostgreSQL tsvector behind one function."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from news.models import SearchHit
from news.query import SearchQuery, fts5_match
from news.render import MARK_END, MARK_START
from storage.models import UTCDateTime
from storage.stories import stories_by_ids

_SOURCE_FILTER = (
    "EXISTS (SELECT 1 FROM story_links l JOIN sources src ON src.id = l.source_id "
    "WHERE l.story_id = s.id AND lower(src.name) LIKE :source ESCAPE '\\')"
)


@dataclass(frozen=True, slots=True)
class _Plan:
    sql_from: str
    where: list[str]
    params: dict[str, Any]
    rank: str
    snippet: str


async def search_stories(
    session: AsyncSession, query: SearchQuery, *, limit: int = 5, offset: int = 0
) -> tuple[list[SearchHit], int]:
    """Ranked matches of a parsed query (best first) and the total number of matches."""
    if not query.is_useful:
        return [], 0
    plan = _sqlite_plan(query) if session.get_bind().dialect.name == "sqlite" else _postgres_plan(query)
    _add_filters(plan, query)
    where = " AND ".join(plan.where)
    total = await session.scalar(_text(f"SELECT count(*) FROM {plan.sql_from} WHERE {where}", plan.params))
    rows = await session.execute(
        _text(
            f"SELECT s.id, {plan.rank} AS rank, {plan.snippet} AS snip FROM {plan.sql_from} WHERE {where} "
            "ORDER BY rank DESC, s.published_at DESC, s.id DESC LIMIT :limit OFFSET :offset",
            {**plan.params, "limit": limit, "offset": offset},
        )
    )
    found = rows.all()
    stories = {story.id: story for story in await stories_by_ids(session, [row[0] for row in found])}
    hits = [SearchHit(stories[row[0]], row[2] or "", float(row[1])) for row in found if row[0] in stories]
    return hits, int(total or 0)


def _text(sql: str, params: dict[str, Any]) -> TextClause:
    params = {name: value for name, value in params.items() if f":{name}" in sql}
    clause = text(sql)
    for name in ("since", "before"):
        if name in params:
            clause = clause.bindparams(bindparam(name, type_=UTCDateTime))
    return clause.bindparams(**params)


def _sqlite_plan(query: SearchQuery) -> _Plan:
    return _Plan(
        sql_from="stories_fts JOIN stories s ON s.id = stories_fts.rowid",
        where=["stories_fts MATCH :match"],
        params={"match": fts5_match(query)},
        rank="-bm25(stories_fts, 10.0, 1.0)",
        snippet=f"snippet(stories_fts, 1, char({ord(MARK_START)}), char({ord(MARK_END)}), '…', 24)",
    )


def _postgres_plan(query: SearchQuery) -> _Plan:
    params: dict[str, Any] = {}
    parts: list[str] = []
    for prefix, function, values in (
        ("t", "plainto_tsquery", list(query.terms)),
        ("p", "phraseto_tsquery", [" ".join(phrase) for phrase in query.phrases]),
        ("x", "!! plainto_tsquery", list(query.excluded)),
    ):
        for index, value in enumerate(values):
            params[f"{prefix}{index}"] = value
            parts.append(f"{function}('english', :{prefix}{index})")
    params["headline"] = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15"
    return _Plan(
        sql_from=f"stories s, (SELECT {' && '.join(parts)} AS tsq) AS q",
        where=["s.search @@ q.tsq"],
        params=params,
        rank="ts_rank_cd(s.search, q.tsq)",
        snippet="ts_headline('english', s.text, q.tsq, :headline)",
    )


def _add_filters(plan: _Plan, query: SearchQuery) -> None:
    if query.since is not None:
        plan.where.append("s.published_at >= :since")
        plan.params["since"] = query.since
    if query.before is not None:
        plan.where.append("s.published_at < :before")
        plan.params["before"] = query.before
    if query.source:
        escaped = query.source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        plan.where.append(_SOURCE_FILTER)
        plan.params["source"] = f"%{escaped}%"
