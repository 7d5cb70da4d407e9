"""Places a headline names, and the pairs of headlines they keep apart (news.cluster).

Each name counts as one or more keys (news._gazetteer): a country's name, people, capital, large cities and leaders
are the country (Kyiv and Ukrainian are Ukraine), a US city is its state, a region is its country too (Hong Kong is
China), and countries whose events are one story share a key as well (Israel and Gaza, Russia and Ukraine). The
United States is left out: news in English names it beside nearly every event (a US strike in Iran, US troops in
Alaska). Two headlines that both name places and share none are about different events.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from news._gazetteer import COUNTRIES, LINKED, NO_PLACE, US_CITIES, US_STATES, WITHIN

__all__ = ["apart_by_place", "places"]


def _keys() -> dict[str, frozenset[str]]:
    """Every name with the keys it counts as."""
    linked = {country: f"{group[0]}+" for group in LINKED for country in group}
    keys: dict[str, frozenset[str]] = {}
    for country, names in COUNTRIES.items():
        counted = frozenset({country, *([linked[country]] if country in linked else []), *_within(country)})
        keys.update({name: counted for name in (country, *names) if "(" not in name})
    keys.update({state: frozenset({state}) for state in US_STATES})
    keys["georgia"] = frozenset({"georgia", "georgia (country)"})  # the state or the country: either may be meant
    keys.update({city: frozenset({state}) for state, cities in US_CITIES.items() for city in cities})
    keys.update({phrase: frozenset() for phrase in NO_PLACE})
    return keys


def _within(region: str) -> list[str]:
    """The country a region also counts as, with that country's linked key."""
    country = WITHIN.get(region)
    linked = [f"{group[0]}+" for group in LINKED if country in group]
    return [country, *linked] if country else []


_KEYS = _keys()
_LONGEST = max(name.count(" ") + 1 for name in _KEYS)
_WORDS = 4  # 256 bits of places per headline
_CHUNK = 1 << 20
_BREAK = re.compile(r"[:;,—–]")
_TOKEN = re.compile(r"[^\W\d_]+(?:[.'’-][^\W\d_]+)*\.?", re.UNICODE)


def _capitalised(token: str) -> bool:
    """A token that may name a place: capitalised, and "UK" only in capitals."""
    return token[:1].isupper() and (token.isupper() or token.lower() not in ("uk", "uae"))


def _tokens(text: str) -> list[str]:
    """Lower-cased, unaccented words that may be part of a place name ("" for others, and between words a name
    cannot span: after a possessive, at a colon, comma, semicolon or dash); hyphenated compounds that are no name
    are split (Russia-Ukraine)."""
    tokens: list[str] = []
    last = 0
    for match in _TOKEN.finditer(_unaccented(text)):
        if _BREAK.search(text, last, match.start()):
            tokens.append("")
        token, last = match.group(), match.end()
        possessive = token[-2:].lower() in ("'s", "’s")
        token = token[:-2] if possessive else token
        parts = [token] if "-" not in token or token.lower() in _KEYS else token.split("-")
        tokens += [part.lower() if _capitalised(part) else "" for part in parts]
        tokens += [""] if possessive else []
    return tokens


def _unaccented(text: str) -> str:
    """The text with accents dropped, as long as the original (Türkiye, São Paulo)."""
    folded = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return folded if len(folded) == len(text) else text


def places(text: str) -> frozenset[str]:
    """The keys of the places a text names ('ukraine' and 'russia+' for Kyiv, Kyiv's or Ukrainian)."""
    tokens = _tokens(text)
    found: set[str] = set()
    index = 0
    while index < len(tokens):
        for size in range(min(_LONGEST, len(tokens) - index), 0, -1):
            words = tokens[index : index + size]
            name = " ".join(words)
            keys = None if "" in words else _KEYS.get(name, _KEYS.get(name.rstrip(".")))
            if keys is not None:
                found |= keys
                index += size
                break
        else:
            index += 1
    return frozenset(found)


def apart_by_place(sim: sparse.csr_matrix, named: Sequence[frozenset[str]]) -> sparse.csr_matrix:
    """Similarities dropped between headlines that both name places (news._places) but none in common: different
    events, whatever words they share ('Iran warns of possible strike amid protests', 'Alaska troops on possible
    Minnesota deployment amid protests'). Headlines only: a lead names more places than its event's."""
    bits = _place_bits(named)
    has: np.ndarray = np.asarray(bits.any(axis=1))
    rows = np.repeat(np.arange(sim.shape[0]), np.diff(sim.indptr))
    candidates = np.flatnonzero(has[rows] & has[sim.indices])
    keep = np.ones(len(sim.data), dtype=bool)
    for start in range(0, len(candidates), _CHUNK):  # pairs in chunks: a large input has millions
        pairs = candidates[start : start + _CHUNK]
        keep[pairs] = (bits[rows[pairs]] & bits[sim.indices[pairs]]).any(axis=1)
    if keep.all():
        return sim
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows[keep], minlength=sim.shape[0]))))
    return sparse.csr_matrix((sim.data[keep], sim.indices[keep], indptr), shape=sim.shape)


def _place_bits(named: Sequence[frozenset[str]]) -> np.ndarray:
    """Each headline's places as bits of _WORDS unsigned words (places beyond their width share bits: then two
    headlines may look alike in place, never apart by mistake)."""
    keys: dict[str, int] = {}
    bits = np.zeros((len(named), _WORDS), dtype=np.uint64)
    for row, found in enumerate(named):
        for key in found:
            index = keys.setdefault(key, len(keys)) % (64 * _WORDS)
            bits[row, index // 64] |= np.uint64(1 << (index % 64))
    return bits
