"""Matched words in a story's text: marked as FTS5's highlight() marks them, counted, and cut into snippets."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence

from news.porter import ASCII_WORD, TOKEN, index_stem, tokenizer
from news.query import MARK_END, MARK_START


def unit_tokens(unit: str) -> tuple[str, ...]:
    """A unit split as the index tokenizer splits it (letters and digits, accents kept with their letter)."""
    return tuple(TOKEN.findall(unit))


def highlight(text: str, units: Sequence[tuple[str, ...]]) -> str:
    """``text`` with each occurrence of a unit (a word, or words in a row) between MARK_START and MARK_END, as
    FTS5's highlight() marks a match.

    Only words that begin as a unit's first stem does, less its last letter, are stemmed (a Porter stem differs from
    its word in the last letter at most), so an ASCII body costs one regular-expression scan."""
    wanted = [tuple(index_stem(word) for word in unit) for unit in units if unit]
    if not wanted:
        return text
    spans: list[tuple[int, int]] = []
    for found in _candidates(text, frozenset(unit[0] for unit in wanted)):
        stem = index_stem(found.group())
        for unit in wanted:
            end = _unit_end(text, found, unit) if unit[0] == stem else None
            if end is not None:
                spans.append((found.start(), end))
    return _marked(text, spans)


def _candidates(text: str, stems: frozenset[str]) -> Iterator[re.Match[str]]:
    """The words of ``text`` that may stem to one of ``stems``: by prefix, or every word of a text beyond ASCII."""
    return _prefixed(stems).finditer(text) if text.isascii() else TOKEN.finditer(text)


@functools.lru_cache(maxsize=256)
def _prefixed(stems: frozenset[str]) -> re.Pattern[str]:
    """Whole words that begin with one of the stems less its last letter, in any case."""
    prefixes = sorted({stem[: max(1, len(stem) - 1)] for stem in stems}, key=len, reverse=True)
    alternatives = "|".join(map(re.escape, prefixes))
    return re.compile(f"(?<![{ASCII_WORD}])(?:{alternatives})[{ASCII_WORD}]*", re.IGNORECASE)


def _unit_end(text: str, first: re.Match[str], unit: tuple[str, ...]) -> int | None:
    """Where a unit whose first word is ``first`` ends, when its other words follow it in ``text``; else None."""
    end = first.end()
    for word in unit[1:]:
        following = tokenizer(text).search(text, end)
        if following is None or index_stem(following.group()) != word:
            return None
        end = following.end()
    return end


def _marked(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with overlapping spans merged and each merged span marked."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, last = [], 0
    for start, end in merged:
        parts += [text[last:start], MARK_START, text[start:end], MARK_END]
        last = end
    return "".join([*parts, text[last:]])


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
                found = self._spans[span] = self._occurrences(tokenizer(span).findall(span))
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
    tokens = [match.span() for match in tokenizer(highlighted).finditer(highlighted)]
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
