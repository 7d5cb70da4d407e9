"""Group headlines that report the same event, and label and represent such groups."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

import numpy as np
from scipy import sparse

from news._linkage import average_linkage
from news._places import apart_by_place, places
from news._semantic import semantic_edges
from news.nlp import STOPWORDS, is_title_case, stem, terms, words

__all__ = ["best_headline", "group_headlines", "label_group"]

_THRESHOLD = 0.02  # average similarity (hubness corrected) needed to merge two groups
_STREAM_THRESHOLD = 0.05  # same, once similarity is discounted by time distance (times given)
_FULL_SIZE = 1000  # mixed method: smaller inputs get a lower lexical threshold (as it was tuned)
_MIN_EDGE = 0.01  # pairs below this similarity count as 0 (keeps the graph sparse)
_HUB_K = 12  # neighbours whose mean similarity measures an item's hubness
_HUB = 1.2  # share of the pair's hubness subtracted from its similarity (untimed inputs)
_LENGTH_NORM = 0.75  # rows are divided by (norm / median norm) to this power: 1 is cosine, below it long ones lose less
_NAME_WEIGHT = 1.2  # a name (as the input itself writes names) in a headline counts this much more than other terms
_LEAD_WEIGHT = 1.0
_LEAD_WORDS = 60  # only a story's first words count (a news lead is about this long)
_BIGRAM_WEIGHT = 0.25
_PREFIX = 5
_PREFIX_WEIGHT = 0.5  # truncated stems match variants the stemmer keeps apart (Afghan/Afghanistan)
_TIME_SCALE = 3 * 3600.0  # seconds; similarity decays as exp(-dt / scale)
_STREAM_MIN_EDGE = 0.03  # same for time-discounted similarities (keeps long streams fast)
_MIX_THRESHOLD, _MIX_HUB, _MIX_HUB_K = 0.07, 0.75, 5  # cosine TF-IDF graph of the mixed method, as tuned with it
_EMBED_THRESHOLD = 0.14  # merge threshold of untimed inputs for the embedding method
_EMBED_HUB = 0.5  # share of the pair's hubness subtracted from embedding similarities (untimed inputs)
_MIX = 0.5  # weight of the lexical similarity in the mixed method (the rest: embedding similarity)
_METHODS = ("lexical", "embedding", "mixed")


def _doc_terms(title: str, text: str, names: frozenset[str] = frozenset()) -> dict[str, float]:
    """Weighted term counts of a headline (stems, names weighted up, stem bigrams, stem prefixes) plus its lead."""
    toks = terms(title)
    counts: dict[str, float] = {}
    for tok in toks:
        counts[tok] = counts.get(tok, 0.0) + (_NAME_WEIGHT if tok in names else 1.0)
    for a, b in itertools.pairwise(toks):
        counts[f"{a} {b}"] = counts.get(f"{a} {b}", 0.0) + _BIGRAM_WEIGHT
    for tok in toks:
        if len(tok) > _PREFIX:
            key = tok[:_PREFIX] + "~"
            counts[key] = counts.get(key, 0.0) + _PREFIX_WEIGHT
    for tok in terms(text):
        counts[tok] = counts.get(tok, 0.0) + _LEAD_WEIGHT
    return counts


def _name_stems(texts: Sequence[str]) -> frozenset[str]:
    """Stems the input itself writes as names: acronyms, and words mostly capitalised inside its sentence-case texts."""
    capital: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    names: set[str] = set()
    for text in texts:
        tokens = words(text)
        sentence_case = not is_title_case(tokens)
        for position, word in enumerate(tokens):
            if word.lower() in STOPWORDS or not word[:1].isalpha():
                continue
            if len(word) > 1 and word.isupper() and not text.isupper():
                names.add(stem(word))
            if sentence_case and position > 0:
                (capital if word[:1].isupper() else lower)[stem(word)] += 1
    return frozenset(names | {key for key, count in capital.items() if count > lower[key]})


def _counts(docs: Sequence[dict[str, float]]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Sublinear term counts (one row per doc) and the IDF of each term, from the input itself."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, doc in enumerate(docs):
        for term, count in doc.items():
            rows.append(i)
            cols.append(vocab.setdefault(term, len(vocab)))
            vals.append(1.0 + math.log(count) if count > 1 else count)
    mat = sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs), max(len(vocab), 1)), dtype=np.float64)
    df = np.bincount(mat.indices, minlength=mat.shape[1])
    return mat, np.log((1.0 + len(docs)) / (1.0 + df)) + 1.0


def _scaled_rows(mat: sparse.csr_matrix, weights: np.ndarray, power: float) -> sparse.csr_matrix:
    """Columns multiplied by ``weights``; rows divided by (norm / median norm) ** power, then by the median norm.

    At power 1 that is L2 normalisation; below 1, rows longer than the median keep part of their length (pivoted
    length normalisation), so a headline's dot products stay on the cosine scale."""
    mat = mat.multiply(weights[np.newaxis, :]).tocsr()
    norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    pivot = float(np.median(norms))
    return sparse.csr_matrix(sparse.diags(norms**-power * pivot ** (power - 1.0)) @ mat)


