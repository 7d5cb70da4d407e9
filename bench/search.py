"""Search latency at 10k-1M stories: the repository's search next to a raw FTS5 bm25 query, same run.

Usage: python bench/search.py [--data DIR] [--sizes 10000,100000,1000000] [--cache DIR] [--no-pg] [--rounds N]
Archives are built from ../shared/data (replicated with varied titles and dates) and cached under --cache.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text as sql_text  # noqa: E402

from news.query import fts5_match, parse_query  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.search import search_stories  # noqa: E402

END = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)
PG_ADMIN = os.environ.get("NEWSBOT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
QUERIES = [
    "government", "said", "new year", "tariffs", "prime minister", '"prime minister"', "election -trump",
    "trump iran", "greenspan", "market shares profit", "court ruling since:30d", "economy source:bbc",
    "film award", "oil prices before:2025-06-01", "broadband", "police said", "chelsea", "apple",
]
RAW_SQL = "SELECT rowid FROM stories_fts WHERE stories_fts MATCH ? ORDER BY bm25(stories_fts, 10.0, 1.0) LIMIT 10"
STORY_COLUMNS = "id, guid, url_key, url, title, text, published_at, created_at, source_id"
Article = tuple[str, str, str]
Row = tuple[int, str, str, str, str, str, str, str, int]


def load_articles(data: Path) -> list[Article]:
    """(title, text, source name) of every real article in the data sets, read at bench time only."""
    articles: list[Article] = []
    for record in _jsonl(data / "bbc-news-summary" / "dev.jsonl"):
        articles.append((record["title"], _lead(record["text"]), "BBC News"))
    for record in _jsonl(data / "neus-allsides" / "headlines_dev.jsonl"):
        outlet = ("Left Daily", "Center Wire", "Right Herald")[int(record["id"][-1])]
        articles.append((record["title"], record["text"] or "", outlet))
    for record in _jsonl(data / "uci-news-aggregator" / "headlines_dev.jsonl"):
        articles.append((record["title"], "", record["publisher"][:60] or "Aggregator"))
    return [article for article in articles if article[0].strip()]


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        yield from (json.loads(line) for line in handle if line.strip())


def _lead(text: str, limit: int = 400) -> str:
    lead = ""
    for paragraph in text.split("\n\n"):
        if lead and len(lead) + len(paragraph) > limit:
            break
        lead = f"{lead} {paragraph}".strip()
    return lead[: limit * 2]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def story_rows(articles: list[Article], sources: dict[str, int], size: int) -> Iterator[Row]:
    """`size` stories: the articles replicated with one title word varied per copy, dates rising with id."""
    rng = random.Random(7)
    vocabulary = sorted({word for title, _, _ in articles for word in title.split() if word.isalpha()})
    step = SPAN / size
    for index in range(size):
        title, text, source = articles[index % len(articles)]
        if index >= len(articles):
            parts = title.split()
            parts[rng.randrange(len(parts))] = rng.choice(vocabulary)
            title = " ".join(parts)
        created = END - SPAN + step * index
        published = created - timedelta(hours=rng.uniform(0, 48))
        url = f"https://bench.example/{index}"
        yield (index + 1, url, url, url, title, text, _stamp(published), _stamp(created), sources[source])


def build_sqlite(path: Path, articles: list[Article], size: int) -> float:
    """Create (or reuse) an Alembic-migrated SQLite archive of `size` stories; the ingest rate in stories/s."""
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        return float(json.loads(meta.read_text())["rate"])
    path.unlink(missing_ok=True)
    asyncio.run(_upgrade(f"sqlite+aiosqlite:///{path}"))
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    sources = _sqlite_sources(connection, articles)
    started = time.perf_counter()
    rows = story_rows(articles, sources, size)
    while batch := [row for _, row in zip(range(20_000), rows, strict=False)]:
        with connection:
            connection.executemany(f"INSERT INTO stories ({STORY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
            connection.executemany(
                "INSERT INTO story_links (story_id, source_id, url, created_at) VALUES (?, ?, ?, ?)",
                _links(batch, len(sources)),
            )
    rate = size / (time.perf_counter() - started)
    connection.execute("ANALYZE")
    connection.close()
    meta.write_text(json.dumps({"rate": rate}))
    return rate


def _links(batch: list[Row], sources: int) -> Iterator[tuple[int, int, str, str]]:
    for row in batch:
        yield row[0], row[8], row[3], row[7]
        if row[0] % 10 == 0:
            yield row[0], row[8] % sources + 1, row[3] + "?via=2", row[7]


def _sqlite_sources(connection: sqlite3.Connection, articles: list[Article]) -> dict[str, int]:
    names = sorted({source for _, _, source in articles})
    with connection:
        connection.executemany(
            "INSERT INTO sources (id, url, name, interval_seconds, next_check_at, created_at) "
            "VALUES (?, ?, ?, 900, ?, ?)",
            [(i, f"https://feeds.example/{i}", name, _stamp(END), _stamp(END)) for i, name in enumerate(names, 1)],
        )
    return {name: index for index, name in enumerate(names, 1)}


async def _upgrade(url: str) -> None:
    database = Database(url)
    await database.upgrade()
    await database.dispose()


async def build_postgres(name: str, articles: list[Article], size: int) -> float:
    """Create (or reuse) a migrated PostgreSQL archive database; the ingest rate in stories/s."""
    import asyncpg

    admin = await asyncpg.connect(PG_ADMIN)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            target = await asyncpg.connect(_pg_dsn(name))
            try:
                rate = await target.fetchval("SELECT obj_description('stories'::regclass)")
            finally:
                await target.close()
            if rate:
                return float(rate)
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    await _upgrade(_pg_dsn(name).replace("postgresql://", "postgresql+asyncpg://"))
    return await _fill_postgres(name, articles, size)


async def _fill_postgres(name: str, articles: list[Article], size: int) -> float:
    import asyncpg

    connection = await asyncpg.connect(_pg_dsn(name))
    try:
        names = sorted({source for _, _, source in articles})
        await connection.copy_records_to_table(
            "sources", columns=["id", "url", "name", "interval_seconds", "next_check_at", "created_at"],
            records=[(i, f"https://feeds.example/{i}", n, 900, END, END) for i, n in enumerate(names, 1)],
        )
        sources = {source: index for index, source in enumerate(names, 1)}
        started = time.perf_counter()
        rows = story_rows(articles, sources, size)
        columns = STORY_COLUMNS.split(", ")
        while batch := [row for _, row in zip(range(20_000), rows, strict=False)]:
            records = [(*row[:6], _moment(row[6]), _moment(row[7]), row[8]) for row in batch]
            links = [(s, src, u, _moment(c)) for s, src, u, c in _links(batch, len(sources))]
            await connection.copy_records_to_table("stories", columns=columns, records=records)
            await connection.copy_records_to_table(
                "story_links", columns=["story_id", "source_id", "url", "created_at"], records=links
            )
        rate = size / (time.perf_counter() - started)
        await connection.execute("VACUUM ANALYZE")  # as autovacuum leaves a live database: no pending GIN entries
        await connection.execute(f"COMMENT ON TABLE stories IS '{rate:.1f}'")
        return rate
    finally:
        await connection.close()


def _moment(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)


def _pg_dsn(name: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


Timer = Callable[[str], Awaitable[None]]


async def interleaved(timers: dict[str, Timer], rounds: int) -> dict[str, list[float]]:
    """Milliseconds per call of each timer over the query set, the timers taking turns on every query (the first
    to go rotates) so that a noisy machine slows them alike; round 0 warms up and is not kept."""
    samples: dict[str, list[float]] = {name: [] for name in timers}
    order = list(timers)
    for round_number in range(rounds + 1):
        for index, text in enumerate(QUERIES):
            turn = (round_number + index) % len(order)
            for name in order[turn:] + order[:turn]:
                started = time.perf_counter()
                await timers[name](text)
                if round_number:
                    samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def repository_timer(database: Database) -> Timer:
    """storage.search.search_stories, first page of 5 hits, a transaction per call as the bot runs it."""

    async def run(text: str) -> None:
        async with database.transaction() as session:
            await search_stories(session, parse_query(text, END), limit=5)

    return run


def raw_stack_timer(database: Database) -> Timer:
    """The plain bm25 query sent the way the repository's are (a session and transaction per call, through
    SQLAlchemy and aiosqlite): what the bot would pay for the unbounded query."""
    statement = sql_text(RAW_SQL.replace("?", ":match"))

    async def run(text: str) -> None:
        async with database.transaction() as session:
            (await session.execute(statement, {"match": fts5_match(parse_query(text, END))})).all()

    return run


def raw_fts5_timer(connection: sqlite3.Connection) -> Timer:
    """A plain `MATCH ... ORDER BY bm25 LIMIT 10` over the same table, straight through sqlite3."""

    async def run(text: str) -> None:
        connection.execute(RAW_SQL, (fts5_match(parse_query(text, END)),)).fetchall()

    return run


async def sqlite_latencies(path: Path, rounds: int) -> dict[str, list[float]]:
    """The repository, the raw query through the same stack and through bare sqlite3, interleaved."""
    database = Database(f"sqlite+aiosqlite:///{path}")
    connection = sqlite3.connect(path)
    try:
        timers = {"ours": repository_timer(database), "stack": raw_stack_timer(database),
                  "raw": raw_fts5_timer(connection)}
        return await interleaved(timers, rounds)
    finally:
        connection.close()
        await database.dispose()


def sqlite_index_mb(path: Path) -> float:
    """Size on disk of the FTS5 shadow tables."""
    connection = sqlite3.connect(path)
    used = connection.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'stories_fts%'").fetchone()[0]
    connection.close()
    return float(used or 0) / 2**20


async def postgres_index_mb(name: str) -> float:
    """Size of the GIN index plus the stored tsvector column."""
    import asyncpg

    connection = await asyncpg.connect(_pg_dsn(name))
    try:
        index = await connection.fetchval("SELECT pg_relation_size('ix_stories_search')")
        column = await connection.fetchval("SELECT sum(pg_column_size(search)) FROM stories")
    finally:
        await connection.close()
    return float(index + (column or 0)) / 2**20


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 of a list of milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(size: int, articles: list[Article], cache: Path, rounds: int, pg: bool) -> list[str]:
    """Table rows for one archive size."""
    path = cache / f"archive-{size}.db"
    rate = build_sqlite(path, articles, size)
    samples = asyncio.run(sqlite_latencies(path, rounds))
    stack = percentiles(samples["stack"])
    lines = [_row(size, "SQLite repository", percentiles(samples["ours"]), sqlite_index_mb(path), rate, stack),
             _row(size, "SQLite raw, same stack", stack, None, None),
             _row(size, "SQLite raw, sqlite3", percentiles(samples["raw"]), None, None, stack)]
    if pg:
        lines += asyncio.run(_measure_postgres(size, articles, rounds))
    return lines


async def _measure_postgres(size: int, articles: list[Article], rounds: int) -> list[str]:
    import asyncpg

    name = f"newsbot_bench_{size}"
    rate = await build_postgres(name, articles, size)
    database = Database(_pg_dsn(name).replace("postgresql://", "postgresql+asyncpg://"))
    connection = await asyncpg.connect(_pg_dsn(name))
    try:
        timers = {"ours": repository_timer(database), "stack": raw_postgres_stack_timer(database),
                  "raw": raw_postgres_timer(connection)}
        samples = await interleaved(timers, rounds)
    finally:
        await connection.close()
        await database.dispose()
    stack = percentiles(samples["stack"])
    index = await postgres_index_mb(name)
    return [_row(size, "PostgreSQL repository", percentiles(samples["ours"]), index, rate, stack),
            _row(size, "PostgreSQL raw, same stack", stack, None, None),
            _row(size, "PostgreSQL raw, asyncpg", percentiles(samples["raw"]), None, None, stack)]


RAW_PG_SQL = ("SELECT id FROM stories, websearch_to_tsquery('english', $1) q WHERE search @@ q "
              "ORDER BY ts_rank_cd(search, q) DESC LIMIT 10")


def raw_postgres_stack_timer(database: Database) -> Timer:
    """The plain ts_rank_cd query through the repository's stack (a session and transaction per call)."""
    statement = sql_text(RAW_PG_SQL.replace("$1", ":words"))

    async def run(text: str) -> None:
        async with database.transaction() as session:
            (await session.execute(statement, {"words": text})).all()

    return run


