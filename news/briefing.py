"""Composing a brief or digest: stories grouped by event, summarized, ranked, filtered by topic."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from news.cluster import best_headline, group_headlines, label_group
from news.models import Briefing, Story, StoryGroup
from news.nlp import topic_terms
from news.summarize import summarize, summarize_group

DEVELOPING_SPAN = timedelta(hours=20)
RECENCY_HALF_LIFE_HOURS = 12.0


def compose_briefing(
    stories: Sequence[Story],
    *,
    now: datetime,
    title: str,
    topics: Sequence[str] = (),
    max_groups: int = 8,
    method: str = "lexical",
    background: Sequence[tuple[str, str]] = (),
) -> Briefing:
    """Group stories by event, keep those about the topics (if any), best-covered and newest first; `background`
    (earlier stories' titles and texts) tells the grouping which words are common."""
    if not stories:
        return Briefing(title=title, groups=[], topic=", ".join(topics) or None)
    # Times are left out on purpose: within one day's window the untimed grouping separates close events better,
    # and the stream mode (time decay) is meant for long, busy streams.
    titles, texts = [story.title for story in stories], [story.text for story in stories]
    labels = group_headlines(titles, texts, method=method, background=background)
    members: dict[int, list[Story]] = {}
    for label, story in zip(labels, stories, strict=True):
        members.setdefault(label, []).append(story)
    groups = [_make_group(group) for group in members.values()]
    if topics:
        groups = [group for group in groups if matches_topics(group, topics)]
    groups.sort(key=lambda group: _rank(group, now), reverse=True)
    return Briefing(
        title=title,
        groups=groups[:max_groups],
        topic=", ".join(topics) or None,
        story_count=sum(len(group.stories) for group in groups),
    )


def _make_group(stories: list[Story]) -> StoryGroup:
    ordered = sorted(stories, key=lambda story: story.published_at)
    titles = [story.title for story in ordered]
    texts = [story.text for story in ordered if story.text.strip()]
    if len(texts) > 1:
        summary = summarize_group(texts, max_sentences=2)
    else:
        summary = summarize(texts[0], max_sentences=2) if texts else []
    span = ordered[-1].published_at - ordered[0].published_at
    return StoryGroup(
        label=label_group(titles) if len(titles) > 1 else "",
        headline=best_headline(titles) if len(titles) > 1 else titles[0],
        summary=summary,
        stories=ordered,
        developing=span >= DEVELOPING_SPAN,
    )


def source_count(group: StoryGroup) -> int:
    """Number of distinct sources that reported the group's event."""
    return len({link.source_name for link in group.links}) or len(group.stories)


def _rank(group: StoryGroup, now: datetime) -> tuple[float, datetime]:
    latest = max(story.published_at for story in group.stories)
    age_hours = max(0.0, (now - latest).total_seconds() / 3600)
    freshness = 0.5 ** (age_hours / RECENCY_HALF_LIFE_HOURS)
    coverage = source_count(group) + 0.5 * (len(group.stories) - 1)
    return (coverage * (0.5 + freshness), latest)


def matches_topics(group: StoryGroup, topics: Sequence[str]) -> bool:
    """True when some topic has all its words (stemmed; acronyms such as US too) in the group's headlines or texts."""
    present: set[str] = set()
    for story in group.stories:
        present.update(topic_terms(story.title))
        present.update(topic_terms(story.text))
    wanted = [topic_terms(topic) for topic in topics]
    return any(words <= present for words in wanted if words) or not any(wanted)