def _tfidf(docs: Sequence[dict[str, float]]) -> sparse.csr_matrix:
    """Sublinear TF-IDF rows (IDF from the input itself), L2-normalised."""
    mat, idf = _counts(docs)
    return _scaled_rows(mat, idf, 1.0)


def _self_similarity(mat: sparse.csr_matrix) -> sparse.csr_matrix:
    """Dot products of all pairs of rows, self-pairs removed."""
    sim = (mat @ mat.T).tocsr()
    sim.setdiag(0.0)
    sim.eliminate_zeros()
    return sim


def _lexical_similarity(
    titles: Sequence[str], leads: Sequence[str], background: Sequence[tuple[str, str]] = ()
) -> sparse.csr_matrix:
    """Pairs' sums over shared terms of count x count x IDF, with pivoted length normalisation.

    A shared term weighs its IDF (not its square as in TF-IDF cosine), names a little more, and long headlines are
    only partly normalised, so one shared rare name or term counts even in a long opinion-style headline. The IDF
    is counted over the background stories too: in a small input, words such as 'Tuesday' look rare."""
    names = _name_stems([*titles, *leads])
    docs = [_doc_terms(t, x, names) for t, x in zip(titles, leads, strict=True)]
    docs += [_doc_terms(t, _lead(x) if any(leads) else "", names) for t, x in background]
    mat, idf = _counts(docs)
    sim = _self_similarity(_scaled_rows(mat[: len(titles)], np.sqrt(idf), _LENGTH_NORM))
    return apart_by_place(sim, [places(title) for title in titles])


def _edges(sim: sparse.csr_matrix, hub: float, hub_k: int) -> sparse.coo_matrix:
    """Similarities less ``hub`` times the pair's mean hubness; upper triangle, weak pairs dropped."""
    sim = sparse.triu(sim, k=1).tocoo() if hub == 0 else _hubness_corrected(sim, hub, hub_k)
    keep = sim.data >= _MIN_EDGE
    return sparse.coo_matrix((sim.data[keep], (sim.row[keep], sim.col[keep])), shape=sim.shape)


def _hubness_corrected(sim: sparse.csr_matrix, hub: float, hub_k: int) -> sparse.coo_matrix:
    """Subtract from each pair the mean of both items' top-k similarities (CSLS), upper triangle."""
    hubness = np.zeros(sim.shape[0])
    for i in range(sim.shape[0]):
        row = sim.data[sim.indptr[i] : sim.indptr[i + 1]]
        if len(row):
            hubness[i] = np.sort(row)[-hub_k:].sum() / hub_k
    up = sparse.triu(sim, k=1).tocoo()
    data = up.data - hub * (hubness[up.row] + hubness[up.col]) / 2.0
    return sparse.coo_matrix((data, (up.row, up.col)), shape=up.shape)


def _time_weight(stamps: np.ndarray) -> float:
    """How far times spread out, in decay scales (0: one batch at one instant, 1: a stream)."""
    spread = float(np.median(np.abs(stamps - np.median(stamps))))  # robust to a few odd stamps
    return min(1.0, spread / _TIME_SCALE)


def _discount_by_time(edges: sparse.coo_matrix, stamps: np.ndarray) -> sparse.coo_matrix:
    """Multiply similarities by exp(-dt / scale) and drop pairs that fall below the minimum edge."""
    data = edges.data * np.exp(-np.abs(stamps[edges.row] - stamps[edges.col]) / _TIME_SCALE)
    keep = data >= _STREAM_MIN_EDGE
    return sparse.coo_matrix((data[keep], (edges.row[keep], edges.col[keep])), shape=edges.shape)


def _relabel(roots: Sequence[int]) -> list[int]:
    """Map arbitrary cluster ids to 0..k-1 in order of first appearance."""
    ids: dict[int, int] = {}
    return [ids.setdefault(r, len(ids)) for r in roots]


def group_headlines(
    titles: Sequence[str],
    texts: Sequence[str] | None = None,
    times: Sequence[datetime] | None = None,
    *,
    method: str = "lexical",
    background: Sequence[tuple[str, str]] = (),
) -> list[int]:
    """Return a group label per headline (0..k-1 by first appearance); equal labels mean one event.

    ``method``: "lexical" (TF-IDF, the default), "embedding" or "mixed" (both need the ``embeddings`` extra).
    ``background``: other stories (title, text), such as the archive's latest, that the lexical method counts
    only to tell how common each word is; they are not grouped.
    """
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(_METHODS)}")
    n = len(titles)
    if n == 0:
        return []
    leads = [_lead(text) for text in texts] if texts is not None else [""] * n
    stamps = None if times is None else np.array([t.timestamp() for t in times])
    weight = 0.0 if stamps is None else _time_weight(stamps)
    edges = _similarity(titles, leads, method, 1.0 - weight, background)
    threshold = _method_threshold(method, n)
    if stamps is not None:
        edges = _discount_by_time(edges, stamps)
        threshold += weight * (_STREAM_THRESHOLD - threshold)
    return _relabel(average_linkage(n, edges, threshold))


