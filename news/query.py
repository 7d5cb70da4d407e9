"""The search query language, parsed into a safe structure both database engines accept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

MAX_QUERY = 300
MAX_TERMS = 12
_WORD = re.compile(r"\w+(?:[-'’.]\w+)*", re.UNICODE)
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_RELATIVE = re.compile(r"^(\d{1,4})([hdwmy])$")
_UNITS = {"h": 1 / 24, "d": 1, "w": 7, "m": 30, "y": 365}
USAGE = (
    "/search <words> - words must all match; \"exact phrase\", -word to exclude, "
    "source:name, since:7d or since:2026-11-01, before:2026-11-20"
)


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

    @property
    def is_useful(self) -> bool:
        """A query must ask for something positive to be run."""
        return bool(self.terms or self.phrases)

    def describe(self) -> str:
        """The query in its canonical written form."""
        parts = list(self.terms) + [f'"{" ".join(p)}"' for p in self.phrases]
        parts += [f"-{word}" for word in self.excluded]
        if self.source:
            parts.append(f"source:{self.source}")
        if self.since:
            parts.append(f"since:{self.since:%Y-%m-%d}")
        if self.before:
            parts.append(f"before:{self.before:%Y-%m-%d}")
        return " ".join(parts)


def words(text: str) -> list[str]:
    """Lower-cased word tokens of free text; punctuation and operators are dropped."""
    return [match.group(0).lower() for match in _WORD.finditer(text)]


def parse_query(text: str, now: datetime) -> SearchQuery:
    """Parse user input into a SearchQuery; any input is accepted, odd parts are taken literally."""
    terms: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    filters: dict[str, object] = {}
    problems: list[str] = []
    for match in _TOKEN.finditer(text[:MAX_QUERY]):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if phrase is not None:
            target = excluded if negated else None
            phrase_words = tuple(words(phrase))
            if target is not None:
                excluded.extend(phrase_words)
            elif len(phrase_words) > 1:
                phrases.append(phrase_words)
            else:
                terms.extend(phrase_words)
        elif not _apply_filter(bare, now, filters, problems):
            tokens = words(bare)
            (excluded if bare.startswith("-") and len(bare) > 1 else terms).extend(tokens)
    return SearchQuery(
        terms=tuple(dict.fromkeys(terms))[:MAX_TERMS],
        phrases=tuple(phrases)[:MAX_TERMS],
        excluded=tuple(dict.fromkeys(excluded))[:MAX_TERMS],
        source=filters.get("source"),  # type: ignore[arg-type]
        since=filters.get("since"),  # type: ignore[arg-type]
        before=filters.get("before"),  # type: ignore[arg-type]
        problems=tuple(problems),
    )


def _apply_filter(token: str, now: datetime, filters: dict[str, object], problems: list[str]) -> bool:
    key, sep, value = token.partition(":")
    key = key.lower()
    if not sep or key not in ("source", "since", "before") or not value:
        return False
    if key == "source":
        filters["source"] = value.lower()[:100]
        return True
    moment = parse_moment(value, now)
    if moment is None:
        problems.append(f"'{token[:40]}' ignored: use {key}:7d or {key}:2026-11-01")
    else:
        filters[key] = moment
    return True


def parse_moment(value: str, now: datetime) -> datetime | None:
    """Read '7d', '12h', '2w' (relative to now) or 'YYYY-MM-DD' (UTC midnight); None if unreadable."""
    relative = _RELATIVE.match(value.lower())
    if relative:
        return now - timedelta(days=int(relative.group(1)) * _UNITS[relative.group(2)])
    try:
        day = datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return None
    return day.replace(tzinfo=UTC)


def fts5_match(query: SearchQuery) -> str:
    """An FTS5 MATCH expression with every token quoted, so no input is ever query syntax."""
    positive = [_quote(term) for term in query.terms]
    positive += [_quote(" ".join(phrase)) for phrase in query.phrases]
    expression = " AND ".join(positive)
    for word in query.excluded:
        expression = f"({expression}) NOT {_quote(word)}"
    return expression


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
