"""Briefs from the seeds: events grouped as a reader expects, ranked by coverage, filtered by topic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from news.briefing import compose_briefing, matches_topics
from news.feeds import parse_document
from news.models import Link, Story, StoryGroup
from tests.conftest import SEEDS

NOW = datetime(2026, 1, 20, 18, 0, tzinfo=UTC)
GREENLAND_SEEDS = {
    "Trump Escalates Greenland Rhetoric, Citing Russia Threat and Pressure on Denmark",
    "EU Prepares Retaliation as Trump Tariff Threats Over Greenland Escalate Transatlantic Tensions",
    "EU Ambassadors Hold Emergency Talks as Trump Threatens Tariffs Over Greenland Dispute",
}


def seed_stories(*names: str) -> list[Story]:
    stories: list[Story] = []
    for name in names:
        feed = parse_document((SEEDS / name).read_bytes(), name=name)
        for entry in feed.entries:
            published = entry.published_at or NOW
            link = Link(feed.title or name, entry.url)
            stories.append(Story(len(stories) + 1, entry.title, entry.text, entry.url, published, (link,)))
    return [story for story in stories if story.published_at > NOW - timedelta(days=1)]


def groups_of(stories: list[Story], topics: tuple[str, ...] = ()) -> list[set[str]]:
    briefing = compose_briefing(stories, now=NOW, title="T", topics=topics, max_groups=50)
    return [{story.title for story in group.stories} for group in briefing.groups]


def test_sample_document_groups_related_headlines() -> None:
    groups = groups_of(seed_stories("sample-document.txt"))
    greenland = next(group for group in groups if GREENLAND_SEEDS & group)
    assert greenland >= GREENLAND_SEEDS
    assert "U.S. Officials Clash Over Greenland Proposal as Tensions With Europe Rise" in greenland
    peace = next(group for group in groups if any("Peace" in title for title in group))
    assert len(peace) == 2 and all("Peace" in title for title in peace)
    assert not any("Memory Chip" in title for title in greenland)
    assert max(len(group) for group in groups) == len(greenland)  # no larger group of loosely related stories
    kherson = next(group for group in groups if any("Kherson" in title for title in group))
    # the Ukrainian advance may stand with the Russian strike on Kyiv (one war, "Russian" in both), with nothing else
    assert all("Kherson" in title or "Kyiv" in title for title in kherson), kherson
    assert all(len(group) == 1 for group in groups if not group & (GREENLAND_SEEDS | peace | kherson)), groups


def test_feeds_and_document_together_keep_events_apart() -> None:
    stories = seed_stories("sample-document.txt", "feeds/world-wire.rss", "feeds/europe-desk.atom", "feeds/briefs.json")
    groups = groups_of(stories)
    for group in groups:
        topics = {word for word in ("Greenland", "Kyiv", "Guatemala", "France", "Peace", "Chip") if
                  any(word.lower() in title.lower() for title in group)}
        assert len(topics) <= 1, group
    greenland = [group for group in groups if any("Greenland" in title for title in group)]
    assert sum(len(group) for group in greenland) == 8


@pytest.mark.parametrize(("topic", "word"), [("greenland", "Greenland"), ("guatemala", "Guatemala")])
def test_topic_keeps_only_matching_groups(topic: str, word: str) -> None:
    stories = seed_stories("sample-document.txt", "feeds/world-wire.rss")
    for group in groups_of(stories, (topic,)):
        assert any(word in title for title in group)


def test_most_covered_event_comes_first() -> None:
    stories = seed_stories("sample-document.txt", "feeds/world-wire.rss", "feeds/europe-desk.atom", "feeds/briefs.json")
    briefing = compose_briefing(stories, now=NOW, title="T")
    coverage = [len({link.source_name for link in group.links}) for group in briefing.groups]
    assert coverage[0] == max(coverage) and coverage[0] >= 3


def _group(title: str, text: str = "") -> StoryGroup:
    return StoryGroup(label="", headline=title, summary=[], stories=[Story(1, title, text, None, NOW, ())])


@pytest.mark.parametrize(
    ("topic", "title", "matches"),
    [
        ("US", "US imposes tariffs on Canadian steel", True),
        ("US", "U.S. officials clash over Greenland", True),
        ("US", "Tell us what you think of the plan", False),
        ("WHO", "WHO warns of a measles outbreak", True),
        ("WHO", "Who will win the cup final?", False),
        ("IT", "IT outage grounds flights across Europe", True),
        ("IT", "It rained all day in Lisbon", False),
        ("UN", "UN envoy arrives in Gaza", True),
        ("US tariffs", "US imposes tariffs on Canadian steel", True),
        ("US tariffs", "US troops leave Syria", False),
    ],
)
def test_an_acronym_topic_matches_the_stories_that_name_it(topic: str, title: str, matches: bool) -> None:
    assert matches_topics(_group(title), [topic]) is matches
    assert matches_topics(_group("Markets", f"Reports say: {title}"), [topic]) is matches