def _lead(text: str) -> str:
    """The opening words of a story: a whole article's vocabulary would tie it to every other story."""
    return " ".join(words(text)[:_LEAD_WORDS])


def _method_threshold(method: str, n: int) -> float:
    """Merge threshold of untimed inputs; the mixed method's lexical part gets a lower one when the input is small.

    A lower lexical threshold for small inputs (as the mixed method keeps) made them worse: on samples of 19 to 600
    NeuS headlines (a few reported events among single reports), B-cubed fell at every size."""
    if method == "embedding":
        return _EMBED_THRESHOLD
    if method == "lexical":
        return _THRESHOLD
    small = float(min(1.0, math.log(n + 1) / math.log(_FULL_SIZE + 1)) ** 1.5)
    return _MIX * _MIX_THRESHOLD * small + (1.0 - _MIX) * _EMBED_THRESHOLD


def _similarity(
    titles: Sequence[str], leads: Sequence[str], method: str, untimed: float, background: Sequence[tuple[str, str]]
) -> sparse.coo_matrix:
    """Sparse upper-triangular similarity graph by the chosen method (hubness corrected by ``untimed`` share)."""
    if method == "lexical":
        return _edges(_lexical_similarity(titles, leads, background), _HUB * untimed, _HUB_K)
    from news import embeddings  # optional extra: imported only when asked for

    vectors = embeddings.embed([f"{t} {x}".strip() for t, x in zip(titles, leads, strict=True)])
    semantic = semantic_edges(vectors, _EMBED_HUB * untimed)
    if method == "embedding":
        return semantic
    mat = _tfidf([_doc_terms(t, x) for t, x in zip(titles, leads, strict=True)])
    lexical = _edges(_self_similarity(mat), _MIX_HUB * untimed, _MIX_HUB_K)
    return sparse.coo_matrix(_MIX * lexical.tocsr() + (1.0 - _MIX) * semantic.tocsr())


def label_group(titles: Sequence[str]) -> str:
    """Return a short label (1-3 words): the names and terms most shared by a group's headlines.

    Only terms found in at least two headlines count; names (capitalised inside a sentence-case headline, or
    acronyms) come first, and other words are left out beside two names; each kind keeps its order in the group's
    best headline, else that of its first appearance. A word some headline writes in lower case is written so."""
    counts: Counter[str] = Counter()
    surface: dict[str, Counter[str]] = {}
    names: set[str] = set()
    for title in titles:
        tokens = words(title)
        sentence_case = not is_title_case(tokens)
        seen: set[str] = set()
        for position, word in enumerate(tokens):
            if word.lower() in STOPWORDS or word.lower() in _FILLER or not word[:1].isalnum():
                continue
            key = stem(word)
            surface.setdefault(key, Counter())[word] += 1
            if (sentence_case and position > 0 and word[:1].isupper()) or (len(word) > 1 and word.isupper()):
                names.add(key)
            if key not in seen:
                counts[key] += 1
                seen.add(key)
    shared = [key for key in counts if counts[key] >= 2]
    ranked = sorted(shared, key=lambda k: (k not in names, -counts[k], -_capitalised(surface[k])))[:3]
    if sum(key in names for key in ranked) >= 2:  # two names say it; a shared verb or noun beside them reads oddly
        ranked = [key for key in ranked if key in names]
    order = [stem(w) for w in words(best_headline(titles))] + [stem(w) for t in titles for w in words(t)]
    ranked.sort(key=lambda k: (k not in names, order.index(k)))
    return " ".join(surface[k].most_common(1)[0][0] if k in names else _plain(surface[k]) for k in ranked)


def _plain(forms: Counter[str]) -> str:
    """A term that is no name: in lower case when some headline writes it so ('protests' beside Title Case
    'Protests'), else as most headlines write it ('Kyiv', only ever capitalised, is a name all the same)."""
    lower = [word for word in forms if word.islower()]
    return max(lower, key=lambda word: forms[word]) if lower else forms.most_common(1)[0][0]


_FILLER = frozenset(
    {"amid", "possible", "says", "said", "new", "over", "after", "calls", "call", "seeks", "seek", "warns", "warn",
     "report", "reports", "plan", "plans", "set", "sets", "could", "would", "may", "near", "nears", "rise", "rises"}
)


def _capitalised(forms: Counter[str]) -> int:
    """How many occurrences of a term were written with a capital letter."""
    return sum(c for w, c in forms.items() if w[:1].isupper())


def best_headline(titles: Sequence[str]) -> str:
    """Return the most central headline of a group (highest mean similarity to the others)."""
    if not titles:
        return ""
    mat = _tfidf([_doc_terms(t, "") for t in titles])
    sim = np.asarray((mat @ mat.T).todense())
    return titles[int(np.argmax(sim.sum(axis=1)))]
