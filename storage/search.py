"""Full-text search over stories: SQLite FTS5 or PostgreSQL tsvector behind one function.

On SQLite archives under EXACT_MAX stories, FTS5's own bm25 ranks the page in one statement (storage.search_exact),
and the page's matched words are marked in Python (news.highlight). Beyond that, ranking never scores every match.
The newest WINDOW matches (story ids follow ingestion order) are counted; the newest RANKED of them are ordered by
relevance times a mild recency factor, and the rest follow newest first. SQLite's relevance is then FTS5's bm25
(titles weighted 10x) estimated here for the ranked rows only: occurrences from highlight(), lengths from the
docsize table, document frequencies counted up to DF_EXACT matches and extrapolated from the newest matches' density
beyond (FTS5's bm25() reads every term's whole doclist instead); snippets are cut from the same highlighted bodies.
PostgreSQL's is ts_rank_cd per query unit (titles 10x), saturated and weighted by an IDF counted over the newest
DF_SAMPLE stories. Such a search runs two statements (after the exact statement's refusal on SQLite): the matches
with their ranking data, then the page's stories with their links. PostgreSQL connections plan each statement for
its parameters (storage.db: plan_cache_mode), as a generic plan cannot see how common the words are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from news.highlight import UnitCounter, highlight, mark_cuts, snippet, unit_tokens
from news.models import Link, SearchHit, Story
from news.query import (
    BM25_K1,
    MARK_END,
    MARK_START,
    MAX_COUNTED,
    Bm25,
    SearchQuery,
    fts5_match,
    match_units,
    recency,
)
from storage.search_exact import EXACT_MAX, exact_search, exact_statement
from storage.sources import source_ids_named
from storage.sqltext import bound

WINDOW = MAX_COUNTED + 1
RANKED = 250
DF_EXACT = 1000
DF_SAMPLE = 2000
INGEST_SLACK = timedelta(days=1)
HIGHLIGHT_MARKS = f"char({ord(MARK_START)}), char({ord(MARK_END)})"  # highlight()'s arguments: the snippet sentinels
_PG_WEIGHTS = "'{0.1, 0.2, 0.1, 1.0}'"
_HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15"
Row = Sequence[Any]
_Scored = tuple[list[int], dict[int, float], dict[int, str]]


@dataclass(slots=True)
class _Plan:
    """The engine-specific pieces of a search: what matches, the filters, and their parameters."""

    sqlite: bool
    story_id: str
    tsquery: str = ""
    units: int = 0
    where: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)


async def search_stories(
    session: AsyncSession, query: SearchQuery, *, limit: int = 5, offset: int = 0
) -> tuple[list[SearchHit], int]:
    """Ranked matches (best first) and their number, counted up to MAX_COUNTED + 1 (more means "over")."""
    if not query.is_useful:
        return [], 0
    plan = _sqlite_plan(query) if session.get_bind().dialect.name == "sqlite" else _postgres_plan(query)
    _add_filters(plan, query, await source_ids_named(session, query.source) if query.source else [])
    first, last = (0, max(RANKED, offset + limit)) if offset < RANKED else (offset, offset + limit)
    plan.params.update(window=WINDOW, ranked=RANKED if offset < RANKED else 0, first=first, last=last)
    now = query.now or datetime.now(UTC)
    if plan.sqlite and offset + limit <= RANKED and (found := await _exact(session, plan, query, now, limit, offset)):
        return found
    statement = _sqlite_matches(plan) if plan.sqlite else _postgres_matches(plan)
    rows = (await session.execute(*bound(statement, plan.params))).all()
    units = [unit_tokens(unit) for unit in match_units(query)]
    ids, scores, bodies = (_sqlite_scores if plan.sqlite else _postgres_scores)(rows, units, now)
    order = sorted(ids[:RANKED], key=lambda i: (-scores.get(i, 0.0), -i)) + ids[RANKED:]
    return await _page(session, plan, order[offset : offset + limit], scores, bodies), len(ids)


async def _exact(
    session: AsyncSession, plan: _Plan, query: SearchQuery, now: datetime, limit: int, offset: int
) -> tuple[list[SearchHit], int] | None:
    """The page by FTS5's own bm25 in one statement, or None when the archive is too large for it."""
    params = {**plan.params, "now": now, "limit": limit, "offset": offset, "depth": offset + limit}
    exact = await exact_search(session, *bound(exact_statement(plan.where), params))
    if exact is None:
        return None
    rows, ids, scores, count = exact
    units = [unit_tokens(unit) for unit in match_units(query)]
    bodies = {int(row[0]): highlight(row[2] or "", units) for row in rows}
    return _hits(rows, ids, scores, bodies), count


def _sqlite_plan(query: SearchQuery) -> _Plan:
    """FTS5: the quoted MATCH expression, and each positive unit's own expression for its document frequency."""
    units = match_units(query)
    params: dict[str, Any] = {"match": fts5_match(query), "df_exact": DF_EXACT, "exact_max": EXACT_MAX}
    params.update({f"u{index}": fts5_match(SearchQuery(terms=(unit,))) for index, unit in enumerate(units)})
    return _Plan(True, "stories_fts.rowid", units=len(units), where=["stories_fts MATCH :match"], params=params)


