"""The search query language, parsed into a safe structure both engines accept, and the engine-free ranking parts."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from news.nlp import TYPOGRAPHIC_QUOTES

# Sentinels around matched words in snippets: control characters no stored text contains (feeds are cleaned
# of them), escaped around and turned into <b> tags only when rendered.
MARK_START = "\x02"
MARK_END = "\x03"
MAX_QUERY = 300
MAX_TERMS = 12
MAX_COUNTED = 1000
_WORD = re.compile(r"\w+(?:[-'’.]\w+)*", re.UNICODE)
_TOKEN = re.compile(r'(-?)"([^"]*)"?|((?i:source|since|before):"[^"]*"?)|(\S+)')  # phrase, quoted filter, word
_QUOTES = str.maketrans(dict.fromkeys(TYPOGRAPHIC_QUOTES, '"'))
_RELATIVE = re.compile(r"^(\d{1,4})([hdwmy])$")
_UNITS = {"h": 1 / 24, "d": 1, "w": 7, "m": 30, "y": 365}
TITLE_WEIGHT = 10.0
BM25_K1 = 1.2
BM25_B = 0.75
RECENCY_WEIGHT = 0.25
RECENCY_DAYS = 30.0
QUERY_LANGUAGE = (
    'words must all match; "exact phrase", -word to exclude, '
    'source:name or source:"two words", since:7d or since:2026-11-01, before:2026-11-20'
)
USAGE = f"/search <words> - {QUERY_LANGUAGE}"
_FILTERS_ALONE = "Filters narrow a search: add at least one word, e.g. {search} greenland source:world"
_EXCLUSIONS_ALONE = "-word leaves a word out: add at least one word to look for, e.g. {search} greenland -ice"
FILTERS_NEED_A_WORD = _FILTERS_ALONE.format(search="/search")
EXCLUSIONS_NEED_A_WORD = _EXCLUSIONS_ALONE.format(search="/search")


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed query: every field is plain data, never query syntax."""

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()
    source: str | None = None
    since: datetime | None = None
    before: datetime | None = None
    problems: tuple[str, ...] = field(default=())
    excluded_phrases: tuple[tuple[str, ...], ...] = ()
    now: datetime | None = field(default=None, compare=False)

    @property
    def is_useful(self) -> bool:
        """A query must ask for something positive to be run."""
        return bool(self.terms or self.phrases)

    @property
    def needs_word(self) -> bool:
        """Filters or exclusions were given without a word or phrase to look for."""
        narrowing = self.source or self.since or self.before or self.excluded or self.excluded_phrases
        return not self.is_useful and bool(narrowing)

    def refusal(self, search: str = "/search") -> str:
        """What to tell the user of a query that is not useful: a word is missing (the example retyped with the
        ``search`` command the user knows), or the bot's usage line."""
        if not self.needs_word:
            return USAGE
        return (_FILTERS_ALONE if self.source or self.since or self.before else _EXCLUSIONS_ALONE).format(search=search)

    def describe(self) -> str:
        """The query in its canonical written form."""
        parts = list(self.terms) + [f'"{" ".join(p)}"' for p in self.phrases]
        parts += [f"-{word}" for word in self.excluded]
        parts += [f'-"{" ".join(phrase)}"' for phrase in self.excluded_phrases]
        if self.source:
            parts.append(f'source:"{self.source}"' if " " in self.source else f"source:{self.source}")
        for name, moment in (("since", self.since), ("before", self.before)):
            if moment is not None:
                parts.append(f"{name}:{_written(moment)}")
        return " ".join(parts)


def _written(moment: datetime) -> str:
    """A moment as parse_moment reads it back exactly: a day, or a day and minute."""
    return f"{moment:%Y-%m-%d}" if (moment.hour, moment.minute) == (0, 0) else f"{moment:%Y-%m-%dT%H:%M}"


def words(text: str) -> list[str]:
    """Lower-cased word tokens of free text; punctuation and operators are dropped."""
    return [match.group(0).lower() for match in _WORD.finditer(text)]


