"""Digest use cases: previews, and the ticker that delivers each due digest once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from news.errors import DeliveryError
from news.messages import split_message
from news.models import Briefing, Subscription
from news.render import render_briefing
from news.schedule import digest_day, next_due
from services.briefs import BriefService
from services.clock import Clock
from storage import subscriptions as subscription_repo
from storage.db import Database

logger = logging.getLogger(__name__)
Sender = Callable[[int, list[str]], Awaitable[None]]
EMPTY_DIGEST = "No new stories today."


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one tick did."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class _Claim:
    subscription: Subscription
    day: date


class DigestService:
    """Builds digests and delivers those that are due, claiming each (chat, day) in the database first."""

    def __init__(
        self, db: Database, clock: Clock, briefs: BriefService, max_late: timedelta = timedelta(hours=12)
    ) -> None:
        self.db = db
        self.clock = clock
        self.briefs = briefs
        self.max_late = max_late

    async def preview(self, chat_id: int) -> Briefing:
        """Today's digest for a chat, with its subscription topics if it has any."""
        async with self.db.transaction() as session:
            subscription = await subscription_repo.get_subscription(session, chat_id)
        topics = subscription.topics if subscription and subscription.active else ()
        return await self.digest_for(self.clock(), topics)

    async def digest_for(self, until: datetime, topics: tuple[str, ...] = ()) -> Briefing:
        """The digest of the day ending at `until`."""
        return await self.briefs.briefing_until(until, topics, title=f"Daily digest · {until:%d %b %Y}")

    def render(self, briefing: Briefing) -> list[str]:
        """A digest as Telegram messages, split at paragraph boundaries."""
        return split_message(render_briefing(briefing, empty=EMPTY_DIGEST))

    async def run_due(self, send: Sender) -> DeliveryReport:
        """Claim every due digest, send it, and record the outcome."""
        claims, skipped = await self._claim_due()
        sent = failed = 0
        for claim in claims:
            if await self._deliver(claim, send):
                sent += 1
            else:
                failed += 1
        return DeliveryReport(sent, failed, skipped)

    async def _claim_due(self) -> tuple[list[_Claim], int]:
        now = self.clock()
        claims: list[_Claim] = []
        skipped = 0
        async with self.db.transaction() as session:
            for subscription in await subscription_repo.due_subscriptions(session, now):
                due = subscription.next_due_at or now
                latest = _latest_occurrence(subscription, due, now)
                await subscription_repo.set_next_due(
                    session, subscription.chat_id, next_due(subscription.at, subscription.timezone, now)
                )
                day = digest_day(latest, subscription.timezone)
                if now - latest > self.max_late:
                    logger.info("digest for chat %s on %s skipped: %s late", subscription.chat_id, day, now - latest)
                    skipped += 1
                elif await subscription_repo.claim_delivery(session, subscription.chat_id, day, now):
                    claims.append(_Claim(subscription, day))
        return claims, skipped

    async def _deliver(self, claim: _Claim, send: Sender) -> bool:
        chat_id = claim.subscription.chat_id
        error: str | None = None
        try:
            messages = self.render(await self.digest_for(self.clock(), claim.subscription.topics))
            await send(chat_id, messages)
        except DeliveryError as exc:
            error = str(exc)
            logger.warning("digest for chat %s failed: %s", chat_id, exc)
            if exc.permanent:
                async with self.db.transaction() as session:
                    await subscription_repo.deactivate(session, chat_id)
        async with self.db.transaction() as session:
            await subscription_repo.finish_delivery(session, chat_id, claim.day, self.clock(), error)
        return error is None


def _latest_occurrence(subscription: Subscription, due: datetime, now: datetime) -> datetime:
    """The last scheduled instant not after now, starting from the recorded due time."""
    latest = due
    while True:
        following = next_due(subscription.at, subscription.timezone, latest)
        if following > now:
            return latest
        latest = following
