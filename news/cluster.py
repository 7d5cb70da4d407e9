"""Group headlines that report the same event, and label and represent such groups."""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

import numpy as np
from scipy import sparse

from news.nlp import STOPWORDS, is_title_case, stem, terms, words

__all__ = ["best_headline", "group_headlines", "label_group"]

_THRESHOLD = 0.3
_STREAM_THRESHOLD = 0.05
_MIN_EDGE = 0.05
_LEAD_WEIGHT = 0.5
_BIGRAM_WEIGHT = 0.5
_PROPER_BOOST = 1.0
_TIME_SCALE = 3600.0
_IDF_POWER = 1.0
_PREFIX = 5
_PREFIX_WEIGHT = 0.0


def _proper_ratio(texts: Sequence[str]) -> dict[str, float]:
    """Share of mid-sentence occurrences of each stem written capitalised (sentence-case text only)."""
    caps: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for text in texts:
        toks = words(text)
        if is_title_case(toks):
            continue
        for prev, tok in zip(toks, toks[1:], strict=False):
            if tok.lower() in STOPWORDS or prev.endswith((".", ":")):
                continue
            key = stem(tok)
            total[key] += 1
            caps[key] += tok[:1].isupper()
    return {k: caps[k] / c for k, c in total.items()}


def _doc_terms(title: str, text: str, proper: dict[str, float]) -> Counter[str]:
    """Weighted term counts of a headline (unigrams and bigrams of stems) plus its lead."""
    counts: Counter[str] = Counter()
    toks = terms(title)
    for tok in toks:
        counts[tok] += 1.0 + _PROPER_BOOST * proper.get(tok, 0.0)
    for a, b in zip(toks, toks[1:], strict=False):
        counts[f"{a} {b}"] += _BIGRAM_WEIGHT
    if _PREFIX_WEIGHT:
        for tok in toks:
            if len(tok) > _PREFIX:
                counts[tok[:_PREFIX] + "~"] += _PREFIX_WEIGHT
    for tok in terms(text):
        counts[tok] += _LEAD_WEIGHT * (1.0 + _PROPER_BOOST * proper.get(tok, 0.0))
    return counts


def _tfidf(docs: Sequence[Counter[str]]) -> sparse.csr_matrix:
    """Sublinear TF-IDF rows (IDF from the input itself), L2-normalised."""
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
    idf = (np.log((1.0 + len(docs)) / (1.0 + df)) + 1.0) ** _IDF_POWER
    mat = mat.multiply(idf[np.newaxis, :]).tocsr()
    norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ mat)


def _edges(mat: sparse.csr_matrix) -> sparse.coo_matrix:
    """Cosine similarities above the minimum edge weight, upper triangle only."""
    sim = sparse.triu(mat @ mat.T, k=1).tocoo()
    keep = sim.data >= _MIN_EDGE
    return sparse.coo_matrix((sim.data[keep], (sim.row[keep], sim.col[keep])), shape=sim.shape)


def _average_linkage(n: int, edges: sparse.coo_matrix, threshold: float) -> list[int]:
    """Average-linkage agglomeration on a sparse similarity graph (missing pairs count as 0)."""
    links: list[dict[int, float]] = [{} for _ in range(n)]
    for i, j, s in zip(edges.row.tolist(), edges.col.tolist(), edges.data.tolist(), strict=True):
        links[i][j] = s
        links[j][i] = s
    size = [1] * n
    parent = list(range(n))
    heap = [(-s, i, j) for i, j, s in zip(edges.row.tolist(), edges.col.tolist(), edges.data.tolist(), strict=True)]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if parent[a] != a or parent[b] != b:
            continue
        avg = links[a].get(b, 0.0) / (size[a] * size[b])
        if abs(avg + neg) > 1e-12:
            continue
        if avg < threshold:
            break
        if len(links[a]) < len(links[b]):
            a, b = b, a
        parent[b] = a
        size[a] += size[b]
        del links[a][b]
        for c, s in links[b].items():
            if c == a:
                continue
            links[c].pop(b)
            total = links[a].get(c, 0.0) + s
            links[a][c] = total
            links[c][a] = total
        links[b] = {}
        for c, total in links[a].items():
            heapq.heappush(heap, (-total / (size[a] * size[c]), min(a, c), max(a, c)))
    return [_find(parent, i) for i in range(n)]


def _find(parent: list[int], i: int) -> int:
    """Root of ``i`` in a parent forest."""
    while parent[i] != i:
        i = parent[i]
    return i


def _relabel(roots: Sequence[int]) -> list[int]:
    """Map arbitrary cluster ids to 0..k-1 in order of first appearance."""
    ids: dict[int, int] = {}
    return [ids.setdefault(r, len(ids)) for r in roots]


def group_headlines(
    titles: Sequence[str],
    texts: Sequence[str] | None = None,
    times: Sequence[datetime] | None = None,
) -> list[int]:
    """Return a group label per headline (0..k-1 by first appearance); equal labels mean one event."""
    n = len(titles)
    if n == 0:
        return []
    leads = list(texts) if texts is not None else [""] * n
    proper = _proper_ratio([*titles, *leads])
    mat = _tfidf([_doc_terms(t, x, proper) for t, x in zip(titles, leads, strict=True)])
    edges = _edges(mat)
    threshold = _THRESHOLD
    if times is not None:
        stamps = np.array([t.timestamp() for t in times])
        edges.data *= np.exp(-np.abs(stamps[edges.row] - stamps[edges.col]) / _TIME_SCALE)
        threshold = _STREAM_THRESHOLD
    return _relabel(_average_linkage(n, edges, threshold))


def label_group(titles: Sequence[str]) -> str:
    """Return a short label (2-4 words) of the terms most shared by a group of headlines."""
    counts: Counter[str] = Counter()
    surface: dict[str, Counter[str]] = {}
    for title in titles:
        seen: set[str] = set()
        for word in words(title):
            if word.lower() in STOPWORDS or not word[:1].isalnum():
                continue
            key = stem(word)
            surface.setdefault(key, Counter())[word] += 1
            if key not in seen:
                counts[key] += 1
                seen.add(key)
    if not counts:
        return ""
    ranked = sorted(counts, key=lambda k: (-counts[k], -_capitalised(surface[k]), _first_index(titles, k)))
    return " ".join(surface[k].most_common(1)[0][0] for k in ranked[:3])


def _capitalised(forms: Counter[str]) -> int:
    """How many occurrences of a term were written with a capital letter."""
    return sum(c for w, c in forms.items() if w[:1].isupper())


def _first_index(titles: Sequence[str], key: str) -> int:
    """Position of the first occurrence of a stem across the titles."""
    flat = [stem(w) for t in titles for w in words(t)]
    return flat.index(key) if key in flat else len(flat)


def best_headline(titles: Sequence[str]) -> str:
    """Return the most central headline of a group (highest mean similarity to the others)."""
    if not titles:
        return ""
    mat = _tfidf([_doc_terms(t, "", {}) for t in titles])
    sim = np.asarray((mat @ mat.T).todense())
    return titles[int(np.argmax(sim.sum(axis=1)))]