def _postgres_plan(query: SearchQuery) -> _Plan:
    """tsvector: the parsed query as a tsquery, and each positive unit as a tsquery of its own."""
    params: dict[str, Any] = {"df_sample": DF_SAMPLE}
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
    units = len(query.terms) + len(query.phrases)
    combined = " && ".join(parts)
    tsquery = ", ".join([f"{combined} AS tsq", *(f"{part} AS u{i}" for i, part in enumerate(parts[:units]))])
    return _Plan(False, "s.id", tsquery=tsquery, units=units, where=[f"s.search @@ ({combined})"], params=params)


def _add_filters(plan: _Plan, query: SearchQuery, source_ids: list[int]) -> None:
    """Date and source conditions (the ids of the sources source: names), as subqueries of the one statement."""
    if query.since is not None:  # no story is published after it is stored, and ids follow storage order
        first = "SELECT id FROM stories WHERE created_at >= :created ORDER BY created_at, id LIMIT 1"
        plan.where += [f"{plan.story_id} >= ({first})", "s.published_at >= :since"]
        plan.params.update(created=query.since - INGEST_SLACK, since=query.since)
    if query.before is not None:
        plan.where.append("s.published_at < :before")
        plan.params["before"] = query.before
    if query.source:
        plan.where.append(
            "(s.source_id IN :source_ids OR EXISTS "
            "(SELECT 1 FROM story_links sl WHERE sl.story_id = s.id AND sl.source_id IN :source_ids))"
        )
        plan.params["source_ids"] = source_ids or [0]  # no source has id 0: nothing matches


def _sqlite_matches(plan: _Plan) -> str:
    """Rows tagged 'w' (newest matches), 'r' (bm25 inputs of matches :first to :last), 'd<i>', 'n' (statistics)."""
    where = " AND ".join(plan.where)
    join = "JOIN stories s ON s.id = stories_fts.rowid"
    frequencies = "".join(
        f"UNION ALL SELECT 'd{i}', count(*), min(rowid), NULL, NULL, NULL FROM (SELECT rowid FROM stories_fts "
        f"WHERE stories_fts MATCH :u{i} ORDER BY rowid DESC LIMIT :df_exact) "
        for i in range(plan.units)
    )
    return (
        f"WITH w AS (SELECT stories_fts.rowid AS id FROM stories_fts {join if len(plan.where) > 1 else ''} "
        f"WHERE {where} ORDER BY stories_fts.rowid DESC LIMIT :window) "
        "SELECT 'w', count(*), group_concat(id), NULL, NULL, NULL FROM w "
        f"UNION ALL SELECT 'r', stories_fts.rowid, highlight(stories_fts, 0, {HIGHLIGHT_MARKS}), "
        f"highlight(stories_fts, 1, {HIGHLIGHT_MARKS}), d.sz, s.published_at FROM stories_fts {join} "
        f"JOIN stories_fts_docsize d ON d.id = stories_fts.rowid WHERE {where} AND stories_fts.rowid BETWEEN "
        "(SELECT min(id) FROM (SELECT id FROM w ORDER BY id DESC LIMIT :last)) "
        "AND (SELECT id FROM w ORDER BY id DESC LIMIT 1 OFFSET :first) "
        f"{frequencies}UNION ALL SELECT 'n', (SELECT min(id) FROM stories), (SELECT max(id) FROM stories), "
        "(SELECT block FROM stories_fts_data WHERE id = 1), NULL, NULL"
    )


def _postgres_matches(plan: _Plan) -> str:
    """Rows tagged 'w' (newest matches), 'r' (per-unit ranks of the newest :ranked) and 'd' (unit samples)."""
    ranks = ", ".join(f"ts_rank_cd({_PG_WEIGHTS}, s.search, q.u{i}, 1)" for i in range(plan.units))
    samples = ", ".join(f"count(*) FILTER (WHERE x.search @@ q.u{i})" for i in range(plan.units))
    return (
        f"WITH q AS (SELECT {plan.tsquery}), w AS MATERIALIZED (SELECT s.id FROM stories s "
        f"WHERE {' AND '.join(plan.where)} ORDER BY s.id DESC LIMIT :window), "
        "r AS (SELECT id FROM w ORDER BY id DESC LIMIT :ranked) "
        "SELECT 'w', count(*), NULL::timestamptz, array_agg(w.id)::float8[] FROM w "
        f"UNION ALL SELECT 'r', s.id, s.published_at, ARRAY[{ranks}]::float8[] FROM r JOIN stories s ON s.id = r.id, q "
        f"UNION ALL SELECT 'd', count(*), NULL, ARRAY[{samples}]::float8[] "
        "FROM (SELECT search FROM stories ORDER BY id DESC LIMIT :df_sample) x, q"
    )


