"""Words as SQLite's FTS5 index holds them (tokenize='porter unicode61 remove_diacritics 2'), for Python-side marks.

FTS5's porter tokenizer runs Martin Porter's revised algorithm ('bli' to 'ble', 'logi' to 'log' in step 2; the
snowball "porter" stemmer is the 1980 original) on tokens of 3 to 64 bytes, with only a, e, i, o, u (and y after a
consonant) as vowels. unicode61 folds case one character at a time and, with remove_diacritics 2, strips the accents
of Latin letters only ('Zürich' is 'zurich'; 'й' and Greek tonos stay).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from news._fts5_tokens import ACCENTS, UNFOLDED_RANGES, WORD_RANGES

_WORD = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in WORD_RANGES)
TOKEN = re.compile(f"[{_WORD}][{_WORD}{ACCENTS}]*")  # a word: word characters, with the accents they carry
ASCII_WORD = "0-9A-Za-z"  # the word characters among ASCII ones
_ASCII_TOKEN = re.compile(f"[{ASCII_WORD}]+")  # TOKEN in ASCII text, matched twice as fast
# Folds of unicode61 that neither lower() nor accent removal gives (final sigma, micro sign, long s, Greek symbols).
_SPECIAL = str.maketrans({
    "\u03c2": "\u03c3", "\u00b5": "\u03bc", "\u017f": "s", "\u1e9b": "s", "\u03d0": "\u03b2", "\u03d1": "\u03b8",
    "\u03d5": "\u03c6", "\u03d6": "\u03c0", "\u03f0": "\u03ba", "\u03f1": "\u03c1", "\u03f5": "\u03b5",
    "\u1fbe": "\u03b9", "\u01e0": "\u01e1",
})
_KEPT = frozenset("\u01e1")  # accented letters unicode61 keeps as they are
_UNFOLDED = frozenset(chr(c) for first, last in UNFOLDED_RANGES for c in range(first, last + 1))
_ACCENTS = frozenset(char for char in map(chr, range(0x300, 0x332)) if re.fullmatch(f"[{ACCENTS}]", char))
_MIN_BYTES, _MAX_BYTES = 3, 64
_VOWELS = frozenset("aeiou")
_STEP2 = (
    ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"), ("logi", "log"),
    ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"), ("ization", "ize"),
    ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"),
    ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"),
)
_STEP3 = (("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""))
_STEP4 = (
    "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate",
    "iti", "ous", "ive", "ize",
)


def tokenizer(text: str) -> re.Pattern[str]:
    """TOKEN, or its faster ASCII form when the text is ASCII."""
    return _ASCII_TOKEN if text.isascii() else TOKEN


@functools.lru_cache(maxsize=65_536)
def index_stem(token: str) -> str:
    """One token (as TOKEN finds them) the way the index stores it: folded, then Porter-stemmed."""
    folded = fold(token)
    raw = folded.encode()
    if len(raw) < _MIN_BYTES or len(raw) > _MAX_BYTES:
        return folded
    if folded.isascii():
        return stem(folded)
    # FTS5 stems UTF-8 bytes, each byte beyond ASCII a consonant: so does this, one character per byte.
    return stem(raw.decode("latin-1")).encode("latin-1").decode("utf-8", "surrogateescape")


def fold(token: str) -> str:
    """Lower case, one character at a time, with the accents of Latin letters removed, as unicode61 folds."""
    if token.isascii():
        return token.lower()
    out: list[str] = []
    for char in token.translate(_SPECIAL):
        lower = char.lower() if len(char.lower()) == 1 and char not in _UNFOLDED else char
        if lower in _ACCENTS:
            continue  # an accent written as its own character
        base = unicodedata.normalize("NFD", lower)[0]
        out.append(base.lower() if base.isascii() and base.isalpha() and lower not in _KEPT else lower)
    return "".join(out)


def _consonant(word: str, i: int) -> bool:
    """Whether word[i] is a consonant: not a, e, i, o, u, nor a y after a consonant."""
    char = word[i]
    if char in _VOWELS:
        return False
    if char == "y":
        return i == 0 or not _consonant(word, i - 1)
    return True


def _measure(stem: str) -> int:
    """Porter's m: the number of vowel-consonant sequences in [C](VC)^m[V]."""
    kinds = [_consonant(stem, i) for i in range(len(stem))]
    return sum(1 for i in range(1, len(kinds)) if kinds[i] and not kinds[i - 1])


def _has_vowel(stem: str) -> bool:
    return any(not _consonant(stem, i) for i in range(len(stem)))


def _cvc(stem: str) -> bool:
    """*o: ends consonant-vowel-consonant, the last not w, x or y."""
    n = len(stem)
    if n < 3 or stem[-1] in "wxy":
        return False
    return _consonant(stem, n - 1) and not _consonant(stem, n - 2) and _consonant(stem, n - 3)


def stem(word: str) -> str:
    """The revised Porter stem of a folded word of at least 3 bytes."""
    word = _step1a(word)
    word = _step1b(word)
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    word = _replace(word, _STEP2)
    word = _replace(word, _STEP3)
    word = _step4(word)
    if word.endswith("e") and (_measure(word[:-1]) > 1 or (_measure(word[:-1]) == 1 and not _cvc(word[:-1]))):
        word = word[:-1]
    if word.endswith("ll") and _measure(word[:-1]) > 1:
        word = word[:-1]
    return word


def _step1a(word: str) -> str:
    if not word.endswith("s") or word.endswith("ss"):
        return word
    if word.endswith("es") and ((len(word) > 4 and word[-4:-2] == "ss") or (len(word) > 3 and word[-3] == "i")):
        return word[:-2]  # -sses, -ies
    return word[:-1]


def _step1b(word: str) -> str:
    if word.endswith("eed") and len(word) > 3:  # 'eed' alone falls through to the -ed rule, as in FTS5
        return word[:-1] if _measure(word[:-3]) > 0 else word
    for suffix in ("ed", "ing"):
        if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
            return _step1b_tail(word[: -len(suffix)])
    return word


def _step1b_tail(word: str) -> str:
    """After -ed or -ing: restore an e, or undouble a final consonant."""
    if word.endswith(("at", "bl", "iz")):
        return word + "e"
    if len(word) > 1 and word[-1] == word[-2] and word[-1] not in "aeioulsz":
        return word[:-1]
    if _measure(word) == 1 and _cvc(word):
        return word + "e"
    return word


def _replace(word: str, rules: tuple[tuple[str, str], ...]) -> str:
    """The first rule whose suffix ends the word, applied when the rest has m > 0."""
    for suffix, replacement in rules:
        if word.endswith(suffix) and len(word) > len(suffix):
            rest = word[: -len(suffix)]
            return rest + replacement if _measure(rest) > 0 else word
    return word


def _step4(word: str) -> str:
    for suffix in _STEP4:
        if word.endswith(suffix) and len(word) > len(suffix):
            rest = word[: -len(suffix)]
            if suffix == "ion" and not rest.endswith(("s", "t")):
                return word
            return rest if _measure(rest) > 1 else word
    return word
