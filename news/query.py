"""The search query language, parsed into a safe structure both database engines accept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

MAX_QUERY = 300
MAX_TERMS = 12
MAX_COUNTED = 1000
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
    excluded_phrases: tuple[tuple[str, ...], ...] = ()
    now: datetime | None = field(default=None, compare=False)

    @property
    def is_useful(self) -> bool:
        """A query must ask for something positive to be run."""
        return bool(self.terms or self.phrases)

    def describe(self) -> str:
        """The query in its canonical written form."""
        parts = list(self.terms) + [f'"{" ".join(p)}"' for p in self.phrases]
        parts += [f"-{word}" for word in self.excluded]
        parts += [f'-"{" ".join(phrase)}"' for phrase in self.excluded_phrases]
        if self.source:
            parts.append(f"source:{self.source.replace(' ', '-')}")
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
    """Parse user input into a SearchQuery; any input is accepted, odd parts are taken literally."""
    terms: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    excluded_phrases: list[tuple[str, ...]] = []
    filters: dict[str, object] = {}
    problems: list[str] = []
    for match in _TOKEN.finditer(text[:MAX_QUERY]):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if phrase is not None:
            phrase_words = tuple(words(phrase))
            if len(phrase_words) > 1:
                (excluded_phrases if negated else phrases).append(phrase_words)
            else:
                (excluded if negated else terms).extend(phrase_words)
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
        excluded_phrases=tuple(dict.fromkeys(excluded_phrases))[:MAX_TERMS],
        now=now,
    )


def _apply_filter(token: str, now: datetime, filters: dict[str, object], problems: list[str]) -> bool:
    key, sep, value = token.partition(":")
    key = key.lower()
    if not sep or key not in ("source", "since", "before") or not value:
        return False
    if key == "source":
        name = " ".join(words(value))[:100]
        if name:
            filters["source"] = name
        else:
            problems.append(f"'{token[:40]}' ignored: use source:name")
        return True
    moment = parse_moment(value, now)
    if moment is None:
        problems.append(f"'{token[:40]}' ignored: use {key}:7d or {key}:2026-11-01")
    else:
        filters[key] = moment
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