def raw_postgres_timer(connection: Any) -> Timer:
    """A plain `@@ websearch_to_tsquery ... ORDER BY ts_rank_cd LIMIT 10` through asyncpg."""

    async def run(text: str) -> None:
        await connection.fetch(RAW_PG_SQL, text)

    return run


def _row(
    size: int,
    engine: str,
    latency: tuple[float, float],
    index: float | None,
    rate: float | None,
    baseline: tuple[float, float] | None = None,
) -> str:
    """One table line; ``baseline``: the latencies the ratio column divides by (the raw query of the same engine)."""
    index_text = f"{index:,.1f}" if index is not None else "-"
    rate_text = f"{rate:,.0f}" if rate is not None else "-"
    ratio = f"{latency[0] / baseline[0]:.2f}x / {latency[1] / baseline[1]:.2f}x" if baseline else "-"
    return (f"| {size:>9,} | {engine:<26} | {latency[0]:8.2f} | {latency[1]:8.2f} | {ratio:>15} | {index_text:>10} "
            f"| {rate_text:>10} |")


def main(argv: list[str] | None = None) -> int:
    """Build or reuse the archives, time both searches and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newsbot-bench"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    articles = load_articles(args.data)
    print(f"{len(articles):,} real articles, {len(QUERIES)} queries x {args.rounds} rounds per engine and size")
    print("Ratio column: p50 / p95 against the raw query of the same engine through the same stack.")
    print("|   stories | engine                     |  p50 ms  |  p95 ms  |  vs raw p50/p95 |  index MB  "
          "| ingest/s   |")
    print("|-----------|----------------------------|----------|----------|-----------------|------------"
          "|------------|")
    for size in (int(part) for part in args.sizes.split(",")):
        for line in measure(size, articles, args.cache, args.rounds, not args.no_pg):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
