"""Behaviour of news.nlp sentence splitting and news.summarize."""

import pytest

from news._summary_compress import balance_quotes, strip_dateline, variants
from news.nlp import split_sentences, stem, terms
from news.summarize import summarize, summarize_group

STORY = (
    "The city council approved a new budget for public parks on Monday. "
    "The parks budget adds money for trees, benches and playgrounds across the city. "
    "Council member Ana Ruiz said the parks plan was overdue. "
    "It rained in the afternoon. "
    "Critics of the budget said the city should spend the parks money on roads instead."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith went home. He slept.", ["Mr. Smith went home.", "He slept."]),
        ("The U.S. economy grew. Prices rose.", ["The U.S. economy grew.", "Prices rose."]),
        ("He moved to the U.S. The move was hard.", ["He moved to the U.S.", "The move was hard."]),
        ("The euro hit $1.2871 on Friday. It fell later.", ["The euro hit $1.2871 on Friday.", "It fell later."]),
        ('She said "We won." Then she left.', ['She said "We won."', "Then she left."]),
        ("John F. Kennedy spoke. Crowds cheered!", ["John F. Kennedy spoke.", "Crowds cheered!"]),
        ("First para.\n\nSecond para", ["First para.", "Second para"]),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_terms_drop_stopwords_and_stem() -> None:
    assert terms("The voters were voting in elections") == ["voter", "vote", "elect"]
    assert stem("Elections") == "elect"


@pytest.mark.parametrize("k", [1, 2, 3])
def test_summarize_length_and_order(k: int) -> None:
    out = summarize(STORY, k)
    sentences = split_sentences(STORY)
    assert len(out) == k
    assert [sentences.index(s) for s in out] == sorted(sentences.index(s) for s in out)


def test_summarize_prefers_central_sentences() -> None:
    out = summarize(STORY, 2)
    assert "It rained in the afternoon." not in out


@pytest.mark.parametrize(("text", "expected"), [("", []), ("One sentence only.", ["One sentence only."])])
def test_summarize_short_inputs(text: str, expected: list[str]) -> None:
    assert summarize(text, 3) == expected


def test_summarize_is_deterministic() -> None:
    assert summarize(STORY, 3) == summarize(STORY, 3)


REPORTS = [
    "Storms flooded the river town of Millbrook on Sunday. Hundreds of residents left their homes.",
    "Floods hit Millbrook after storms on Sunday, forcing hundreds of residents from their homes. "
    "The mayor asked for state help.",
    "The mayor of Millbrook asked the state for help after Sunday's floods. Schools will stay closed.",
]


def test_summarize_group_removes_redundancy() -> None:
    out = summarize_group(REPORTS, 3)
    assert 1 <= len(out) <= 3
    assert len(set(out)) == len(out)
    flood_leads = [s for s in out if s.startswith(("Storms flooded", "Floods hit"))]
    assert len(flood_leads) <= 1 or len(out) == 3


@pytest.mark.parametrize(("texts", "expected"), [([], []), ([""], []), (["Only one."], ["Only one."])])
def test_summarize_group_edge_cases(texts: list[str], expected: list[str]) -> None:
    assert summarize_group(texts, 3) == expected


def test_summarize_group_prefers_facts_the_reports_share() -> None:
    out = summarize_group(REPORTS, 3)
    assert any("Millbrook" in s for s in out)
    assert "Schools will stay closed." not in out


def test_summarize_group_drops_datelines() -> None:
    reports = [
        "WASHINGTON (AP) — The Zorvian senate passed the water bill on Monday. Critics objected.",
        "The Zorvian senate passed the water bill on Monday after a long debate.",
    ]
    out = summarize_group(reports, 2)
    assert out
    assert not any(s.startswith("WASHINGTON") for s in out)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("(CNN) - The Zorvian senate passed the bill.", "The Zorvian senate passed the bill."),
        ("(CNN)The Zorvian senate passed the bill.", "The Zorvian senate passed the bill."),
        ("DENVER — The Zorvian senate passed the bill.", "The Zorvian senate passed the bill."),
        ("COVID-19 cases rose again in Zorvia.", "COVID-19 cases rose again in Zorvia."),
        ("A US-led team met in Zorvia.", "A US-led team met in Zorvia."),
        ("Republished from World Wire: Strikes cut power in Zorvia.", "Strikes cut power in Zorvia."),
        ("Syndicated by Zorvia Press: The senate passed the bill.", "The senate passed the bill."),
        ("Via Reuters: The senate passed the bill.", "The senate passed the bill."),
        ("Republished figures: 3 of 4 rose.", "Republished figures: 3 of 4 rose."),
        ("Reprinted books sold well: 3 of 4 rose.", "Reprinted books sold well: 3 of 4 rose."),
        ("TEHRAN, Iran (AP) — Iran denied the report.", "Iran denied the report."),
        ("DES MOINES, Iowa (AP) — The vote began.", "The vote began."),
        ("Washington (CNN) -- The senate voted.", "The senate voted."),
        ("New York (CNN Business) - Shares fell.", "Shares fell."),
        ("PROGRESO, Texas — Two days later, crews left.", "Two days later, crews left."),
        ("KISSIMMEE, Fla. — The season restarted.", "The season restarted."),
        ("Doha, Qatar - Talks resumed.", "Talks resumed."),
        ("LONDON, Jan 20 (Reuters) - The economy shrank.", "The economy shrank."),
        ("WASHINGTON, Jan. 20 (Reuters) - The vote passed.", "The vote passed."),
        ("Paris, 20 January (AFP) - Talks ended.", "Talks ended."),
        ("BRUSSELS, Jan 20 — Ministers met.", "Ministers met."),
        ("LOS ANGELES, California (AP) — A wildfire spread.", "A wildfire spread."),
        ("The Hague, Netherlands (AP) — A court ruled.", "A court ruled."),
        ("The Hague (CNN) — A court ruled.", "A court ruled."),
        ("In May, 20 people - Three left.", "In May, 20 people - Three left."),
        ("Republican National Committee (RNC) Chair Ronna McDaniel spoke.",
         "Republican National Committee (RNC) Chair Ronna McDaniel spoke."),
        ("Schools' Factual (secondary) - In Search won.", "Schools' Factual (secondary) - In Search won."),
        ("Donald Trump still has grievances — and a rally.", "Donald Trump still has grievances — and a rally."),
        ("Senate Republicans — in the dark — voted.", "Senate Republicans — in the dark — voted."),
    ],
)
def test_strip_dateline(sentence: str, expected: str) -> None:
    assert strip_dateline(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        'On Monday, Biden — "We will not back down," he said.',
        "Like Boeing, Airbus — The European rival — struggled.",
        "For Apple, China — Its second market — matters.",
        "Tesla (TSLA) - Shares rose 5% on Tuesday.",
        "President Biden (D) - He said the bill passed.",
    ],
)
def test_phrases_that_look_like_datelines_stay(sentence: str) -> None:
    assert strip_dateline(sentence) == sentence


