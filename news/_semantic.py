"""Similarity graph of headlines from sentence embeddings (used by news.cluster's optional methods)."""

from __future__ import annotations

import numpy as np
from scipy import sparse

__all__ = ["semantic_edges"]

_FLOOR = 0.3  # cosine of unrelated headlines under all-MiniLM-L6-v2; rescaled to 0 (and 1 stays 1)
_HUB_K = 5  # neighbours whose mean similarity measures an item's hubness
_MIN_EDGE = 0.01  # rescaled pairs below this count as 0 (keeps the graph sparse)
_CHUNK = 1024  # rows of the similarity matrix computed at once (bounds memory at large inputs)


def _rescaled(vectors: np.ndarray, start: int) -> np.ndarray:
    """Rescaled cosine similarities of rows ``start:start+chunk`` to every row, self-pairs at 0."""
    block = vectors[start : start + _CHUNK] @ vectors.T
    block = (block - _FLOOR) / (1.0 - _FLOOR)
    block[np.arange(len(block)), np.arange(start, start + len(block))] = 0.0
    return np.asarray(block, dtype=np.float64)


def _hubness(vectors: np.ndarray) -> np.ndarray:
    """Mean of each item's top-k cosine similarities, as in CSLS (its tendency to be near everything)."""
    k = min(_HUB_K, max(len(vectors) - 1, 1))
    out = np.zeros(len(vectors))
    for start in range(0, len(vectors), _CHUNK):
        block = _rescaled(vectors, start) * (1.0 - _FLOOR) + _FLOOR  # back to cosines, self-pairs at the floor
        out[start : start + len(block)] = np.partition(block, -k, axis=1)[:, -k:].sum(axis=1) / _HUB_K
    return out


def semantic_edges(vectors: np.ndarray, hub: float) -> sparse.coo_matrix:
    """Rescaled cosine similarities less ``hub`` times the pair's mean hubness; upper triangle, weak pairs dropped."""
    n = len(vectors)
    hubness = _hubness(vectors) if hub > 0 and n > 1 else np.zeros(n)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    for start in range(0, n, _CHUNK):
        block = _rescaled(vectors, start)
        block -= hub * (hubness[start : start + len(block), np.newaxis] + hubness[np.newaxis, :]) / 2.0
        i, j = np.nonzero(block >= _MIN_EDGE)
        upper = j > i + start
        rows.append(i[upper] + start)
        cols.append(j[upper])
        vals.append(block[i[upper], j[upper]])
    if not rows:
        return sparse.coo_matrix((n, n))
    return sparse.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
