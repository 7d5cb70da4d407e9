"""Exact average-linkage clustering of a sparse similarity graph (used by news.cluster)."""

from __future__ import annotations

from scipy import sparse

__all__ = ["average_linkage"]


def _links(n: int, edges: sparse.coo_matrix) -> list[dict[int, float]]:
    """Symmetric adjacency dicts of a sparse upper-triangular similarity graph."""
    links: list[dict[int, float]] = [{} for _ in range(n)]
    for i, j, s in zip(edges.row.tolist(), edges.col.tolist(), edges.data.tolist(), strict=True):
        links[i][j] = s
        links[j][i] = s
    return links


def _nearest(links: list[dict[int, float]], size: list[int], a: int) -> tuple[int, float]:
    """Most similar neighbour of cluster ``a`` by average linkage (lowest id on ties)."""
    best, best_sim, sa = -1, -1.0, size[a]
    for c, total in links[a].items():
        sim = total / (sa * size[c])
        if sim > best_sim or (sim == best_sim and c < best):
            best, best_sim = c, sim
    return best, best_sim


def _merge(links: list[dict[int, float]], size: list[int], parent: list[int], a: int, b: int) -> int:
    """Merge clusters ``a`` and ``b`` (summing their links) and return the surviving id."""
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
    return a


def average_linkage(n: int, edges: sparse.coo_matrix, threshold: float) -> list[int]:
    """Exact average linkage cut at ``threshold`` on a sparse graph (missing pairs = 0), by NN-chain."""
    links = _links(n, edges)
    size = [1] * n
    parent = list(range(n))
    done = [False] * n
    for start in range(n):
        chain = [] if done[start] or parent[start] != start else [start]
        while chain:
            a = chain[-1]
            best, sim = _nearest(links, size, a)
            if sim < threshold:  # reducibility: a's similarities can only fall from here on
                done[a] = True
                chain.pop()
                continue
            prev = chain[-2] if len(chain) > 1 else -1
            if prev >= 0 and links[a].get(prev, 0.0) / (size[a] * size[prev]) >= sim:
                del chain[-2:]
                merged = _merge(links, size, parent, a, prev)
                if not chain:
                    chain.append(merged)
            else:
                chain.append(best)
    return [_find(parent, i) for i in range(n)]


def _find(parent: list[int], i: int) -> int:
    """Root of ``i`` in a parent forest."""
    while parent[i] != i:
        i = parent[i]
    return i
