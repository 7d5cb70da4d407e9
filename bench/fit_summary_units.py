"""Fit news._summary_units (UNIT_BIAS, UNIT_WEIGHTS) on the NeuS/AllSides development events; print the constants.

Every bigram of every candidate unit of news.summarize_group is a row: did the editor's summary use it? The model is
sigmoid(logit(hand-set odds) + intercept + sum of weight x standardised feature), an L2-penalised logistic regression
(Newton steps). The shipped shift drops the intercept, shrinks the weights by SHRINK and centres them on the events.

Usage: python bench/fit_summary_units.py [--data DIR] [--part all|even|odd]   (even/odd: half the events, to cross-fit)
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from news import summarize  # noqa: E402
from news._summary_units import UNIT_WEIGHTS  # noqa: E402

FEATURES = list(UNIT_WEIGHTS)
L2 = 100.0
SHRINK = 0.75
Event = tuple[list[str], str]


def load(data: Path, part: str) -> list[Event]:
    """(report texts, editor's summary) of the events, skipping duplicates; `part` keeps even or odd records."""
    events = []
    with (data / "neus-allsides/events_dev.jsonl").open(encoding="utf-8") as fh:
        for index, line in enumerate(fh):
            record = json.loads(line)
            if record["duplicate_of"] or (part == "even" and index % 2) or (part == "odd" and not index % 2):
                continue
            events.append(([a["text"] for a in record["articles"]], record["summary"]))
    return events


def rows(events: list[Event]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, offsets (hand-set logits) and outcomes of every candidate bigram."""
    features, offsets, used = [], [], []
    for texts, reference in events:
        wanted = set(itertools.pairwise(summarize._tokens(reference)))
        _, odds, unit_features, *_ = summarize._candidates(texts)
        for unit_odds, values in zip(odds, unit_features, strict=True):
            vector = [values[name] for name in FEATURES]
            for pair, p in unit_odds.items():
                features.append(vector)
                offsets.append(math.log(p / (1 - p)))
                used.append(pair in wanted)
    return np.array(features), np.array(offsets), np.array(used, dtype=float)


def fit(x: np.ndarray, offset: np.ndarray, y: np.ndarray, iterations: int = 25) -> tuple[np.ndarray, ...]:
    """Weights (intercept first) over standardised features, with the features' means and deviations."""
    mean, deviation = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / deviation])
    weights = np.zeros(z.shape[1])
    penalty = np.r_[0.0, np.full(len(mean), L2)]
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(z @ weights + offset)))
        gradient = z.T @ (p - y) + penalty * weights
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        weights -= np.linalg.solve(hessian, gradient)
    return weights, mean, deviation


def main(argv: list[str] | None = None) -> int:
    """Fit on the chosen events and print the constants as news/_summary_units.py writes them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--part", choices=("all", "even", "odd"), default="all")
    args = parser.parse_args(argv)
    events = load(args.data, args.part)
    print(f"{len(events):,} events ({args.part}); fitting...", file=sys.stderr)
    weights, mean, deviation = fit(*rows(events))
    coefficients = SHRINK * weights[1:] / deviation
    print(f"UNIT_BIAS = {-float((coefficients * mean).sum()):.4f}")
    print("UNIT_WEIGHTS: dict[str, float] = {")
    for name, value in zip(FEATURES, coefficients, strict=True):
        print(f'    "{name}": {value:.4f},')
    print("}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
