"""Light sentence compression for group summaries: datelines, attributions and asides that can go."""

from __future__ import annotations

import re
from collections.abc import Callable

from news._datelines import strip_dateline
from news.nlp import words

__all__ = ["balance_quotes", "strip_dateline", "variants"]

_END = r"(?=[.!?][\"”]?$)"  # the sentence's final punctuation
_PAREN = re.compile(r"\s*\([^()]{1,80}\)")
_ATTR_TAIL = re.compile(
    r",\s+(?:according to [^,;]{3,120}|(?:[A-Z][\w.'’-]*\s){1,5}?(?:said|says|reported|told [^,;]{1,60})"
    r"(?: on \w+)?|(?:he|she|they|officials|police|authorities) (?:said|say|says))\s*" + _END
)
_CLAUSE_TAIL = re.compile(r",\s+(?:([a-z]+ing)|which|who|a move|an? [a-z]+ that)\b[^;]{8,}?" + _END)
_LIST_ITEM = re.compile(r",\s+\w+(?:\s\w+)?$")  # "..., education" just before: the comma is a list's
_NOUNS_IN_ING = frozenset({"housing", "funding", "spending", "training", "meeting", "building", "hearing", "ruling",
                           "warning", "shooting", "bombing", "briefing", "clothing", "lending", "morning", "evening",
                           "nothing", "something", "everything", "anything", "thing", "king", "ring", "wing", "string",
                           "spring", "bring", "polling", "landing", "offering", "setting", "wedding", "ceiling"})
_LEAD_CONNECTIVE = re.compile(r"^(?:But|And|However|Meanwhile|Still|Yet|Also|Now),?\s+(?=\w)")
_DASH_TAIL = re.compile(r"\s+(?:—|–|--|-)\s+[^—–]{8,}?" + _END)
_DASH_ASIDE = re.compile(r"\s+(?:—|–|--)\s+[^—–]{3,80}\s+(?:—|–|--)(?=\s)")
_LEAD_PHRASE = re.compile(
    r"^(?:On|In|During|After|Before|Following|Amid|Despite|According to|Earlier|Late|Last|Weeks|Days|Hours"
    r"|Months|Two|Three|For|At|Under|With|Since)\b[^,;\"“”]{2,70},\s+(?=[A-Z\"“])"
)
_OPENS_AFTER = " \t([{—–-:/"  # a straight '"' after one of these (or first) opens a quotation
_QUOTES = ('"', "“", "”")  # double quotation marks (single ones double as apostrophes)
_MIN_WORDS = 6  # a compressed sentence must keep at least this many words


def balance_quotes(sentence: str) -> str:
    """Mend the quotation marks a sentence cut from its story leaves unmatched: a closing mark at the very end
    (its opening was cut away) goes, another one gets an opening mark before the sentence (the quote began in
    an earlier sentence), and an opening mark never closed is closed at the end. Inch marks (65") are not quotes."""
    unmatched_close: list[str] = []
    open_marks: list[str] = []
    for index, mark in _quote_marks(sentence):
        if mark == '"' and sentence[index - 1 : index].isdigit() and not open_marks:
            continue  # an inch mark (65"), unless it closes a quote ("Project 2025")
        after = sentence[index - 1] if index else " "
        opening = mark == "“" or (mark == '"' and not open_marks and after in _OPENS_AFTER)
        if opening:
            open_marks.append(mark)
        elif open_marks:
            open_marks.pop()
        elif index == len(sentence) - 1:
            sentence = sentence[:-1].rstrip()
        else:
            unmatched_close.append(mark)
    head = "".join("“" if mark == "”" else '"' for mark in reversed(unmatched_close))
    tail = "".join("”" if mark == "“" else '"' for mark in reversed(open_marks))
    return head + sentence + tail


def _quote_marks(sentence: str) -> list[tuple[int, str]]:
    """Positions of the double quotation marks."""
    return [(i, c) for i, c in enumerate(sentence) if c in _QUOTES]


def _capitalize(sentence: str) -> str:
    """Upper-case the first character."""
    return sentence[:1].upper() + sentence[1:]


def _cut_clause_tail(sentence: str) -> str:
    """Drop a closing participle or relative clause, unless its comma belongs to a list or the -ing word is a noun."""
    match = _CLAUSE_TAIL.search(sentence)
    if match is None or _LIST_ITEM.search(sentence[: match.start()]) or match.group(1) in _NOUNS_IN_ING:
        return sentence
    return sentence[: match.start()] + sentence[match.end() :]


_SINGLE_CUTS: tuple[Callable[[str], str], ...] = (
    lambda s: _PAREN.sub("", s),
    lambda s: _ATTR_TAIL.sub("", s, count=1),
    lambda s: _cut_clause_tail(s),
    lambda s: _capitalize(_LEAD_CONNECTIVE.sub("", s, count=1)),
)
_LATER_CUTS: tuple[Callable[[str], str], ...] = (
    lambda s: _DASH_TAIL.sub("", s, count=1),
    lambda s: _DASH_ASIDE.sub("", s),
    lambda s: _LEAD_PHRASE.sub("", s, count=1),
)


def _long_enough(sentence: str) -> bool:
    """Tell whether a compressed sentence still has enough words to stand alone."""
    return len(words(sentence)) >= _MIN_WORDS


def variants(sentence: str) -> list[str]:
    """The sentence, then its grammatical compressions (each cut alone, all together, and further cuts)."""
    out = [sentence]
    combined = sentence
    for cut in _SINGLE_CUTS:
        single = cut(sentence)
        if single not in out and _long_enough(single):
            out.append(single)
        shorter = cut(combined)
        if _long_enough(shorter):
            combined = shorter
    if combined not in out:
        out.append(combined)
    for cut in _LATER_CUTS:
        for base in list(out):
            shorter = cut(base)
            if shorter not in out and _long_enough(shorter):
                out.append(shorter)
    return out
