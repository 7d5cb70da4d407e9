"""The learned unit-level correction of group summaries (news._summary_units)."""

from __future__ import annotations

import itertools

import pytest

from news import summarize
from news._summary_units import UNIT_WEIGHTS, report_features, shifted, unit_features, unit_shift
from news.nlp import split_sentences, stem, words

REPORTS = [
    "Storms flooded the river town of Millbrook on Sunday. Hundreds of residents left their homes.",
    "Floods hit Millbrook after storms on Sunday, forcing hundreds of residents from their homes, officials said.",
    "The mayor of Millbrook asked the state for help after Sunday's floods. Schools will stay closed.",
]


def _report_inputs(texts: list[str]) -> tuple[list[list[list[str]]], list[set[tuple[str, str]]]]:
    toks = [[summarize._tokens(s) for s in split_sentences(t)] for t in texts]
    return toks, [{b for s in doc for b in itertools.pairwise(s)} for doc in toks]


def test_no_shift_leaves_the_odds_alone() -> None:
    odds = {("a", "b"): 0.2, ("b", "c"): 0.7}
    assert shifted(odds, 0.0) == odds


@pytest.mark.parametrize("shift", [-2.0, -0.5, 0.5, 2.0])
def test_a_shift_moves_every_probability_the_same_way_and_keeps_their_order(shift: float) -> None:
    odds = {("a", "b"): 0.05, ("b", "c"): 0.4, ("c", "d"): 0.9}
    moved = shifted(odds, shift)
    assert all(0.0 < p < 1.0 for p in moved.values())
    assert all((moved[pair] > odds[pair]) == (shift > 0) for pair in odds)
    assert sorted(moved, key=moved.__getitem__) == sorted(odds, key=odds.__getitem__)


def test_report_features_do_not_depend_on_the_order_of_the_reports() -> None:
    forward = report_features(REPORTS, *_report_inputs(REPORTS))
    backward = report_features(REPORTS[::-1], *_report_inputs(REPORTS[::-1]))
    for one, other in zip(forward, backward[::-1], strict=True):
        assert one == pytest.approx(other)


def test_report_features_of_one_report_or_none() -> None:
    assert report_features([], [], []) == []
    (alone,) = report_features(REPORTS[:1], *_report_inputs(REPORTS[:1]))
    assert alone == {"doc_lead_share": 0.0, "doc_first_share": 0.0, "doc_said": 0.0}


def test_every_weighted_feature_is_computed() -> None:
    toks = summarize._tokens(REPORTS[0])
    odds = {pair: 0.3 for pair in itertools.pairwise(toks)}
    features = unit_features(words(REPORTS[0]), toks, 0, odds, [], [], 1)
    features |= {"doc_lead_share": 0.0, "doc_first_share": 0.0, "doc_said": 0.0}
    assert set(features) == set(UNIT_WEIGHTS)
    assert isinstance(unit_shift(features), float)


def test_a_unit_the_other_reports_share_is_raised_above_one_they_do_not() -> None:
    """Same length and position: the unit whose content words another report uses gets the larger shift."""
    shared = "Storms flooded the river town of Millbrook on Sunday."
    alone = "A quiet garden party raised funds for the choir."
    others = [({("x", "y")}, {stem(w) for w in ("storms", "flooded", "river", "town", "millbrook", "sunday")})]

    def shift(sentence: str) -> float:
        toks = summarize._tokens(sentence)
        features = unit_features(words(sentence), toks, 0, {}, others, [], 1)
        return unit_shift(features | {"doc_lead_share": 0.0, "doc_first_share": 0.0, "doc_said": 0.0})

    assert shift(shared) > shift(alone)


def test_only_a_reports_opening_sentences_are_read() -> None:
    """Long reports (articles fetched in full) cost no more than their leads: what follows the twelfth sentence
    changes nothing."""
    filler = " ".join(f"Paragraph {index} adds detail about the recovery of the town." for index in range(12))
    long_reports = [f"{report} {filler}" for report in REPORTS]
    tail = " The recovery of the town will take months, the mayor of Millbrook said."
    longer = [report + tail for report in long_reports]
    assert summarize._candidates(long_reports) == summarize._candidates(longer)
    assert summarize.summarize_group(long_reports, 2) == summarize.summarize_group(longer, 2)
