"""SQLite search on archives small enough for FTS5's own bm25(): the whole page in one statement.

bm25() reads each query term's complete document list once per query: cheap below EXACT_MAX stories, and growing
with the archive beyond. Below it, one statement does what storage.search does in two: count the newest WINDOW
matches, rank the newest RANKED of them by FTS5's bm25 (titles 10x) times the same recency factor, and return the
page with its links (the caller marks the matched words in Python, as FTS5's highlight() would). Above it, the
statement matches an empty phrase instead, which reads no document list, and returns a row saying so; the caller
then uses the bounded ranking, which never reads whole document lists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import TextClause
from sqlalchemy.ext.asyncio import AsyncSession

import news.query as search_terms
from news.query import TITLE_WEIGHT

EXACT_MAX = 150_000
# The id range stands in for the number of stories (both indexed lookups; count(*) would read the table).
_TOO_LARGE = "((SELECT max(id) FROM stories) - (SELECT min(id) FROM stories) >= :exact_max)"
# Too large: an empty phrase, which matches nothing without reading any document list.
_GATED_MATCH = f"(CASE WHEN {_TOO_LARGE} THEN '\"\"' ELSE :match END)"
Row = Sequence[Any]
Exact = tuple[list[Row], list[int], dict[int, float], int]


def exact_statement(where: list[str]) -> str:
    """Rows 'c' (match count; whether the archive is too large) and 'p' (the page's stories, one per link).

    r: the newest RANKED matches, filtered, with their bm25; k: the depth-th best bm25 among them (depth: the page's
    last place); c: the matches whose bm25 is within the recency factor's reach of it (no other can reach the page),
    with their age; t: the page by bm25 times recency. The count reads the newest WINDOW matches only when r is
    full. The caller marks the matched words (news.highlight): a highlight() here would open another cursor."""
    join = "JOIN stories s ON s.id = stories_fts.rowid" if len(where) > 1 else ""
    matching = re.sub(r":match\b", _GATED_MATCH, " AND ".join(where))
    recency = f"(1.0 - {search_terms.RECENCY_WEIGHT} * age / (age + {search_terms.RECENCY_DAYS}))"
    newest = f"FROM stories_fts {join} WHERE {matching} ORDER BY stories_fts.rowid DESC"
    return (
        f"WITH r AS MATERIALIZED (SELECT stories_fts.rowid AS id, bm25(stories_fts, {TITLE_WEIGHT}, 1.0) AS b "
        f"{newest} LIMIT :ranked), "
        "k AS (SELECT b FROM r ORDER BY b LIMIT 1 OFFSET :depth - 1), "
        "c AS (SELECT r.id, r.b, max(0.0, julianday(:now) - julianday(s.published_at)) AS age FROM r "
        f"JOIN stories s ON s.id = r.id WHERE r.b <= coalesce((SELECT b FROM k) * {1.0 - search_terms.RECENCY_WEIGHT}, "
        "1e308)), "
        f"t AS MATERIALIZED (SELECT id, -b * {recency} AS score FROM c ORDER BY score DESC, id DESC "
        "LIMIT :limit OFFSET :offset) "
        "SELECT 'c', CASE WHEN (SELECT count(*) FROM r) < :ranked THEN (SELECT count(*) FROM r) "
        f"ELSE (SELECT count(*) FROM (SELECT stories_fts.rowid {newest} LIMIT :window)) END, {_TOO_LARGE}, "
        "NULL, NULL, NULL, NULL, NULL, NULL, NULL "
        "UNION ALL SELECT 'p', t.id, s.title, s.text, s.url, s.published_at, src.name, l.url, t.score, l.id "
        "FROM t JOIN stories s ON s.id = t.id LEFT JOIN story_links l ON l.story_id = t.id "
        "LEFT JOIN sources src ON src.id = l.source_id ORDER BY 1, 9 DESC, 2 DESC, 10"
    )


async def exact_search(session: AsyncSession, statement: TextClause, params: dict[str, Any]) -> Exact | None:
    """The page's rows (shaped as storage.search's page rows), ids best first, scores and the match count; None when
    the archive is too large for this statement."""
    head, *page = (await session.execute(statement, params)).all()
    if head[2]:
        return None
    ids: list[int] = []
    scores: dict[int, float] = {}
    shaped: list[Row] = []
    for _, story_id, title, text, url, published, source, link, score, _ in page:
        if story_id not in scores:
            ids.append(story_id)
            scores[story_id] = float(score)
        shaped.append((story_id, title, text, url, published, None, source, link))
    return shaped, ids, scores, int(head[1])
