"""Search on SQLite FTS5 and PostgreSQL: ranking, stemming, phrases, exclusions, filters, hostile input."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text as sql_text

from news.highlight import highlight, unit_tokens
from news.models import Entry
from news.porter import TOKEN, index_stem
from news.query import MARK_END, MARK_START, fts5_match, match_units, parse_query
from storage import sources, stories
from storage.db import Database
from storage.search import _varints, search_stories
from tests.conftest import empty_database

NOW = datetime(2026, 1, 20, 18, 0, tzinfo=UTC)
ARTICLES = [
    ("World Wire", "EU prepares tariff retaliation over Greenland", "Ministers met in Brussels.", 2),
    ("World Wire", "Markets calm", "Analysts expect new tariffs on steel imports next month.", 1),
    ("Europe Desk", "Kyiv without power after strikes", "Drone and missile strikes hit the grid overnight.", 5),
    ("Europe Desk", "Greenland ice sheet study", "Scientists measured the ice sheet of Greenland.", 24 * 10),
    ("Europe Desk", "Peace board fee proposed", "A draft proposes a fee for seats on the peace board.", 3),
]


@pytest.fixture(params=["sqlite", "sqlite-bounded", "postgresql"])
async def db(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Database]:
    """Each engine; SQLite both with FTS5's own bm25 (small archives) and with the bounded ranking (large ones)."""
    if request.param == "sqlite-bounded":
        monkeypatch.setattr("storage.search.EXACT_MAX", 0)
    database = await empty_database(request, request.param.split("-")[0], tmp_path)
    yield database
    await database.dispose()


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
        ('strikes source:"Europe Desk"', ["Kyiv without power after strikes"]),
        ("strikes source:“europe desk”", ["Kyiv without power after strikes"]),
        ('tariffs source:"World Wire"', ["EU prepares tariff retaliation over Greenland", "Markets calm"]),
        ('strikes source:"World Wire"', []),
        ('"ice sheet" source:"EUROPE desk"', ["Greenland ice sheet study"]),
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


async def test_snippet_reaching_the_end_keeps_the_final_period(archive: Database) -> None:
    async with archive.transaction() as session:
        hits, _ = await search_stories(session, parse_query("grid", NOW), limit=1)
    plain = hits[0].snippet.replace(MARK_START, "").replace(MARK_END, "")
    assert plain == "Drone and missile strikes hit the grid overnight."


async def test_snippet_cut_from_a_long_text_says_so_on_both_engines(archive: Database) -> None:
    body = " ".join(f"Filler sentence number {n} about nothing in particular." for n in range(30))
    async with archive.transaction() as session:
        source = await sources.add_source(session, "https://l.example/rss", "Long Wire", NOW)
        text = body + " The Zorvian dam opened on Monday. " + body
        item = Entry("Dam opens", "https://l.example/1", None, text, NOW)
        await stories.store_entries(session, source.id, [item], NOW)
        hits, _ = await search_stories(session, parse_query("zorvian", NOW), limit=1)
    assert hits[0].snippet.startswith("…") and hits[0].snippet.endswith("…")
    assert f"{MARK_START}Zorvian{MARK_END}" in hits[0].snippet


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('greenland -"ice sheet"', ["EU prepares tariff retaliation over Greenland"]),
        ('kyiv -"power grid"', ["Kyiv without power after strikes"]),
        ('kyiv -"without power"', []),
        ("greenland source:europe-desk", ["Greenland ice sheet study"]),
        ("strikes since:2026-01-20T12:00", ["Kyiv without power after strikes"]),
        ("strikes since:2026-01-20T14:00", []),
    ],
)
async def test_excluded_phrases_and_precise_filters(archive: Database, query: str, expected: list[str]) -> None:
    assert await titles(archive, query) == expected


async def test_recent_above_old_when_relevance_is_close(db: Database) -> None:
    async with db.transaction() as session:
        source = (await sources.add_source(session, "https://r.example/rss", "Recency Wire", NOW)).id
        for index, (title, days) in enumerate([("Budget vote old", 300), ("Budget vote new", 1), ("Vote", 0)]):
            entry = Entry(title, f"https://r.example/{index}", None, "The budget passed.", NOW - timedelta(days=days))
            await stories.store_entries(session, source, [entry], NOW - timedelta(days=days))
    assert await titles(db, "budget") == ["Budget vote new", "Budget vote old", "Vote"]


