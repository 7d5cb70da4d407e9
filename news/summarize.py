"""Extractive summaries of one story or of several reports of the same event."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from news._summary_compress import balance_quotes, strip_dateline, variants
from news._summary_units import report_features, shifted, unit_features, unit_shift
from news.nlp import STOPWORDS, split_sentences, stem, terms, words

__all__ = ["summarize", "summarize_group"]

Bigram = tuple[str, str]

# Logistic model of "an editor's summary of the event reuses this bigram": a bigram the other reports
# share, early in its report, in a sentence whose words the others use, with names or numbers.
_BIAS = -3.4
_W_POSITION = 0.94  # times 1 / (1 + sentence index)
_W_SHARED = 4.0  # times the share of other reports containing the bigram
_W_WORDS = 0.86  # times the share of other reports containing each of its words
_W_CAPITAL = 0.39  # per capitalised word
_W_DIGIT = 0.5  # per number
_TARGET_RATIO = 0.3  # expected summary length, as a share of all the input's words
_CANDIDATE_DEPTH = 4  # only the first sentences of each report are candidates
_READ_DEPTH = 12  # and only the first sentences of each report tell what the others share (a lead is shorter)
_MAX_CANDIDATES = 20  # and of those (compressed variants included), the densest in likely bigrams


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
    """Return up to ``max_sentences`` key sentences of one story, in their original order (datelines dropped)."""
    sentences = split_sentences(text)
    chosen = list(range(len(sentences)))
    if len(sentences) > max_sentences:
        scores = _degree_centrality([terms(s) for s in sentences])
        chosen = sorted(sorted(chosen, key=lambda i: (-scores[i], i))[:max_sentences])
    return [balance_quotes(strip_dateline(sentences[i], lead=i == 0)) for i in chosen]


def _tokens(sentence: str) -> list[str]:
    """Lower-cased stems of every word (stopwords kept, as ROUGE-style overlap counts them)."""
    return [stem(w) for w in words(sentence.lower())]


def _bigram_odds(
    raw: list[str], toks: list[str], pos: int, others: Sequence[tuple[set[Bigram], set[str]]]
) -> dict[Bigram, float]:
    """Probability that an editor's summary reuses each bigram of one sentence."""
    share = 1.0 / max(len(others), 1)
    out: dict[Bigram, float] = {}
    for j, pair in enumerate(itertools.pairwise(toks)):
        shared = sum(pair in bigrams for bigrams, _ in others) * share
        word_share = sum(w in vocab for _, vocab in others for w in pair) * share / 2.0
        caps = sum(w[:1].isupper() for w in raw[j : j + 2])
        digits = sum(w[:1].isdigit() for w in raw[j : j + 2])
        z = _BIAS + _W_POSITION / (1 + pos) + _W_SHARED * shared + _W_WORDS * word_share
        z += _W_CAPITAL * caps + _W_DIGIT * digits
        out[pair] = max(out.get(pair, 0.0), 1.0 / (1.0 + math.exp(-z)))
    return out


def _best_subset(
    odds: Sequence[dict[Bigram, float]], lengths: Sequence[int], groups: Sequence[int], k: int, target: float
) -> tuple[int, ...]:
    """Up to ``k`` units, one per source sentence at most, maximising expected bigram F1 against ``target`` words."""
    density = [sum(o.values()) / (n + 1) for o, n in zip(odds, lengths, strict=True)]
    pool = sorted(sorted(range(len(odds)), key=lambda i: (-density[i], i))[:_MAX_CANDIDATES])
    best: tuple[int, ...] = ()
    best_value = -1.0
    for size in range(1, k + 1):
        for combo in itertools.combinations(pool, size):
            if len({groups[i] for i in combo}) < size:
                continue
            merged: dict[Bigram, float] = {}
            for i in combo:
                for pair, p in odds[i].items():
                    merged[pair] = max(merged.get(pair, 0.0), p)
            n = sum(lengths[i] for i in combo)
            value = 2.0 * sum(merged.values()) / (max(n - 1, 0) + target)
            if value > best_value:
                best, best_value = combo, value
    return best


def _candidates(
    texts: Sequence[str],
) -> tuple[list[str], list[dict[Bigram, float]], list[dict[str, float]], list[int], list[int], float]:
    """Candidate units of a group summary with their bigram odds, features, lengths, source sentences and the
    target length."""
    docs = [[strip_dateline(s, lead=i == 0) for i, s in enumerate(split_sentences(t)[:_READ_DEPTH])] for t in texts]
    toks = [[_tokens(s) for s in doc] for doc in docs]
    sets = [({b for s in doc for b in itertools.pairwise(s)}, {w for s in doc for w in s}) for doc in toks]
    content = [(bg, {w for w in vocab if w not in STOPWORDS}) for bg, vocab in sets]
    sentences = [(d, {w for w in s if w not in STOPWORDS}, len(s)) for d, doc in enumerate(toks) for s in doc]
    reports = report_features([" ".join(doc) for doc in docs], toks, [bg for bg, _ in sets])
    units: list[str] = []
    odds: list[dict[Bigram, float]] = []
    features: list[dict[str, float]] = []
    lengths: list[int] = []
    groups: list[int] = []
    for d, doc in enumerate(docs):
        others = [x for e, x in enumerate(sets) if e != d]
        other_content = [x for e, x in enumerate(content) if e != d]
        other_sentences = [(s, n) for e, s, n in sentences if e != d]
        for pos, sentence in enumerate(doc[:_CANDIDATE_DEPTH]):
            for unit in variants(sentence):
                raw = words(unit)
                unit_tokens = _tokens(unit)
                unit_odds = _bigram_odds(raw, unit_tokens, pos, others)
                units.append(unit)
                odds.append(unit_odds)
                features.append(
                    unit_features(raw, unit_tokens, pos, unit_odds, other_content, other_sentences, len(sentences))
                    | reports[d]
                )
                lengths.append(len(unit_tokens))
                groups.append(d * _CANDIDATE_DEPTH + pos)
    target = _TARGET_RATIO * sum(len(t) for doc in toks for t in doc)
    return units, odds, features, lengths, groups, target


def summarize_group(texts: Sequence[str], max_sentences: int = 3) -> list[str]:
    """Return one summary of several reports of one event: the (lightly compressed) sentences an editor would reuse."""
    units, odds, features, lengths, groups, target = _candidates(texts)
    if not units:
        return []
    odds = [shifted(o, unit_shift(f)) for o, f in zip(odds, features, strict=True)]
    return [balance_quotes(units[i]) for i in sorted(_best_subset(odds, lengths, groups, max_sentences, target))]
