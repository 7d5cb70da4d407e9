"""Subscription use cases: a chat chooses when (and about what) it gets its daily digest."""

from __future__ import annotations

from collections.abc import Sequence

from news.models import Subscription
from news.schedule import ALL_TOPICS, DEFAULT_TIME, next_due, parse_subscribe_args
from services.clock import Clock
from storage import subscriptions as subscription_repo
from storage.db import Database


class SubscriptionService:
    """Creates, shows and ends digest subscriptions."""

    def __init__(self, db: Database, clock: Clock, default_timezone: str = "UTC") -> None:
        self.db = db
        self.clock = clock
        self.default_timezone = default_timezone

    async def subscribe(self, chat_id: int, args: Sequence[str]) -> tuple[Subscription, bool]:
        """Apply /subscribe arguments; returns the setting and whether it changed (False: shown only).

        What is not given is kept (time, zone, topics); the topic 'all', given alone, clears the topics."""
        at, zone, topics = parse_subscribe_args(list(args))
        async with self.db.transaction() as session:
            current = await subscription_repo.get_subscription(session, chat_id)
            if not args and current is not None and current.active:
                return current, False
            keep = current if current is not None and current.active else None
            at = at or (keep.at if keep else DEFAULT_TIME)
            zone = zone or (keep.timezone if keep else self.default_timezone)
            if topics == (ALL_TOPICS,):
                topics = ()
            elif not topics and keep:
                topics = keep.topics
            now = self.clock()
            wanted = Subscription(chat_id, at, zone, topics, True, next_due(at, zone, now))
            return await subscription_repo.save_subscription(session, wanted, now), True

    async def unsubscribe(self, chat_id: int) -> bool:
        """Stop a chat's digests; False when it was not subscribed."""
        async with self.db.transaction() as session:
            return await subscription_repo.deactivate(session, chat_id)

    async def get(self, chat_id: int) -> Subscription | None:
        """A chat's current subscription."""
        async with self.db.transaction() as session:
            return await subscription_repo.get_subscription(session, chat_id)