async def test_a_story_from_several_sources_appears_once_with_each_source(archive: Database) -> None:
    async with archive.transaction() as session:
        wire = (await sources.add_source(session, "https://other.example/rss", "Other Wire", NOW)).id
        item = Entry("Kyiv without power after strikes", "https://n.example/2", None, "Strikes.", NOW)
        await stories.store_entries(session, wire, [item], NOW)
        hits, total = await search_stories(session, parse_query("kyiv", NOW))
    assert total == 1
    assert [link.source_name for link in hits[0].story.links] == ["Europe Desk", "Other Wire"]


async def test_count_is_capped_and_pages_are_consistent(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("storage.search.WINDOW", 4)
    monkeypatch.setattr("storage.search.RANKED", 2)
    async with db.transaction() as session:
        source = (await sources.add_source(session, "https://c.example/rss", "Count Wire", NOW)).id
        for index in range(6):
            title = "Report on trade" if index == 4 else f"Item {index}"
            moment = NOW - timedelta(hours=6 - index)
            entry = Entry(title, f"https://c.example/{index}", None, "A trade report.", moment)
            await stories.store_entries(session, source, [entry], NOW)
        pages = [await search_stories(session, parse_query("report", NOW), limit=1, offset=n) for n in range(5)]
    assert [total for _, total in pages] == [4, 4, 4, 4, 4]
    ids = [hits[0].story.id for hits, _ in pages[:4]]
    assert ids == [5, 6, 4, 3] and pages[4][0] == []


def test_benchmark_smoke_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bench = Path(__file__).resolve().parents[2] / "bench" / "search.py"
    data = bench.parents[2] / "shared" / "data"
    if not data.is_dir():
        pytest.skip("no benchmark data next to the project")
    spec = importlib.util.spec_from_file_location("bench_search", bench)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--sizes", "2000", "--cache", str(tmp_path), "--rounds", "1", "--no-pg"]) == 0
    table = capsys.readouterr().out
    assert "|     2,000 | SQLite repository" in table
    assert "SQLite raw, same stack" in table and "SQLite raw, sqlite3" in table
    ours = next(line for line in table.splitlines() if "SQLite repository" in line)
    p50, p95, ratios = [cell.strip() for cell in ours.split("|")[3:6]]
    stack = next(line for line in table.splitlines() if "SQLite raw, same stack" in line).split("|")[3:5]
    shown = [float(part.strip().rstrip("x")) for part in ratios.split("/")]
    divided = [float(p50) / float(stack[0]), float(p95) / float(stack[1])]  # from the table's rounded milliseconds
    assert shown == pytest.approx(divided, rel=0.05, abs=0.02), "ratios to the raw query through the same stack"


async def add_stories(db: Database, stories_: list[tuple[str, str, int]]) -> None:
    """Store (title, text, age in hours) stories from one source, oldest first."""
    async with db.transaction() as session:
        source = (await sources.add_source(session, "https://rel.example/rss", "Relevance Wire", NOW)).id
        for index, (title, text, hours) in enumerate(stories_):
            entry = Entry(title, f"https://rel.example/{index}", None, text, NOW - timedelta(hours=hours))
            await stories.store_entries(session, source, [entry], NOW)


FILLER = [(f"Markets update {n}", "The market moved on the day.", 30 + n) for n in range(8)]


@pytest.mark.parametrize(
    ("query", "stored", "expected"),
    [
        (  # a title hit above a body hit
            "harbour",
            [("Harbour reopens", "Ships return.", 2), ("Ships return", "The harbour reopens.", 1)],
            ["Harbour reopens", "Ships return"],
        ),
        (  # the rare term in the title beats the common one in the title
            "market tariff",
            [*FILLER, ("Tariff talks", "The market waits.", 2), ("Market talks", "A tariff waits.", 1)],
            ["Tariff talks", "Market talks"],
        ),
        (  # more of the query's terms in the title rank higher
            "budget vote",
            [("Budget vote today", "Parliament sits.", 2), ("Budget plan today", "A vote is due.", 1)],
            ["Budget vote today", "Budget plan today"],
        ),
        (  # at equal relevance the recent story first
            "ferry",
            [("Ferry strike", "Crews walk out.", 24 * 20), ("Ferry strike", "Crews walk out again.", 3)],
            ["Ferry strike", "Ferry strike"],
        ),
    ],
)
async def test_relevance_on_both_engines(
    db: Database, query: str, stored: list[tuple[str, str, int]], expected: list[str]
) -> None:
    await add_stories(db, stored)
    async with db.transaction() as session:
        hits, _ = await search_stories(session, parse_query(query, NOW), limit=10)
    assert [hit.story.title for hit in hits] == expected
    assert hits[0].score > hits[1].score
    if query == "ferry":
        assert hits[0].story.text == "Crews walk out again."


@pytest.mark.parametrize("exact_max", [150_000, 0])
async def test_sqlite_relevance_is_fts5_bm25(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, exact_max: int
) -> None:
    monkeypatch.setattr("news.query.RECENCY_WEIGHT", 0.0)
    monkeypatch.setattr("storage.search.EXACT_MAX", exact_max)
    await add_stories(sqlite_db, [*FILLER, ("Tariff talks on markets", "The market waits for tariffs.", 2),
                                  ("Market talks", "A tariff waits; tariff rates rise.", 1),
                                  ('"Prime minister" speaks', "The prime minister spoke on the market.", 3)])
    for text in ["market tariff", "market", '"prime minister" market', "tariffs", '"tariff talks" tariff talk']:
        match = fts5_match(parse_query(text, NOW))
        async with sqlite_db.transaction() as session:
            hits, _ = await search_stories(session, parse_query(text, NOW), limit=20)
            rows = await session.execute(sql_text(
                "SELECT rowid, -bm25(stories_fts, 10.0, 1.0) FROM stories_fts WHERE stories_fts MATCH :m"
            ), {"m": match})
        expected = dict(rows.all())
        assert {hit.story.id: pytest.approx(hit.score, rel=1e-9) for hit in hits} == expected


async def test_sqlite_extrapolates_common_terms(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("storage.search.DF_EXACT", 3)
    monkeypatch.setattr("storage.search.EXACT_MAX", 0)
    await add_stories(sqlite_db, [*FILLER, ("Tariff talks", "The market waits.", 2), ("Market talks", "A tariff.", 1)])
    assert await titles(sqlite_db, "market tariff") == ["Tariff talks", "Market talks"]
    assert _varints(b"\xbd\x84@\x05\x1c") == [1_000_000, 5, 28]


async def test_source_names_match_in_any_case_beyond_ascii(archive: Database) -> None:
    """SQL's lower() folds A-Z only on SQLite, and never 'ß' to 'ss': source: still finds such names."""
    async with archive.transaction() as session:
        source = await sources.add_source(session, "https://u.example/rss", "Überblick Wire", NOW)
        item = Entry("Strikes halt Zorvian trains", "https://u.example/1", None, "Rail strikes spread.", NOW)
        await stories.store_entries(session, source.id, [item], NOW)
        street = await sources.add_source(session, "https://s.example/rss", "Straße Post", NOW)
        item = Entry("Strikes close Zorvian roads", "https://s.example/1", None, "Road strikes spread.", NOW)
        await stories.store_entries(session, street.id, [item], NOW)
    for text in ("strikes source:überblick", "strikes source:ÜBERBLICK", 'strikes source:"überblick wire"'):
        assert await titles(archive, text) == ["Strikes halt Zorvian trains"]
    assert await titles(archive, "strikes source:uberblick") == []
    assert await titles(archive, "strikes source:strasse") == ["Strikes close Zorvian roads"]  # 'ß' folds to 'ss'
    assert await titles(archive, "strikes source:post-straße") == []  # the words in the name's order only



HIGHLIGHT_BODIES = [
    "The Prime Minister's budget: prime-minister talks, ministers and a minister.",
    "Tariffs rose; the tariff rate and TARIFF talks were tariffed. Café owners protested in Zürich and Zu\u0308rich.",
    "Generous generals generated general hopes: hoping, hoped, hopeful, happily, happiness, possibly, possible.",
    "Ölpreise steigen, oil prices rise: the price of oil and oil-price worries in the 1990s; 2,000 barrels, 3.5%.",
    "Technological and technology news; psychological ideology. U.S. troops, the US and IS; AS Roma; Ms Lee; 2s.",
    "Flights to İstanbul resumed; ISTANBUL and Istanbul. Straße, STRASSE; ﬁnance; Αθήνα; бой и мой; O'Neill's.",
    "ΣΟΦΟΣ σοφος; Markets🟢 open as markets rally 🟢; \u2066Putin\u2069 and Putin; 100₽ rouble; 5 µg; "
    "word \u0301 next.",
]
HIGHLIGHT_QUERIES = [
    "minister", '"prime minister"', "prime minister", "tariffs", "café", "zurich", "general", "hope", "happy",
    "possibly", "oil price", '"oil price"', "olpreise", "1990s", "technology", "psychology", "ideology", "US", "IS",
    "AS", "Ms", "2s", "İstanbul", "istanbul", "Straße", "finance", "Αθήνα", "бои", "мой", "O'Neill", "σοφος",
    "markets", "putin", "rouble", '"word next"', "µg",
]


async def test_python_highlight_marks_what_fts5_highlight_marks(sqlite_db: Database) -> None:
    """Small-archive snippets are marked in Python (news.highlight): the same words FTS5's highlight() marks."""
    await add_stories(sqlite_db, [(f"Body {n}", body, n) for n, body in enumerate(HIGHLIGHT_BODIES)])
    unmatched = []
    for text in HIGHLIGHT_QUERIES:
        query = parse_query(text, NOW)
        units = [unit_tokens(unit) for unit in match_units(query)]
        async with sqlite_db.transaction() as session:
            rows = await session.execute(sql_text(
                "SELECT highlight(stories_fts, 1, char(2), char(3)), s.text FROM stories_fts "
                "JOIN stories s ON s.id = stories_fts.rowid WHERE stories_fts MATCH :m"
            ), {"m": fts5_match(query)})
            marked = rows.all()
        unmatched += [] if marked else [text]
        for expected, body in marked:
            assert highlight(body, units) == expected, text
    assert unmatched == ["finance", "бои"]  # FTS5 keeps the ligature 'ﬁ' and 'й': those words do not match


async def test_index_stems_are_the_fts5_porter_tokenizers(sqlite_db: Database) -> None:
    """news.porter.index_stem against the terms FTS5 stores, word for word, over the seeds and tricky words."""
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    text = " ".join(path.read_text(encoding="utf-8") for path in sorted(seeds.rglob("*")) if path.is_file())
    text += " " + " ".join(HIGHLIGHT_BODIES) + " relational conditional valenci hesitanci digitizer conformabli"
    text += " radicalli differentli vileli analogousli vietnamization predication operator feudalism decisiveness"
    text += " hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative formalize electriciti"
    text += " electrical hopeful goodness revival allowance inference airliner gyroscopic adjustable defensible"
    text += " irritant replacement adjustment dependent adoption homologou communism activate angulariti homologous"
    text += " effective bowdlerize probate rate cease controll roll sses ies caresses ponies ties caress cats feed"
    text += " agreed plastered bled motoring sing conflated troubled sized hopping tanned falling hissing fizzed"
    text += " failing filing happy sky yyy ééé x"
    tokens = TOKEN.findall(text)
    async with sqlite_db.transaction() as session:
        await session.execute(sql_text("CREATE VIRTUAL TABLE temp.words USING fts5(w, "
                                       "tokenize='porter unicode61 remove_diacritics 2')"))
        await session.execute(sql_text("INSERT INTO temp.words (rowid, w) VALUES (1, :w)"), {"w": " ".join(tokens)})
        await session.execute(sql_text("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(temp, words, 'instance')"))
        stored = (await session.execute(sql_text("SELECT term FROM temp.terms ORDER BY offset"))).scalars().all()
    assert len(stored) == len(tokens) > 1000
    assert [index_stem(token) for token in tokens] == list(stored)


async def test_word_characters_are_the_fts5_tokenizers(sqlite_db: Database) -> None:
    """news.porter.TOKEN against the SQLite in use: every 61st code point, between two letters and alone."""
    points = [c for c in range(0x21, 0x110000, 61) if not 0xD800 <= c <= 0xDFFF]
    texts = [f"x{chr(c)}x {chr(c)}" for c in points]
    async with sqlite_db.transaction() as session:
        await session.execute(sql_text("CREATE VIRTUAL TABLE temp.probe USING fts5(w, "
                                       "tokenize='porter unicode61 remove_diacritics 2')"))
        await session.execute(sql_text("INSERT INTO temp.probe (rowid, w) VALUES (:id, :w)"),
                              [{"id": n, "w": text} for n, text in enumerate(texts, 1)])
        await session.execute(sql_text("CREATE VIRTUAL TABLE temp.found USING fts5vocab(temp, probe, 'instance')"))
        rows = (await session.execute(sql_text("SELECT doc, term FROM temp.found ORDER BY doc, offset"))).all()
    stored: dict[int, list[str]] = {}
    for doc, term in rows:
        stored.setdefault(doc, []).append(term)
    differ = [hex(c) for n, (c, text) in enumerate(zip(points, texts, strict=True), 1)
              if [index_stem(token) for token in TOKEN.findall(text)] != stored.get(n, [])]
    assert len(points) > 18_000 and differ == []


async def test_postgresql_connections_plan_each_statement_for_its_parameters(postgres_url: str) -> None:
    """A generic plan cannot see how common the words searched for are (storage.db sets this when connecting)."""
    database = Database(postgres_url)
    try:
        async with database.transaction() as session:
            mode = (await session.execute(sql_text("SHOW plan_cache_mode"))).scalar_one()
    finally:
        await database.dispose()
    assert mode == "force_custom_plan"
