"""Brief and search use cases: reading stored stories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from news.briefing import compose_briefing
from news.errors import InvalidArgument, UselessQuery
from news.models import Briefing, SearchPage
from news.nlp import topic_terms
from news.query import MAX_COUNTED, parse_query
from services.clock import Clock
from storage import stories as story_repo
from storage.db import Database
from storage.search import search_stories

BRIEF_WINDOW = timedelta(hours=24)
BRIEF_STORY_LIMIT = 600
BACKGROUND_STORIES = 1000  # earlier stories whose words tell the grouping what is common (not grouped)
PER_PAGE = 5
MAX_PAGE = 200


def window(at: datetime | date) -> tuple[datetime | None, datetime]:
    """Where a brief as of `at` starts and ends, as briefing_until reads them: a date is its whole UTC day, from its
    first second to its last; an instant ends the day before it (start None)."""
    if isinstance(at, datetime):
        return None, at
    start = datetime.combine(at, time(), tzinfo=UTC)
    return start, start + timedelta(days=1, seconds=-1)


class BriefService:
    """Composes briefs and digests and runs searches."""

    def __init__(self, db: Database, clock: Clock, grouping: str = "lexical") -> None:
        self.db = db
        self.clock = clock
        self.grouping = grouping

    async def brief(self, topics: Sequence[str] = (), *, at: datetime | date | None = None) -> Briefing:
        """The stories of the day up to `at` (default now), or of the whole UTC day `at` names when it is a date,
        grouped by event, optionally about some topics.

        InvalidArgument for topics with no word in them (such as emoji), which would otherwise match every story."""
        if topics and not any(topic_terms(topic) for topic in topics):
            raise InvalidArgument("a topic needs a word, such as: greenland")
        since, until = window(at if at is not None else self.clock())
        return await self.briefing_until(until, topics, title=f"Top stories · {until:%d %b %Y}", since=since)

    async def briefing_until(
        self, until: datetime, topics: Sequence[str] = (), *, title: str, since: datetime | None = None
    ) -> Briefing:
        """The briefing of the stories from `since` (default: a day before `until`) up to `until`, both included."""
        since = since or until - BRIEF_WINDOW
        async with self.db.transaction() as session:
            stories = await story_repo.stories_between(session, since, until + timedelta(seconds=1), BRIEF_STORY_LIMIT)
            background = await story_repo.headlines_before(session, since, BACKGROUND_STORIES) if stories else []
        wanted = [topic for topic in topics if topic.strip()]
        return compose_briefing(
            stories, now=until, title=title, topics=wanted, method=self.grouping, background=background
        )

    async def search(self, text: str, page: int = 1) -> SearchPage:
        """One page of ranked results; UselessQuery (an InvalidArgument) saying what a useless query lacks."""
        query = parse_query(text, self.clock())
        if not query.is_useful:
            raise UselessQuery(query)
        page = min(max(1, page), MAX_PAGE)
        async with self.db.transaction() as session:
            hits, total = await search_stories(session, query, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
            last = max(1, -(-min(total, MAX_COUNTED) // PER_PAGE))
            if not hits and page > last:
                page = last
                hits, total = await search_stories(session, query, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
        return SearchPage(
            query=query.describe(), hits=hits, page=page, total=min(total, MAX_COUNTED), per_page=PER_PAGE,
            capped=total > MAX_COUNTED, notes=query.problems,
        )
