"""Every use case, built once over one database, fetcher and clock."""

from __future__ import annotations

from collections.abc import Iterable

from services.briefs import BriefService
from services.clock import Clock, utc_now
from services.digests import DeliveryPolicy, DigestService
from services.fetch import Fetcher
from services.sources import SourceService
from services.stats import StatsService
from services.subscriptions import SubscriptionService
from storage.db import Database
from storage.sent_log import SentLog


class Services:
    """The use cases handlers and the CLI call; owns the database and fetcher lifetimes."""

    def __init__(
        self,
        db: Database,
        fetcher: Fetcher,
        *,
        clock: Clock = utc_now,
        admins: Iterable[int] = (),
        default_timezone: str = "UTC",
        delivery: DeliveryPolicy | None = None,
        grouping: str = "lexical",
        sent_log: SentLog | None = None,
    ) -> None:
        self.db = db
        self.fetcher = fetcher
        self.clock = clock
        self.admins = frozenset(admins)
        self.sources = SourceService(db, fetcher, clock)
        self.briefs = BriefService(db, clock, grouping)
        self.subscriptions = SubscriptionService(db, clock, default_timezone)
        self.digests = DigestService(db, clock, self.briefs, delivery, sent_log, default_timezone)
        self.stats = StatsService(db, clock)

    def is_admin(self, user_id: int | None) -> bool:
        """Whether a Telegram user may run admin commands."""
        return user_id is not None and user_id in self.admins

    async def start(self) -> None:
        """Bring the schema up to date."""
        await self.db.upgrade()

    async def close(self) -> None:
        """Release the HTTP client and database connections."""
        await self.fetcher.close()
        await self.db.dispose()
        if self.digests.sent_log is not None:
            self.digests.sent_log.close()
