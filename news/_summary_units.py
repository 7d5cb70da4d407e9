"""A learned, unit-level correction to the group summary's bigram odds (news.summarize).

news.summarize scores each bigram of a candidate unit (a sentence or a compression of one) by hand-set odds that an
editor's summary reuses it. Those odds are over-confident in short units dense in likely bigrams. The correction adds
one shift per unit to all its bigrams' logits: a linear function of the unit's features and its report's, fitted by
bench/fit_summary_units.py (L2-penalised logistic regression, the hand-set odds as offset, the weights shrunk by
0.75) on the development events of NeuS/AllSides. Report features are standardised within the event, so the order of
the reports never matters.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from news.nlp import STOPWORDS, words

__all__ = ["UNIT_BIAS", "UNIT_WEIGHTS", "report_features", "shifted", "unit_features", "unit_shift"]

Bigram = tuple[str, str]

# Fitted by bench/fit_summary_units.py (weights per raw feature; the bias centres the shift on the fitted events).
UNIT_BIAS = -1.1653
UNIT_WEIGHTS: dict[str, float] = {
    "position": 0.1850,
    "length": -0.0150,
    "log_length": 0.4893,
    "word_share": 0.7907,
    "pair_share": -0.3057,
    "centrality": -0.0864,
    "centrality_norm": 0.7933,
    "mass": -0.0247,
    "density": -2.4867,
    "capitals": 0.5708,
    "digits": 1.2094,
    "doc_lead_share": 0.0394,
    "doc_first_share": 0.0420,
    "doc_said": 0.0533,
}


def report_features(
    texts: Sequence[str], toks: Sequence[list[list[str]]], bigrams: Sequence[set[Bigram]]
) -> list[dict[str, float]]:
    """Per report, within-event z-scores of: how much its lead's bigrams the other reports use (first four
    sentences and first sentence alone), and its share of attribution verbs."""
    raw: list[list[float]] = []
    for d, doc in enumerate(toks):
        others = [e for e in range(len(toks)) if e != d]
        lead4 = {b for s in doc[:4] for b in itertools.pairwise(s)}
        first = doc[0] if doc else []
        lead1 = set(itertools.pairwise(first))
        ws = words(texts[d])
        said = sum(w.lower() in ("said", "says", "told") for w in ws) / max(len(ws), 1)
        if others:
            lead_share = sum(len(lead4 & bigrams[e]) / max(len(lead4), 1) for e in others) / len(others)
            first_share = sum(len(lead1 & bigrams[e]) / max(len(first) - 1, 1) for e in others) / len(others)
        else:
            lead_share = first_share = 0.0
        raw.append([lead_share, first_share, said])
    names = ("doc_lead_share", "doc_first_share", "doc_said")
    out: list[dict[str, float]] = [{} for _ in raw]
    if not raw:
        return out
    for j, name in enumerate(names):
        column = [r[j] for r in raw]
        mean = sum(column) / len(column)
        sd = math.sqrt(sum((x - mean) ** 2 for x in column) / len(column)) + 1e-9
        for d, x in enumerate(column):
            out[d][name] = (x - mean) / sd
    return out


def unit_features(
    raw: list[str],
    toks: list[str],
    pos: int,
    odds: dict[Bigram, float],
    others: Sequence[tuple[set[Bigram], set[str]]],
    other_sentences: Sequence[tuple[set[str], int]],
    n_sentences: int,
) -> dict[str, float]:
    """Position, length, share of content words and bigrams in the other reports, centrality, likely-bigram
    mass and density, capitals and numbers of one candidate unit."""
    n = len(toks)
    content = {w for w in toks if w not in STOPWORDS}
    pairs = list(itertools.pairwise(toks))
    word_share = max((len(content & vocab) / max(len(content), 1) for _, vocab in others), default=0.0)
    pair_share = max((sum(p in bg for p in pairs) / max(len(pairs), 1) for bg, _ in others), default=0.0)
    centrality = 0.0
    for sentence, length in other_sentences:
        den = math.log(n + 1) + math.log(length + 1)
        centrality += len(content & sentence) / den if den > 0 else 0.0
    mass = sum(odds.values())
    return {
        "position": 1.0 / (1 + pos),
        "length": float(n),
        "log_length": math.log(n + 1),
        "word_share": word_share,
        "pair_share": pair_share,
        "centrality": centrality,
        "centrality_norm": centrality / max(1, n_sentences),
        "mass": mass,
        "density": mass / (n + 1),
        "capitals": sum(w[:1].isupper() for w in raw[1:]) / max(n, 1),
        "digits": sum(w[:1].isdigit() for w in raw) / max(n, 1),
    }


def unit_shift(features: dict[str, float]) -> float:
    """The unit-level correction to the logits of a unit's bigrams."""
    return UNIT_BIAS + sum(w * features[name] for name, w in UNIT_WEIGHTS.items())


def shifted(odds: dict[Bigram, float], shift: float) -> dict[Bigram, float]:
    """Move every probability by ``shift`` on the logit scale."""
    if not shift:
        return odds
    factor = math.exp(shift)
    return {pair: p * factor / (1.0 - p + p * factor) for pair, p in odds.items()}