def parse_query(text: str, now: datetime) -> SearchQuery:
    """Parse user input into a SearchQuery; any input is accepted, odd parts are taken literally, and what is left
    out (a bad or repeated filter, words beyond MAX_TERMS, text beyond MAX_QUERY) is named in `problems`."""
    terms: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    excluded_phrases: list[tuple[str, ...]] = []
    filters: dict[str, object] = {}
    given: dict[str, str] = {}
    problems: list[str] = []
    for match in _TOKEN.finditer(text[:MAX_QUERY].translate(_QUOTES)):
        negated, phrase, quoted_filter, bare = match.groups()
        if phrase is not None:
            phrase_words = tuple(words(phrase))
            if len(phrase_words) > 1:
                (excluded_phrases if negated else phrases).append(phrase_words)
            else:
                (excluded if negated else terms).extend(phrase_words)
        elif quoted_filter is not None:
            if not _apply_filter(quoted_filter.replace('"', ""), now, filters, given, problems):
                terms.extend(words(quoted_filter))
        elif not _apply_filter(bare, now, filters, given, problems):
            tokens = words(bare)
            (excluded if bare.startswith("-") and len(bare) > 1 else terms).extend(tokens)
    unique_terms, unique_excluded = tuple(dict.fromkeys(terms)), tuple(dict.fromkeys(excluded))
    unique_excluded_phrases = tuple(dict.fromkeys(excluded_phrases))
    for kept, written, what in (
        (unique_terms, list(unique_terms), "words"),
        (tuple(phrases), [f'"{" ".join(p)}"' for p in phrases], "phrases"),
        (unique_excluded, [f"-{word}" for word in unique_excluded], "words left out"),
        (unique_excluded_phrases, [f'-"{" ".join(p)}"' for p in unique_excluded_phrases], "phrases left out"),
    ):
        if len(kept) > MAX_TERMS:
            problems.append(f"'{_shown(' '.join(written[MAX_TERMS:]))}' ignored: at most {MAX_TERMS} {what}")
    if len(text) > MAX_QUERY:
        rest = _shown(text[MAX_QUERY:].strip())
        problems.append(f"'{rest}' ignored: a search reads its first {MAX_QUERY} characters")
    return SearchQuery(
        terms=unique_terms[:MAX_TERMS],
        phrases=tuple(phrases)[:MAX_TERMS],
        excluded=unique_excluded[:MAX_TERMS],
        source=filters.get("source"),  # type: ignore[arg-type]
        since=filters.get("since"),  # type: ignore[arg-type]
        before=filters.get("before"),  # type: ignore[arg-type]
        problems=tuple(problems),
        excluded_phrases=unique_excluded_phrases[:MAX_TERMS],
        now=now,
    )


def _shown(text: str, limit: int = 40) -> str:
    """Part of the input quoted back in a problem, cut with '…' when long."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _apply_filter(
    token: str, now: datetime, filters: dict[str, object], given: dict[str, str], problems: list[str]
) -> bool:
    """Read a source:, since: or before: token into `filters` (a later one replaces an earlier one, which is named
    in `problems`); False when the token is no filter."""
    key, sep, value = token.partition(":")
    key = key.lower()
    if not sep or key not in ("source", "since", "before") or not value:
        return False
    if key == "source":
        name = " ".join(words(value))[:100].strip()
        parsed: object = name or None
        advice = "use source:name"
    else:
        parsed = parse_moment(value, now)
        advice = f"use {key}:7d or {key}:2026-11-01"
    if parsed is None:
        problems.append(f"'{token[:40]}' ignored: {advice}")
        return True
    if key in given:
        problems.append(f"'{given[key][:40]}' ignored: one {key}: per search, and the last one counts")
    filters[key], given[key] = parsed, token
    return True


def parse_moment(value: str, now: datetime) -> datetime | None:
    """Read '7d', '12h', '2w' (relative to now, to the minute), 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM' (UTC)."""
    relative = _RELATIVE.match(value.lower())
    if relative:
        try:
            moment = now - timedelta(days=int(relative.group(1)) * _UNITS[relative.group(2)])
        except OverflowError:
            return None
        return moment.astimezone(UTC).replace(second=0, microsecond=0)
    for pattern in ("%Y-%m-%d", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def fts5_match(query: SearchQuery) -> str:
    """An FTS5 MATCH expression with every token quoted, so no input is ever query syntax."""
    positive = [_quote(term) for term in query.terms]
    positive += [_quote(" ".join(phrase)) for phrase in query.phrases]
    expression = " AND ".join(positive)
    for excluded in [*query.excluded, *(" ".join(phrase) for phrase in query.excluded_phrases)]:
        expression = f"({expression}) NOT {_quote(excluded)}"
    return expression


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def match_units(query: SearchQuery) -> list[str]:
    """The positive phrases of fts5_match, in its order: each term, then each phrase."""
    return [*query.terms, *(" ".join(phrase) for phrase in query.phrases)]


@dataclass(frozen=True, slots=True)
class Bm25:
    """FTS5's bm25 (k1 1.2, b 0.75) with titles weighted TITLE_WEIGHT: corpus size, mean length, unit counts."""

    rows: int
    mean_length: float
    document_frequencies: tuple[float, ...]
    idfs: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "idfs", tuple(self.idf(frequency) for frequency in self.document_frequencies))

    def idf(self, frequency: float) -> float:
        """Inverse document frequency, floored at 1e-6 as FTS5 floors it."""
        idf = math.log((self.rows - frequency + 0.5) / (frequency + 0.5)) if self.rows else 0.0
        return idf if idf > 0 else 1e-6

    def score(self, title: Sequence[int], body: Sequence[int], length: int) -> float:
        """Relevance of one row from its per-unit occurrences in title and body and its length in tokens."""
        norm = BM25_K1 * (1 - BM25_B + BM25_B * length / (self.mean_length or 1.0))
        total = 0.0
        for idf, in_title, in_body in zip(self.idfs, title, body, strict=True):
            weighted = TITLE_WEIGHT * in_title + in_body
            total += idf * weighted * (BM25_K1 + 1) / (weighted + norm)
        return total


def recency(age_days: float) -> float:
    """A mild factor for age: 1.0 now, 0.875 at RECENCY_DAYS, never below 1 - RECENCY_WEIGHT."""
    age = max(0.0, age_days)
    return 1.0 - RECENCY_WEIGHT * age / (age + RECENCY_DAYS)
