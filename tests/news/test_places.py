"""Places a headline names (news._places), and the pairs of headlines they keep apart."""

from __future__ import annotations

import pytest

from news._places import places
from news.cluster import group_headlines


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Russian Drone and Missile Attack Disrupts Power and Water in Kyiv", {"russia", "ukraine", "russia+"}),
        ("Ukrainian troops are advancing toward the southern region of Kherson", {"ukraine", "russia+"}),
        ("Russia-Ukraine talks; Kyiv's mayor", {"russia", "ukraine", "russia+"}),
        ("Netanyahu vows to press on in Rafah", {"israel", "palestine", "israel+"}),
        ("CBS News to Air Delayed 60 Minutes Report on El Salvador’s CECOT Mega-Prison", {"el salvador"}),
        ("South Korean exporters; Seoul seeks tariff relief", {"south korea", "north korea+"}),
        ("Pentagon Prepares Alaska Troops for Possible Minnesota Deployment", {"alaska", "minnesota"}),
        ("ICE officer shoots a woman in Minneapolis", {"minnesota"}),
        ("Hong Kong protests; Greenland votes", {"hong kong", "china", "china+", "greenland", "denmark"}),
        ("Georgia runoff; protests in Tbilisi", {"georgia", "georgia (country)"}),
        ("New York Times: New South Wales floods", {"australia"}),
        ("Trump Pardons Thanksgiving Turkey as Jim Jordan Subpoenas Paris Hilton", set()),
        ("UK and uk: only the capitals are the country", {"united kingdom"}),
        ("a turkey sandwich, china plates and a jordan shoe", set()),
        ("U.S. and American officials meet in Washington", set()),  # the US is left out: it is beside every event
        ("Shooting near New York's Times Square", {"new york"}),  # a name never runs on past a possessive
        ("Turkey: day of mourning after the quake", {"turkey"}),
        ("Türkiye and São Paulo", {"turkey", "brazil"}),
        ("KYIV'S MAYOR WARNS", {"ukraine", "russia+"}),
        ("Georgia protests turn violent", {"georgia", "georgia (country)"}),  # the state or the country
        ("", set()),
    ],
)
def test_places_a_text_names(text: str, named: set[str]) -> None:
    assert places(text) == named


def test_headlines_naming_different_places_are_different_events() -> None:
    """They share 'possible', 'amid' and 'protests', or 'attack', or 'prison': Iran is not Minnesota."""
    titles = [
        "Iran Warns of Harsh Response to Possible U.S. Strike Amid Deadly Nationwide Protests",
        "Pentagon Prepares Alaska Troops for Possible Minnesota Deployment Amid Immigration Protests",
        "U.S. Military Kills Al Qaeda-Linked Leader Connected to Deadly ISIS Attack in Syria",
        "Russian Drone and Missile Attack Disrupts Power and Water in Kyiv",
        "CBS News to Air Delayed 60 Minutes Report on El Salvador’s CECOT Mega-Prison",
        "Guatemala Declares State of Siege After Deadly Gang Violence and Prison Hostage Crisis",
        "Iran warns of harsh response to any US strike as protests continue",
    ]
    labels = group_headlines(titles)
    assert len(set(labels[:6])) == 6
    assert labels[6] == labels[0]
