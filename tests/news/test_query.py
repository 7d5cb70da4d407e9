"""news.query: the search language, and FTS5 expressions no input can turn into query syntax."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from news.query import MAX_QUERY, MAX_TERMS, SearchQuery, fts5_match, parse_moment, parse_query, words

NOW = datetime(2026, 1, 20, 18, 0, tzinfo=UTC)
_QUOTED = re.compile(r'"(?:[^"]|"")*"')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kyiv power", SearchQuery(terms=("kyiv", "power"))),
        ("Kyiv POWER kyiv", SearchQuery(terms=("kyiv", "power"))),
        ('"board of peace"', SearchQuery(phrases=(("board", "of", "peace"),))),
        ('"single"', SearchQuery(terms=("single",))),
        ('kyiv "board of peace"', SearchQuery(terms=("kyiv",), phrases=(("board", "of", "peace"),))),
        ("tariffs -greenland", SearchQuery(terms=("tariffs",), excluded=("greenland",))),
        ('kyiv -"board of peace"', SearchQuery(terms=("kyiv",), excluded_phrases=(("board", "of", "peace"),))),
        ('kyiv -"peace"', SearchQuery(terms=("kyiv",), excluded=("peace",))),
        ("source:WorldWire kyiv", SearchQuery(terms=("kyiv",), source="worldwire")),
        ("SOURCE:Briefs kyiv", SearchQuery(terms=("kyiv",), source="briefs")),
        ("since:7d kyiv", SearchQuery(terms=("kyiv",), since=NOW - timedelta(days=7))),
        ("since:12h kyiv", SearchQuery(terms=("kyiv",), since=NOW - timedelta(hours=12))),
        ("since:2w kyiv", SearchQuery(terms=("kyiv",), since=NOW - timedelta(days=14))),
        ("since:2026-11-01 kyiv", SearchQuery(terms=("kyiv",), since=datetime(2026, 11, 1, tzinfo=UTC))),
        ("before:2026-11-20 kyiv", SearchQuery(terms=("kyiv",), before=datetime(2026, 11, 20, tzinfo=UTC))),
        (
            "since:2026-01-01 before:2026-01-15 x",
            SearchQuery(terms=("x",), since=datetime(2026, 1, 1, tzinfo=UTC), before=datetime(2026, 1, 15, tzinfo=UTC)),
        ),
        ("source: x", SearchQuery(terms=("source", "x"))),
        ("title:fox", SearchQuery(terms=("title", "fox"))),
        ("counter-tariffs", SearchQuery(terms=("counter-tariffs",))),
        ("don't", SearchQuery(terms=("don't",))),
        ("naïve café", SearchQuery(terms=("naïve", "café"))),
        ("-x", SearchQuery(excluded=("x",))),
        ("", SearchQuery()),
    ],
)
def test_parse_query(text: str, expected: SearchQuery) -> None:
    assert parse_query(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("since:yesterday kyiv", "'since:yesterday' ignored: use since:7d or since:2026-11-01"),
        ("since:2026-13-01 kyiv", "'since:2026-13-01' ignored"),
        ("before:7x kyiv", "'before:7x' ignored: use before:7d or before:2026-11-01"),
        ("since:99999d kyiv", "'since:99999d' ignored"),
        ("source:!!! kyiv", "'source:!!!' ignored: use source:name"),
    ],
)
def test_bad_filter_values_are_recorded_in_problems(text: str, problem: str) -> None:
    query = parse_query(text, NOW)
    assert query.terms == ("kyiv",)
    assert query.since is None and query.before is None and query.source is None
    assert len(query.problems) == 1 and query.problems[0].startswith(problem)


THIRTEEN = " ".join(f"w{n}" for n in range(MAX_TERMS + 1))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (THIRTEEN, f"'w{MAX_TERMS}' ignored: at most {MAX_TERMS} words"),
        ("kyiv " + " ".join(f"-x{n}" for n in range(MAX_TERMS + 2)), "'-x12 -x13' ignored: at most 12 words left out"),
        (" ".join(f'"a{n} b"' for n in range(MAX_TERMS + 1)), "'\"a12 b\"' ignored: at most 12 phrases"),
        ("kyiv " + " ".join(f'-"a{n} b"' for n in range(MAX_TERMS + 1)), "'-\"a12 b\"' ignored: at most 12 phrases"),
        ("kyiv source:wire source:desk", "'source:wire' ignored: one source: per search, and the last one counts"),
        ("kyiv since:7d since:2026-01-01", "'since:7d' ignored: one since: per search, and the last one counts"),
        ("kyiv before:1d BEFORE:2d", "'before:1d' ignored: one before: per search"),
        ("kyiv " + "x" * MAX_QUERY + " power", f"'xxxxx power' ignored: a search reads its first {MAX_QUERY}"),
        ("kyiv " * 100, f"'kyiv kyiv kyiv kyiv kyiv kyiv kyiv kyiv…' ignored: a search reads its first {MAX_QUERY}"),
    ],
)
def test_what_a_query_leaves_out_is_named_in_problems(text: str, problem: str) -> None:
    query = parse_query(text, NOW)
    assert len(query.problems) == 1 and query.problems[0].startswith(problem)
    assert parse_query(query.describe(), NOW).problems == ()


def test_a_query_within_the_limits_has_no_problems() -> None:
    text = " ".join(f"w{n} -x{n}" for n in range(MAX_TERMS)) + " source:wire since:7d"
    assert parse_query(text, NOW).problems == ()
    assert parse_query("kyiv " + "x" * (MAX_QUERY - 5), NOW).problems == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7d", NOW - timedelta(days=7)),
        ("7D", NOW - timedelta(days=7)),
        ("0d", NOW),
        ("1m", NOW - timedelta(days=30)),
        ("1y", NOW - timedelta(days=365)),
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T06:30", datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
        ("2026-02-30", None),
        ("7", None),
        ("d", None),
        ("-7d", None),
        ("", None),
    ],
)
def test_parse_moment(value: str, expected: datetime | None) -> None:
    assert parse_moment(value, NOW) == expected


def test_limits() -> None:
    query = parse_query(" ".join(f"w{i}" for i in range(50)), NOW)
    assert len(query.terms) == MAX_TERMS
    assert parse_query("a " * MAX_QUERY + "zebra", NOW).terms == ("a",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Hello, World!", ["hello", "world"]), ("e.g. U.S.", ["e.g", "u.s"]), ("C++ & AT&T", ["c", "at", "t"])],
)
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_describe_round_trip() -> None:
    query = parse_query('Kyiv "board of peace" -greenland source:wire since:2026-01-01 before:2026-01-15', NOW)
    assert query.describe() == 'kyiv "board of peace" -greenland source:wire since:2026-01-01 before:2026-01-15'
    assert parse_query(query.describe(), NOW) == query


# ---------------------------------------------------------------- hostile input and FTS5

HOSTILE = [
    'unclosed "quote here',
    '"',
    '""',
    'a"b',
    "NEAR(",
    "fox NEAR/3 dog",
    "*",
    "fox*",
    "^fox",
    "+fox",
    "'; DROP TABLE stories; --",
    "🙂🙂",
    "kyiv 🙂 power",
    "x" * 5000,
    "word " * 1000,
    "مرحبا بالعالم",
    "שלום עולם",
    "AND OR NOT",
    "NOT",
    "C++",
    "fox AND",
    "fox OR",
    "(fox)",
    "{title text}: fox",
    "title:fox",
    "fox -fox",
    "-",
    "- fox",
    "--",
    "-\"a b\" c",
    "a\x00b",
    "\u200b",
    "İstanbul",
    "\\",
    "' OR 1=1 --",
    "since:",
    "before:",
    "source:",
    "since:9999w kyiv",
    '"a" "b" "c"',
    "%_%",
]


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize='porter unicode61 remove_diacritics 2')"
    )
    connection.executemany(
        "INSERT INTO t (title, text) VALUES (?, ?)",
        [
            ("EU weighs counter-tariff", "Ministers discussed a tariff on Tuesday"),
            ("Kyiv without power", "Drones hit energy facilities"),
            ("Board of peace", "A fee of one billion dollars"),
            ("Café naïve", "مرحبا بالعالم and שלום עולם"),
        ],
    )
    yield connection
    connection.close()


def _match(connection: sqlite3.Connection, expression: str) -> list[str]:
    return [row[0] for row in connection.execute("SELECT title FROM t WHERE t MATCH ? ORDER BY rowid", (expression,))]


@pytest.mark.parametrize("text", HOSTILE, ids=[repr(text[:20]) for text in HOSTILE])
def test_hostile_input_is_always_quoted(text: str, fts: sqlite3.Connection) -> None:
    query = parse_query(text, NOW)
    expression = fts5_match(query)
    # every token is a quoted string: outside quotes only parentheses and the operators we put there remain
    outside = _QUOTED.sub(" ", expression)
    assert re.fullmatch(r"(?:\s|\(|\)|AND|NOT)*", outside)
    if query.is_useful:
        _match(fts, expression)  # must not raise sqlite3.OperationalError


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("tariffs", ["EU weighs counter-tariff"]),
        ("tariff", ["EU weighs counter-tariff"]),
        ("TARIFFS -greenland", ["EU weighs counter-tariff"]),
        ("tariffs -ministers", []),
        ('"board of peace"', ["Board of peace"]),
        ('"peace of board"', []),
        ("kyiv power", ["Kyiv without power"]),
        ("kyiv -power", []),
        ("cafe naive", ["Café naïve"]),
        ("مرحبا", ["Café naïve"]),
        ("counter-tariffs", ["EU weighs counter-tariff"]),
        ("AND OR NOT", []),
        ("'; DROP TABLE stories; --", []),
    ],
)
def test_fts5_matches(text: str, titles: list[str], fts: sqlite3.Connection) -> None:
    assert _match(fts, fts5_match(parse_query(text, NOW))) == titles


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (SearchQuery(terms=("kyiv", "power")), '"kyiv" AND "power"'),
        (SearchQuery(phrases=(("board", "of", "peace"),)), '"board of peace"'),
        (SearchQuery(terms=("a",), excluded=("b", "c")), '(("a") NOT "b") NOT "c"'),
        (SearchQuery(terms=("a",), excluded_phrases=(("b", "c"),)), '("a") NOT "b c"'),
        (SearchQuery(terms=('say "hi"',)), '"say ""hi"""'),
    ],
)
def test_fts5_match_expressions(query: SearchQuery, expected: str) -> None:
    assert fts5_match(query) == expected


@pytest.mark.parametrize("text", ["since:9999y kyiv", "before:9000y kyiv"])
def test_huge_relative_filter_never_raises(text: str) -> None:
    query = parse_query(text, NOW)
    assert query.terms == ("kyiv",)
    assert query.problems
