"""The admins' overview: source health, stories per day, subscribers, digests sent and failed."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from news.health import health_of
from news.stats import Stats
from services.clock import Clock
from storage import sources as source_repo
from storage import stats as stats_repo
from storage import stories as story_repo
from storage.db import Database

DAYS = 7


class StatsService:
    """Reads the figures admins see in /stats."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def stats(self) -> Stats:
        """The last week's figures."""
        now = self.clock()
        start = datetime.combine(now.date() - timedelta(days=DAYS - 1), datetime.min.time(), now.tzinfo)
        async with self.db.transaction() as session:
            sources = await source_repo.list_sources(session)
            per_day = await stats_repo.stories_per_day(session, start, now + timedelta(seconds=1))
            total = await story_repo.count_stories(session)
            subscribers = await stats_repo.subscriber_count(session)
            digests = await stats_repo.deliveries_by_status(session, now - timedelta(days=DAYS))
        days = [start.date() + timedelta(days=offset) for offset in range(DAYS)]
        return Stats(
            now=now,
            sources_by_health=dict(Counter(health_of(source) for source in sources)),
            stories_per_day=[(day, per_day.get(day, 0)) for day in days],
            stories_total=total,
            subscribers=subscribers,
            digests=digests,
            days=DAYS,
        )
