"""Domain dataclasses shared by every layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time


@dataclass(frozen=True, slots=True)
class Entry:
    """One item read from a feed or document, before it is stored."""

    title: str
    url: str | None
    guid: str | None
    text: str
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a feed document yields: its title, entries and any recoverable problem."""

    title: str
    entries: list[Entry]
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """A feed or file the bot polls."""

    id: int
    url: str
    name: str
    last_fetched_at: datetime | None = None
    last_error: str | None = None
    story_count: int = 0
    last_success_at: datetime | None = None
    next_check_at: datetime | None = None
    interval_seconds: int = 900
    paused: bool = False
    failures: int = 0
    warning: str | None = None
    fulltext: bool = False
    stories_last_day: int = 0


@dataclass(frozen=True, slots=True)
class Link:
    """Where one source published a story."""

    source_name: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Story:
    """A stored story, with every source that carried it."""

    id: int
    title: str
    text: str
    url: str | None
    published_at: datetime
    links: tuple[Link, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryGroup:
    """Stories reporting one event, with what a reader sees of them."""

    label: str
    headline: str
    summary: list[str]
    stories: list[Story]
    developing: bool = False

    @property
    def links(self) -> list[Link]:
        """One link per source (its first report of the event), first seen first."""
        seen: dict[str, Link] = {}
        for story in self.stories:
            for link in story.links:
                seen.setdefault(link.source_name, link)
        return list(seen.values())


@dataclass(frozen=True, slots=True)
class Briefing:
    """The period's groups, best first, as a brief or digest shows them."""

    title: str
    groups: list[StoryGroup]
    topic: str | None = None
    story_count: int = 0


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result with its highlighted snippet (sentinel-marked, not HTML)."""

    story: Story
    snippet: str
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of search results."""

    query: str
    hits: list[SearchHit]
    page: int
    total: int
    per_page: int
    capped: bool = False
    notes: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        """Number of pages, at least one."""
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True, slots=True)
class Subscription:
    """A chat's digest setting: local time of day and IANA time zone."""

    chat_id: int
    at: time
    timezone: str
    topics: tuple[str, ...] = field(default_factory=tuple)
    active: bool = True
    next_due_at: datetime | None = None