@pytest.mark.parametrize(
    ("sentence", "later"),
    [
        ("Doha, Qatar - Talks resumed.", "Doha, Qatar - Talks resumed."),
        ("TEHRAN, Iran (AP) — Iran denied it.", "TEHRAN, Iran (AP) — Iran denied it."),
        ("LONDON, Jan 20 (Reuters) - Shares fell.", "LONDON, Jan 20 (Reuters) - Shares fell."),
        ("WASHINGTON (AP) — The vote passed.", "The vote passed."),
        ("DENVER — The vote passed.", "The vote passed."),
    ],
)
def test_title_case_and_dated_datelines_only_open_a_story(sentence: str, later: str) -> None:
    assert strip_dateline(sentence, lead=False) == later


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ('"Let me be clear, we are leaving.', '"Let me be clear, we are leaving."'),
        ("“They have a right to a family.", "“They have a right to a family.”"),
        ('McConnell tweeted, "The winner will be inaugurated.', 'McConnell tweeted, "The winner will be inaugurated."'),
        ("He was escorted out on Friday, his lawyer said.\"", "He was escorted out on Friday, his lawyer said."),
        ("Trump threatened Google in a tweet.”", "Trump threatened Google in a tweet."),
        ('He called it "a stunt" on Sunday.', 'He called it "a stunt" on Sunday.'),
        ("He called it a “PR stunt.\"", "He called it a “PR stunt.\""),
        ("It's the senator's bill.", "It's the senator's bill."),
        ("We always do,” he said on Monday.", "“We always do,” he said on Monday."),
        ('We always do," he said on Monday.', '"We always do," he said on Monday.'),
        ('The 65" TV costs $500 at the store.', 'The 65" TV costs $500 at the store.'),
        ('The 12" pizza was named “the best.”', 'The 12" pizza was named “the best.”'),
        ('"Yes," he said, "and no.', '"Yes," he said, "and no."'),
        ('Critics tied him to "Project 2025" on Tuesday.', 'Critics tied him to "Project 2025" on Tuesday.'),
        ('The crew of "Apollo 13" came home.', 'The crew of "Apollo 13" came home.'),
        ('The notice read:"We are closed.', 'The notice read:"We are closed."'),
    ],
)
def test_balance_quotes(sentence: str, expected: str) -> None:
    assert balance_quotes(sentence) == expected


