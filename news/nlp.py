"""Pure text utilities for news: sentence splitting, tokenizing, stopwords and stemming."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

__all__ = [
    "STOPWORDS",
    "TYPOGRAPHIC_QUOTES",
    "is_acronym",
    "is_title_case",
    "normalize_space",
    "split_sentences",
    "stem",
    "terms",
    "topic_terms",
    "words",
]

TYPOGRAPHIC_QUOTES = "“”„‟«»"  # double quotation marks besides '"', as phones and other languages type them

STOPWORDS: frozenset[str] = frozenset(
    {
        "a", "about", "above", "after", "again", "against", "ago", "all", "almost", "also", "although", "am",
        "among", "an", "and", "another", "any", "anyone", "anything", "are", "around", "as", "at", "be",
        "became", "because", "become", "been", "before", "being", "below", "between", "both", "but", "by",
        "can", "cannot", "could", "did", "do", "does", "doing", "done", "down", "during", "each", "either",
        "else", "even", "ever", "every", "few", "for", "from", "further", "get", "gets", "got", "had", "has",
        "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "however",
        "i", "if", "in", "including", "into", "is", "it", "its", "itself", "just", "least", "less", "like",
        "made", "make", "many", "may", "me", "might", "more", "most", "much", "must", "my", "myself", "near",
        "neither", "never", "new", "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or",
        "other", "others", "our", "ours", "ourselves", "out", "over", "own", "per", "put", "rather", "said",
        "same", "say", "says", "she", "should", "since", "so", "some", "still", "such", "than", "that", "the",
        "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "though",
        "through", "thus", "to", "too", "toward", "towards", "under", "until", "up", "upon", "us", "very",
        "via", "was", "we", "were", "what", "when", "where", "whether", "which", "while", "who", "whom",
        "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your", "yours", "yourself",
        "yourselves", "s", "t", "don", "didn", "doesn", "isn", "wasn", "aren", "weren", "won", "wouldn",
        "couldn", "shouldn", "ve", "ll", "re", "d", "m", "mr", "mrs", "ms", "dr",
    }
)

# Abbreviations after which a period never ends a sentence (titles before names, etc.).
_NEVER_END: frozenset[str] = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "lt", "col", "maj", "capt", "sgt",
        "cpl", "adm", "cmdr", "gov", "sen", "rep", "rev", "hon", "pres", "supt", "insp", "det", "fr", "messrs",
        "mme", "mlle", "no", "nos", "vs", "v", "etc", "e.g", "i.e", "approx", "dept", "univ", "corp", "inc",
        "ltd", "co", "bros", "est", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
        "oct", "nov", "dec",
    }
)

_WORD_RE = re.compile(r"[^\W_]+(?:[.'’&][^\W_]+)*\.?", re.UNICODE)
_SPLIT_RE = re.compile(r"""([.!?…]+)(["'”’)\]]*)(\s+)(?=["'“‘(\[]?[^\W_])""", re.UNICODE)
_PARA_RE = re.compile(r"\n\s*\n+")
_SPACE_RE = re.compile(r"\s+")
_STEMMER = snowballstemmer.stemmer("english")


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace into single spaces and strip the ends."""
    return _SPACE_RE.sub(" ", text).strip()


def _token_before(text: str, end: int) -> str:
    """Return the whitespace-delimited token that ends at ``end``."""
    start = text.rfind(" ", 0, end) + 1
    return text[start:end].lstrip("\"'“‘([")


def _next_word(text: str, start: int) -> str:
    """Return the word starting at ``start`` without leading quotes or brackets."""
    match = re.match(r"""["'“‘(\[]*([^\W_]+)""", text[start:])
    return match.group(1) if match else ""


def _is_boundary(text: str, punct_start: int, punct: str, after: int) -> bool:
    """Decide whether punctuation at ``punct_start`` ends a sentence."""
    if punct != ".":
        return True
    before = _token_before(text, punct_start)
    nxt = _next_word(text, after)
    if not nxt or nxt[0].islower():
        return False
    bare = before.rstrip(".").lower()
    if bare in _NEVER_END or (len(bare) == 1 and bare.isalpha()):
        return False
    if "." in before:  # dotted acronym like U.S. or a.m.: split only before a typical sentence opener
        return nxt.lower() in STOPWORDS
    return True


def _split_paragraph(para: str) -> list[str]:
    """Split one whitespace-normalised paragraph into sentences."""
    out: list[str] = []
    start = 0
    for match in _SPLIT_RE.finditer(para):
        if _is_boundary(para, match.start(1), match.group(1), match.end()):
            piece = para[start : match.end(2)].strip()
            if piece:
                out.append(piece)
            start = match.end()
    tail = para[start:].strip()
    if tail:
        out.append(tail)
    return out


def split_sentences(text: str) -> list[str]:
    """Split news text into sentences, keeping abbreviations, initials and decimals intact."""
    sentences: list[str] = []
    for para in _PARA_RE.split(text):
        norm = normalize_space(para)
        if norm:
            sentences.extend(_split_paragraph(norm))
    return sentences


def words(text: str) -> list[str]:
    """Tokenize into words as written (case kept; inner apostrophes, dots and hyphens kept)."""
    out: list[str] = []
    for tok in _WORD_RE.findall(text):
        if tok.endswith(".") and tok.count(".") < 2:
            tok = tok[:-1]
        out.append(tok)
    return out


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Return the English Snowball stem of a lower-cased word (dots and possessives dropped)."""
    low = word.lower().replace("’", "'")
    if low.endswith("'s"):
        low = low[:-2]
    low = low.replace(".", "").replace("'", "")
    return str(_STEMMER.stemWord(low))


def terms(text: str) -> list[str]:
    """Return stemmed content terms of ``text``, stopwords removed."""
    return [stem(w) for w in words(text) if (w.lower() not in STOPWORDS and len(w) > 1) or w.isdigit()]


def is_acronym(word: str) -> bool:
    """A word in capitals that is a stopword in lower case (US, WHO, IT): a name, which topics keep."""
    return len(word) > 1 and word.isupper() and word.lower() in STOPWORDS


def topic_terms(text: str) -> set[str]:
    """What a topic is matched by, on its side and the stories': terms(), and the acronyms terms() drops."""
    return set(terms(text)) | {stem(word.lower()) for word in words(text) if is_acronym(word)}


def is_title_case(tokens: Iterable[str]) -> bool:
    """Tell whether a headline is written in Title Case (most content words capitalised)."""
    content = [t for t in tokens if t.lower() not in STOPWORDS and t[:1].isalpha()]
    if len(content) < 2:
        return False
    caps = sum(1 for t in content if t[:1].isupper())
    return caps >= 0.8 * len(content)