def _sqlite_scores(rows: Sequence[Row], units: list[tuple[str, ...]], now: datetime) -> _Scored:
    """Newest-first match ids; bm25 times recency, and highlighted bodies, of the 'r' rows."""
    tagged: dict[str, list[Row]] = {"w": [], "r": []}
    for row in rows:
        tagged.setdefault(row[0], []).append(row)
    _, first, last, averages, _, _ = tagged["n"][0]
    corpus = _varints(averages or b"")
    frequencies = tuple(_estimate(tagged[f"d{i}"][0], first or 0, last or 0) for i in range(len(units)))
    size = corpus[0] if corpus else 0
    bm25 = Bm25(size, sum(corpus[1:]) / size if size else 0.0, frequencies)
    scores, bodies = {}, {}
    count = UnitCounter(units)
    for _, story_id, title, body, lengths, published in tagged["r"]:
        relevance = bm25.score(count(title or ""), count(body or ""), sum(_varints(lengths)))
        scores[story_id] = relevance * recency(_age_days(now, published))
        bodies[story_id] = body or ""
    window = tagged["w"][0][2]
    return sorted((int(i) for i in window.split(",")) if window else (), reverse=True), scores, bodies


def _estimate(counted: Row, first: int, last: int) -> float:
    """A unit's document frequency: exact below DF_EXACT, else its newest matches' density over the id range."""
    count, oldest = int(counted[1]), int(counted[2] or 0)
    if count < DF_EXACT or last < oldest:
        return float(count)
    return count * (last - first + 1) / (last - oldest + 1)


def _postgres_scores(rows: Sequence[Row], units: list[tuple[str, ...]], now: datetime) -> _Scored:
    """Newest-first match ids, and IDF-weighted, saturated ts_rank_cd times recency of the ranked ones."""
    window = next(row for row in rows if row[0] == "w")
    ids = sorted((int(story_id) for story_id in window[3] or ()), reverse=True)
    sample = next(row for row in rows if row[0] == "d")
    bm25 = Bm25(int(sample[1]), 0.0, tuple(sample[3] or ()))
    idfs = [bm25.idf(frequency) for frequency in bm25.document_frequencies]
    scores = {}
    for _, story_id, published, ranks in (row for row in rows if row[0] == "r"):
        saturated = (10 * rank * (BM25_K1 + 1) / (10 * rank + BM25_K1) for rank in ranks)
        relevance = sum(idf * part for idf, part in zip(idfs, saturated, strict=True))
        scores[int(story_id)] = relevance * recency(_age_days(now, published))
    return ids, scores, {}


async def _page(
    session: AsyncSession, plan: _Plan, ids: list[int], scores: dict[int, float], bodies: dict[int, str]
) -> list[SearchHit]:
    """The page's stories, in order, with their links and highlighted snippets: one statement."""
    if not ids:
        return []
    if plan.sqlite:
        page = "SELECT s.id, s.title, s.text, s.url, s.published_at, NULL AS snip FROM stories s WHERE s.id IN :ids"
    else:
        page = (
            "SELECT s.id, s.title, s.text, s.url, s.published_at, ts_headline('english', s.text, q.tsq, :headline) "
            f"AS snip FROM stories s, (SELECT {plan.tsquery}) q WHERE s.id IN :ids"
        )
    sql = (
        f"SELECT p.id, p.title, p.text, p.url, p.published_at, p.snip, src.name, l.url FROM ({page}) p "
        "LEFT JOIN story_links l ON l.story_id = p.id LEFT JOIN sources src ON src.id = l.source_id ORDER BY l.id"
    )
    rows = (await session.execute(*bound(sql, {**plan.params, "ids": ids, "headline": _HEADLINE}))).all()
    return _hits(rows, ids, scores, bodies)


def _hits(rows: Sequence[Row], ids: list[int], scores: dict[int, float], bodies: dict[int, str]) -> list[SearchHit]:
    """Story-and-link rows grouped into hits, in the order of `ids`; snippets cut from highlighted bodies."""
    stories: dict[int, tuple[Row, list[Link]]] = {}
    for row in rows:
        _, links = stories.setdefault(int(row[0]), (row, []))
        if row[6] is not None:
            links.append(Link(row[6], row[7]))
    hits = []
    for story_id in ids:
        if story_id in stories:
            row, links = stories[story_id]
            found = Story(story_id, row[1], row[2], row[3], _aware(row[4]), tuple(links))
            cut = mark_cuts(row[5], row[2] or "") if row[5] else snippet(bodies.get(story_id, ""))
            hits.append(SearchHit(found, cut, scores.get(story_id, 0.0)))
    return hits


def _varints(blob: bytes) -> list[int]:
    """The SQLite varints of an FTS5 shadow-table record (docsize sizes, or the averages: rows then tokens)."""
    values: list[int] = []
    value = length = 0
    for byte in blob:
        length += 1
        if length == 9:
            values.append((value << 8) | byte)
            value = length = 0
        elif byte & 0x80:
            value = (value << 7) | (byte & 0x7F)
        else:
            values.append((value << 7) | byte)
            value = length = 0
    return values


def _age_days(now: datetime, published: Any) -> float:
    """Days from a story's publication to now."""
    return (now - _aware(published)).total_seconds() / 86400.0


def _aware(value: Any) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite returns text)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
