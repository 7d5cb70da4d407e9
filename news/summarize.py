"""Extractive summaries of one story or of several reports of the same event."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from news.nlp import split_sentences, terms

__all__ = ["summarize", "summarize_group"]

Vector = dict[str, float]

_POSITION_DECAY = 0.5
_REDUNDANCY = 0.7
_MIN_WORDS = 4


def _vectors(token_lists: Sequence[list[str]]) -> list[Vector]:
    """Build L2-normalised sublinear TF-IDF vectors, IDF over the given units."""
    n = len(token_lists)
    df = Counter(t for toks in token_lists for t in set(toks))
    out: list[Vector] = []
    for toks in token_lists:
        vec = {t: (1.0 + math.log(c)) * math.log((n + 1) / df[t]) for t, c in Counter(toks).items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({t: v / norm for t, v in vec.items()})
    return out


def _cosine(a: Vector, b: Vector) -> float:
    """Dot product of two normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def _centroid(vectors: Sequence[Vector]) -> Vector:
    """Return the normalised sum of the given vectors."""
    acc: Counter[str] = Counter()
    for vec in vectors:
        acc.update(vec)
    norm = math.sqrt(sum(v * v for v in acc.values())) or 1.0
    return {t: v / norm for t, v in acc.items()}


def _select(scores: Sequence[float], vectors: Sequence[Vector], k: int) -> list[int]:
    """Pick ``k`` units by MMR: high score, low similarity to units already picked."""
    chosen: list[int] = []
    candidates = set(range(len(scores)))
    while candidates and len(chosen) < k:
        def gain(i: int) -> tuple[float, int]:
            red = max((_cosine(vectors[i], vectors[j]) for j in chosen), default=0.0)
            return (scores[i] - _REDUNDANCY * red * max(scores), -i)

        best = max(candidates, key=gain)
        chosen.append(best)
        candidates.discard(best)
    return chosen


def _position_prior(index: int) -> float:
    """Prior favouring early sentences (lead bias of news)."""
    return 1.0 / (1.0 + index) ** _POSITION_DECAY


def _overlap(a: set[str], b: set[str], len_a: int, len_b: int) -> float:
    """TextRank similarity: shared terms over the sum of log lengths."""
    den = math.log(len_a + 1) + math.log(len_b + 1)
    return len(a & b) / den if den > 0 else 0.0


def _degree_centrality(tokens: Sequence[list[str]]) -> list[float]:
    """Sum of TextRank similarities of each sentence to every other sentence."""
    sets = [set(t) for t in tokens]
    scores = [0.0] * len(tokens)
    for i in range(len(tokens)):
        for j in range(i + 1, len(tokens)):
            sim = _overlap(sets[i], sets[j], len(tokens[i]), len(tokens[j]))
            scores[i] += sim
            scores[j] += sim
    return scores


def summarize(text: str, max_sentences: int = 3) -> list[str]:
    """Return up to ``max_sentences`` key sentences of one story, in their original order."""
    sentences = split_sentences(text)
    if len(sentences) <= max_sentences:
        return sentences
    scores = _degree_centrality([terms(s) for s in sentences])
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    return [sentences[i] for i in sorted(ranked[:max_sentences])]


def summarize_group(texts: Sequence[str], max_sentences: int = 3) -> list[str]:
    """Return one summary of several reports of one event, without redundant sentences."""
    units: list[tuple[int, int, str]] = []
    for doc, text in enumerate(texts):
        units.extend((doc, pos, s) for pos, s in enumerate(split_sentences(text)))
    if not units:
        return []
    tokens = [terms(s) for _, _, s in units]
    vectors = _vectors(tokens)
    docs = [_centroid([v for (d, _, _), v in zip(units, vectors, strict=True) if d == k]) for k in range(len(texts))]
    scores: list[float] = []
    for (doc, pos, _), vec in zip(units, vectors, strict=True):
        others = [_cosine(vec, c) for k, c in enumerate(docs) if k != doc]
        support = sum(others) / len(others) if others else _cosine(vec, docs[doc])
        scores.append((support + 0.1) * _position_prior(pos))
    chosen = _select(scores, vectors, max_sentences)
    return [units[i][2] for i in sorted(chosen)]