def test_summaries_never_leave_a_quotation_open() -> None:
    story = '"We will rebuild the Zorvian bridge. It will take a year," the mayor said. Crews arrived on Monday.'
    cut = summarize(story, 1)
    assert all(sum(s.count(c) for c in '"“”') % 2 == 0 for s in cut)
    reports = [  # the clause cut keeps the closing mark of the quotation it removes
        'Lt. Col. Vindman was escorted out of the White House on Friday, his lawyer said, adding Trump had "decided to '
        'exact revenge." He testified in November.',
        "Lt. Col. Vindman was escorted out of the White House on Friday, his lawyer said.",
        "Lt. Col. Vindman was escorted out of the White House on Friday.",
    ]
    expected = "Lt. Col. Vindman was escorted out of the White House on Friday, his lawyer said."
    assert summarize_group(reports, 1) == [expected]


def test_variants_are_grammatical_compressions() -> None:
    sentence = "But the Zorvian senate passed the water bill (a first) on Monday, according to local media."
    out = variants(sentence)
    assert out[0] == sentence
    assert "The Zorvian senate passed the water bill on Monday." in out
    assert all(v.endswith(".") and v[0].isupper() for v in out)


def test_summarize_group_uses_one_version_of_each_sentence() -> None:
    reports = [
        "The Zorvian senate passed the water bill on Monday, handing the governor a long-sought victory.",
        "The Zorvian senate passed the water bill on Monday after a long debate over costs.",
        "Lawmakers in Zorvia approved the water bill on Monday, officials said.",
    ]
    out = summarize_group(reports, 3)
    assert out
    stems = [s.split(" on Monday")[0] for s in out]
    assert len(set(stems)) == len(stems)


def _source_index(summary: str, sentences: list[str]) -> int:
    """Index of the first input sentence of which ``summary`` is a word-level compression (a subsequence)."""
    wanted = summary.rstrip(".").split()
    for i, sentence in enumerate(sentences):
        pool = iter(sentence.rstrip(".").split())
        if all(any(w.lower() == p.lower() for p in pool) for w in wanted):
            return i
    raise AssertionError(f"not a compression of any input sentence: {summary!r}")


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_summarize_group_bound_and_order(k: int) -> None:
    out = summarize_group(REPORTS, k)
    sentences = [s for text in REPORTS for s in split_sentences(text)]
    assert 1 <= len(out) <= k
    sources = [_source_index(s, sentences) for s in out]
    assert sources == sorted(sources)
    assert len(set(sources)) == len(sources)


@pytest.mark.parametrize("k", [2, 3, 4])
def test_summarize_group_never_repeats_a_sentence(k: int) -> None:
    out = summarize_group([*REPORTS, REPORTS[0], REPORTS[0]], k)  # verbatim copies of one report
    assert len({s.lower() for s in out}) == len(out)


def test_summarize_group_zero_sentences() -> None:
    assert summarize_group(REPORTS, 0) == []
