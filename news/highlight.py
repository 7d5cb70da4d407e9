"""Matched words in highlighted text (FTS5's highlight(), PostgreSQL's ts_headline): counted, and cut into snippets."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

import snowballstemmer

from news.query import MARK_END, MARK_START

_INDEX_TOKEN = re.compile(r"[^\W_]+")
_PORTER = snowballstemmer.stemmer("porter")  # the original Porter algorithm, as FTS5's porter tokenizer


def unit_tokens(unit: str) -> tuple[str, ...]:
    """A unit split as the index tokenizer splits it (letters and digits; case folded)."""
    return tuple(token.casefold() for token in _INDEX_TOKEN.findall(unit))  # split first: 'İ' folds to 2 chars


@functools.lru_cache(maxsize=65_536)
def index_stem(token: str) -> str:
    """One token as the index holds it: case folded, diacritics removed (remove_diacritics 2), Porter-stemmed."""
    return str(_PORTER.stemWord(_fold(token)))


def _fold(token: str) -> str:
    """Case folded, with the combining marks of accented letters dropped."""
    folded = token.casefold()
    if folded.isascii():
        return folded
    return "".join(char for char in unicodedata.normalize("NFD", folded) if not unicodedata.combining(char))


class UnitCounter:
    """Counts each unit's occurrences in highlighted columns as FTS5 counts phrase hits: every marked position where
    the unit's words follow each other (Porter stems, as the index has them), overlapping hits included."""

    def __init__(self, units: Sequence[tuple[str, ...]]) -> None:
        self.units = [tuple(index_stem(word) for word in unit) for unit in units]
        self._spans: dict[str, list[int]] = {}

    def __call__(self, highlighted: str) -> list[int]:
        """Occurrences of each unit in one highlight()ed column."""
        counts = [0] * len(self.units)
        for part in highlighted.split(MARK_START)[1:]:
            span = part.split(MARK_END, 1)[0]
            found = self._spans.get(span)
            if found is None:
                found = self._spans[span] = self._occurrences(_INDEX_TOKEN.findall(span))
            for index, occurrences in enumerate(found):
                counts[index] += occurrences
        return counts

    def _occurrences(self, tokens: list[str]) -> list[int]:
        """How often each unit occurs in a marked span's tokens."""
        stems = tuple(index_stem(token) for token in tokens)
        return [
            sum(stems[start : start + len(unit)] == unit for start in range(len(stems) - len(unit) + 1)) if unit else 0
            for unit in self.units
        ]


def snippet(highlighted: str, size: int = 24, ellipsis: str = "…") -> str:
    """`size` tokens around a highlighted text's most marked stretch, marks balanced, "…" where the text is cut."""
    tokens = [(match.start(), match.end()) for match in _INDEX_TOKEN.finditer(highlighted)]
    if not tokens:
        return ""
    hits = [index for index, (start, _) in enumerate(tokens) if start and highlighted[start - 1] == MARK_START]
    first = max((max(0, hit - 2) for hit in hits), key=lambda f: (sum(f <= h < f + size for h in hits), -f), default=0)
    first = max(0, min(first, len(tokens) - size))
    last = min(len(tokens), first + size)
    left = tokens[first][0] if first else 0  # the text's start and end come with their punctuation
    right = tokens[last - 1][1] if last < len(tokens) else len(highlighted)
    left -= left > 0 and highlighted[left - 1] == MARK_START
    right += right < len(highlighted) and highlighted[right] == MARK_END
    piece = highlighted[left:right].strip()
    if MARK_END in piece and not -1 < piece.find(MARK_START) < piece.find(MARK_END):
        piece = MARK_START + piece
    if piece.count(MARK_START) > piece.count(MARK_END):
        piece += MARK_END
    return (ellipsis if first else "") + piece + (ellipsis if last < len(tokens) else "")


def mark_cuts(fragment: str, text: str, ellipsis: str = "…") -> str:
    """A highlighted fragment of ``text`` (as PostgreSQL's ts_headline cuts one) with "…" where it cuts the text."""
    plain = " ".join(fragment.replace(MARK_START, "").replace(MARK_END, "").split())
    whole = " ".join(text.split())
    if not plain:
        return fragment
    head = ellipsis if not whole.startswith(plain[:40]) else ""
    return head + fragment.strip() + (ellipsis if not whole.endswith(plain[-40:]) else "")
