"""The search query parser: a table of ordinary and hostile inputs, canonical forms and FTS5 quoting."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from news.highlight import UnitCounter, highlight, mark_cuts, snippet, unit_tokens
from news.query import (
    EXCLUSIONS_NEED_A_WORD,
    FILTERS_NEED_A_WORD,
    MARK_END,
    MARK_START,
    MAX_TERMS,
    USAGE,
    Bm25,
    SearchQuery,
    fts5_match,
    parse_moment,
    parse_query,
    recency,
)

NOW = datetime(2026, 11, 20, 18, 30, 15, tzinfo=UTC)
WEEK_AGO = datetime(2026, 11, 13, 18, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tariffs", SearchQuery(terms=("tariffs",))),
        ("Kyiv  POWER", SearchQuery(terms=("kyiv", "power"))),
        ('"peace board" fee', SearchQuery(terms=("fee",), phrases=(("peace", "board"),))),
        ('"single"', SearchQuery(terms=("single",))),
        ("greenland -ice", SearchQuery(terms=("greenland",), excluded=("ice",))),
        ('greenland -"ice sheet"', SearchQuery(terms=("greenland",), excluded_phrases=(("ice", "sheet"),))),
        ("strikes source:Europe", SearchQuery(terms=("strikes",), source="europe")),
        ("strikes source:world-wire", SearchQuery(terms=("strikes",), source="world-wire")),
        ("x since:7d", SearchQuery(terms=("x",), since=WEEK_AGO)),
        ("x before:2026-11-01", SearchQuery(terms=("x",), before=datetime(2026, 11, 1, tzinfo=UTC))),
        ("x since:2026-11-13T18:30", SearchQuery(terms=("x",), since=WEEK_AGO)),
        ("kyiv kyiv KYIV", SearchQuery(terms=("kyiv",))),
        ("foo:bar", SearchQuery(terms=("foo", "bar"))),
        ('source:"Europe Desk" greenland', SearchQuery(terms=("greenland",), source="europe desk")),
        ("source:“Europe Desk” greenland", SearchQuery(terms=("greenland",), source="europe desk")),
        ("greenland source:«Europe  Desk»", SearchQuery(terms=("greenland",), source="europe desk")),
        ('greenland SOURCE:"Europe Desk', SearchQuery(terms=("greenland",), source="europe desk")),
        ("source:europe-desk greenland", SearchQuery(terms=("greenland",), source="europe-desk")),
        ('since:"7d" x', SearchQuery(terms=("x",), since=WEEK_AGO)),
        ('source:"" x', SearchQuery(terms=("source", "x"))),
        ('title:"a b"', SearchQuery(terms=("title", "a", "b"))),
        ("“peace board” fee", SearchQuery(terms=("fee",), phrases=(("peace", "board"),))),
        ("greenland -„ice sheet“", SearchQuery(terms=("greenland",), excluded_phrases=(("ice", "sheet"),))),
    ],
)
def test_parses_the_query_language(text: str, expected: SearchQuery) -> None:
    assert parse_query(text, NOW) == expected


HOSTILE = [
    '"unclosed quote', 'NEAR(kyiv power, 2)', "*", "kyi*", "'; DROP TABLE stories; --", "fox AND", "C++",
    "AND OR NOT", "🙂🙂 kyiv", "שלום עולם", "مرحبا بالعالم", "x" * 5000, "kyiv " * 1000, 'title:kyiv "a" OR -',
    "source:%_ strikes", "since:banana kyiv", "since:99999999d kyiv", "since:9999y kyiv",
    "before:2026-13-45 kyiv", "-", "--kyiv",
    '""', '-""', "\x00kyiv\x00", "kyiv\u202e", "^kyiv", "{title}: kyiv", "kyiv) OR (1=1", "col:kyiv",
    "<b>kyiv</b>", "&amp;", "\\", "'", '"', "\ud83d", "kyiv\n\nNOT power",
    'source:"a b" kyiv', 'source:"a b', 'source:" x', "source:“” kyiv", 'source:"%_ \'" kyiv', "kyiv source:a,b",
    'source:"' + "x " * 80 + '" kyiv', 'since:"" kyiv', '-source:"a b" kyiv', '“""”',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_parses_to_plain_data(text: str) -> None:
    query = parse_query(text, NOW)
    every = [*query.terms, *query.excluded, *(w for p in (*query.phrases, *query.excluded_phrases) for w in p)]
    assert all(word and all(ch.isalnum() or ch in "_-'’." for ch in word) for word in every)
    assert len(query.terms) <= MAX_TERMS and len(query.excluded) <= MAX_TERMS
    if query.is_useful:
        assert fts5_match(query).count('"') % 2 == 0
        assert parse_query(query.describe(), NOW) == replace(query, problems=())


@pytest.mark.parametrize("text", ["", "   ", "*", "🙂", "-kyiv", '""', "source:bbc", "since:7d", "+-*/", "NOT"])
def test_useless_queries_are_flagged(text: str) -> None:
    query = parse_query(text, NOW)
    assert not query.is_useful or query.terms == ("not",)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("fox AND", '"fox" AND "and"'),
        ("C++", '"c"'),
        ('say "hello world" -bye', '("say" AND "hello world") NOT "bye"'),
        ('a -"x y"', '("a") NOT "x y"'),
        ("don't", '"don\'t"'),
    ],
)
def test_fts5_expression_quotes_every_token(text: str, match: str) -> None:
    assert fts5_match(parse_query(text, NOW)) == match


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("source:world", FILTERS_NEED_A_WORD),
        ("since:7d", FILTERS_NEED_A_WORD),
        ("before:2026-11-01 source:world", FILTERS_NEED_A_WORD),
        ('source:"Europe Desk"', FILTERS_NEED_A_WORD),
        ("-kyiv source:world", FILTERS_NEED_A_WORD),
        ("-kyiv", EXCLUSIONS_NEED_A_WORD),
        ('-"ice sheet"', EXCLUSIONS_NEED_A_WORD),
        ("", USAGE),
        ("🙂", USAGE),
        ("since:banana", USAGE),
    ],
)
def test_a_query_without_words_says_what_is_missing(text: str, refusal: str) -> None:
    query = parse_query(text, NOW)
    assert not query.is_useful
    assert query.needs_word == (refusal != USAGE)
    assert query.refusal() == refusal


def test_filters_need_a_word_names_an_example_with_a_word() -> None:
    assert FILTERS_NEED_A_WORD == "Filters narrow a search: add at least one word, e.g. /search greenland source:world"
    assert not parse_query("greenland source:world", NOW).needs_word


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('greenland source:"Europe Desk"', 'greenland source:"europe desk"'),
        ("greenland source:“Europe Desk”", 'greenland source:"europe desk"'),
        ("greenland source:europe-desk", "greenland source:europe-desk"),
        ("greenland source:a,b", 'greenland source:"a b"'),
    ],
)
def test_multi_word_sources_are_written_back_quoted(text: str, written: str) -> None:
    query = parse_query(text, NOW)
    assert query.describe() == written
    assert parse_query(written, NOW) == query


def test_bad_filters_become_problems_not_errors() -> None:
    query = parse_query("kyiv since:banana source:%%", NOW)
    assert query.terms == ("kyiv",) and query.since is None and query.source is None
    assert len(query.problems) == 2


def test_relative_moments_round_to_the_minute_so_paging_repeats_the_same_query() -> None:
    query = parse_query("kyiv since:7d", NOW)
    assert query.describe() == "kyiv since:2026-11-13T18:30"
    assert parse_query(query.describe(), NOW + timedelta(days=3)) == query
    assert parse_moment("12h", NOW) == datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
    assert parse_moment("2026-02-30", NOW) is None


@pytest.mark.parametrize(
    ("highlighted", "expected"),
    [
        ("\x02Tariffs\x03 on \x02steel\x03 and \x02tariff\x03 talk", [2, 1, 0]),
        ("The \x02Prime Minister\x03 met the \x02prime minister\x03", [0, 0, 2]),
        ("no marks at all", [0, 0, 0]),
        ("\x02Steel\x03’s \x02STEELS\x03, \x02tariff\x03", [1, 2, 0]),
        ("\x02Prime ministers\x03 on \x02steel tariffs\x03", [1, 1, 1]),  # merged spans count each unit
    ],
)
def test_unit_counter_attributes_marked_spans(highlighted: str, expected: list[int]) -> None:
    units = [unit_tokens(unit) for unit in ("tariffs", "steel", "prime minister")]
    assert UnitCounter(units)(highlighted) == expected


def test_unit_counter_counts_a_word_inside_a_phrase_as_fts5_does() -> None:
    units = [unit_tokens(unit) for unit in ("oil", "oil prices")]
    assert UnitCounter(units)("\x02Oil prices\x03 rise as \x02oil\x03 demand grows") == [2, 1]


def test_bm25_prefers_rare_terms_titles_and_recent_stories() -> None:
    bm25 = Bm25(1000, 20.0, (10.0, 500.0))
    assert bm25.score([1, 0], [0, 1], 20) > bm25.score([0, 1], [1, 0], 20)
    assert bm25.score([1, 0], [0, 1], 20) > bm25.score([0, 0], [1, 1], 20)
    assert bm25.idf(900.0) == 1e-6
    assert recency(0) == 1.0 and recency(30) == 0.875 and recency(10**6) > 0.75


@pytest.mark.parametrize(
    ("highlighted", "size", "expected"),
    [
        ("short \x02prime minister\x03 text", 24, "short \x02prime minister\x03 text"),
        ("a b c d e f g h \x02prime minister\x03 i j k", 5, "…g h \x02prime minister\x03 i…"),
        ("a b \x02prime minister\x03 c d", 3, "a b \x02prime\x03…"),
        ("\x02prime minister\x03 a b c", 1, "\x02prime\x03…"),
        ("no hits here at all", 2, "no hits…"),
        ("", 24, ""),
    ],
)
def test_snippet_keeps_marks_balanced(highlighted: str, size: int, expected: str) -> None:
    assert snippet(highlighted, size) == expected


@pytest.mark.parametrize(
    ("highlighted", "size", "expected"),
    [
        # reaching the end of the text: its final punctuation stays, no ellipsis
        ("a b c \x02expected\x03 growth.", 4, "…b c \x02expected\x03 growth."),
        ("Markets rose on \x02expected\x03 growth.", 24, "Markets rose on \x02expected\x03 growth."),
        ("Is \x02growth\x03 back?!", 24, "Is \x02growth\x03 back?!"),
        ("a b c d \x02growth\x03", 3, "…c d \x02growth\x03"),
        ("a b c d \x02growth\x03.", 3, "…c d \x02growth\x03."),
        ("He said \x02“growth”\x03.", 24, "He said \x02“growth”\x03."),
        ("a b growth \x02expected\x03.  ", 24, "a b growth \x02expected\x03."),
        # starting at the text's start: its opening punctuation stays, no ellipsis
        ("“\x02Growth\x03 is back,” he said", 2, "“\x02Growth\x03 is…"),
        ("— \x02growth\x03 a b c d", 3, "— \x02growth\x03 a b…"),
        # cut in the middle: an ellipsis, even right after a sentence's end
        ("Analysts \x02expected\x03 growth. Prices fell.", 3, "Analysts \x02expected\x03 growth…"),
        ("a b c \x02expected\x03 growth. d e f", 4, "…b c \x02expected\x03 growth…"),
        ("a b c d e f g h i j k", 3, "a b c…"),
        # one token
        ("\x02growth\x03.", 24, "\x02growth\x03."),
        ("…", 24, ""),
    ],
)
def test_snippet_ends_with_an_ellipsis_only_where_the_text_is_cut(highlighted: str, size: int, expected: str) -> None:
    assert snippet(highlighted, size) == expected


@pytest.mark.parametrize(
    ("fragment", "text", "expected"),
    [
        ("\x02Greenland\x03 talks", "Greenland talks", "\x02Greenland\x03 talks"),
        ("met over \x02Greenland\x03", "EU ministers met over Greenland", "…met over \x02Greenland\x03"),
        ("\x02Greenland\x03 talks began", "Greenland talks began on Monday.", "\x02Greenland\x03 talks began…"),
        ("the  \x02Greenland\x03 talks", "In Brussels, the Greenland talks began.", "…the  \x02Greenland\x03 talks…"),
        ("", "Anything", ""),
    ],
)
def test_mark_cuts_shows_where_a_fragment_cuts_the_text(fragment: str, text: str, expected: str) -> None:
    assert mark_cuts(fragment, text) == expected



def test_unit_tokens_split_as_written() -> None:
    """Folding comes later, word by word (news.porter): 'İ' casefolded first would split 'İstanbul' in two."""
    assert unit_tokens("İstanbul flights") == ("İstanbul", "flights")
    assert unit_tokens("Prime-Minister's") == ("Prime", "Minister", "s")


@pytest.mark.parametrize(
    ("text", "units", "expected"),
    [
        ("Tariffs rose on tariff talks", ["tariff"], "[Tariffs] rose on [tariff] talks"),
        ("The prime minister and the minister", ["prime minister"], "The [prime minister] and the minister"),
        ("prime prime minister", ["prime minister"], "prime [prime minister]"),
        ("Hoping for hope", ["hope"], "[Hoping] for [hope]"),
        ("Zürich and ZURICH", ["zurich"], "[Zürich] and [ZURICH]"),
        ("oil, oil-price, oilprice", ["oil"], "[oil], [oil]-price, oilprice"),
        ("Technological change", ["technology"], "[Technological] change"),
        ("U.S. troops and the US", ["US"], "U.S. troops and the [US]"),
        ("Nothing here", ["tariff"], "Nothing here"),
        ("", ["tariff"], ""),
    ],
)
def test_highlight_marks_each_unit_as_the_index_stems_it(text: str, units: list[str], expected: str) -> None:
    marked = highlight(text, [unit_tokens(unit) for unit in units])
    assert marked.replace(MARK_START, "[").replace(MARK_END, "]") == expected
