"""Brief and search use cases: reading stored stories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from news.briefing import compose_briefing
from news.errors import InvalidArgument, UselessQuery
from news.models import Briefing, SearchPage
from news.nlp import terms
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


class BriefService:
    """Composes briefs and digests and runs searches."""

    def __init__(self, db: Database, clock: Clock, grouping: str = "lexical") -> None:
        self.db = db
        self.clock = clock
        self.grouping = grouping

    async def brief(self, topics: Sequence[str] = (), *, at: datetime | None = None) -> Briefing:
        """The stories of the day up to `at` (default now) grouped by event, optionally about some topics.

        InvalidArgument for topics with no word in them (such as emoji), which would otherwise match every story."""
        if topics and not any(terms(topic) for topic in topics):
            raise InvalidArgument("a topic needs a word, such as: greenland")
        now = at or self.clock()
        return await self.briefing_until(now, topics, title=f"Top stories · {now:%d %b %Y}")

    async def briefing_until(self, until: datetime, topics: Sequence[str] = (), *, title: str) -> Briefing:
        """The briefing of the day that ends at `until`."""
        since = until - BRIEF_WINDOW
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
