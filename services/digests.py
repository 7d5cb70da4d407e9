"""Digest use cases: previews, and delivery of each due digest once, resumable after a crash."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from news.errors import DeliveryError
from news.messages import split_message
from news.models import Briefing
from news.render import empty_digest, render_briefing
from news.schedule import digest_day
from services.briefs import BriefService, window
from services.clock import Clock
from storage import deliveries
from storage import subscriptions as subscription_repo
from storage.db import Database
from storage.sent_log import Sent, SentLog

logger = logging.getLogger(__name__)
# send(chat_id, text, mark): post one message; call mark(True) when a request carrying it has left the process (at
# the latest when Telegram accepted it) and mark(False) when Telegram refused that attempt; raise DeliveryError
# when the message was not delivered.
Mark = Callable[[bool], None]
Sender = Callable[[int, str, Mark], Awaitable[None]]
@dataclass(slots=True)
class DeliveryReport:
    """What one run delivered, and which chats need an admin's attention."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retrying: int = 0
    deactivated: list[tuple[int, str]] = field(default_factory=list)
    moved: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How late, how long a claim lasts, how many at once and how often to retry."""

    max_late: timedelta = timedelta(hours=12)
    lease: timedelta = timedelta(minutes=2)
    batch: int = 60
    max_attempts: int = 5


def worker_name() -> str:
    """This process's name on its claims."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def _ignore(sent: bool) -> None:
    """The mark of a service without a sent log."""


async def _together(*coroutines: Coroutine[Any, Any, None]) -> None:
    """Run the coroutines as tasks until all finish; when one fails (or this is cancelled), cancel the others and
    wait for them, so nothing of a run outlives it."""
    tasks = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class DigestService:
    """Builds digests; claims, sends and records each due (chat, day) so it goes out once."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        briefs: BriefService,
        policy: DeliveryPolicy | None = None,
        sent_log: SentLog | None = None,
        default_timezone: str = "UTC",
    ) -> None:
        self.db = db
        self.default_timezone = default_timezone
        self.clock = clock
        self.sent_log = sent_log
        self.briefs = briefs
        self.policy = policy or DeliveryPolicy()
        self.worker = worker_name()

    async def preview(self, chat_id: int) -> Briefing:
        """Today's digest for a chat, with its subscription's topics, dated on its clock (else the default zone's)."""
        async with self.db.transaction() as session:
            subscription = await subscription_repo.get_subscription(session, chat_id)
        now = self.clock()
        if subscription is None or not subscription.active:
            return await self.digest_for(now, day=digest_day(now, self.default_timezone))
        return await self.digest_for(now, subscription.topics, digest_day(now, subscription.timezone))

    async def digest_for(
        self, until: datetime | date, topics: tuple[str, ...] = (), day: date | None = None
    ) -> Briefing:
        """The digest of the day ending at `until`, or of the whole UTC day `until` names when it is a date."""
        since, end = window(until)
        title = f"Daily digest · {(day or end.date()):%d %b %Y}"
        return await self.briefs.briefing_until(end, topics, title=title, since=since)

    def render(self, briefing: Briefing) -> list[str]:
        """A digest as Telegram messages, split at paragraph boundaries."""
        return split_message(render_briefing(briefing, empty=empty_digest(briefing.topic)))

    async def run_due(self, send: Sender) -> DeliveryReport:
        """Deliver every due digest (and any a stopped worker left half-sent): one task claims batches while
        `batch` senders work through them, so the pipeline never drains between batches."""
        report = DeliveryReport()
        rendered: dict[tuple[date, tuple[str, ...]], asyncio.Task[list[str]]] = {}
        queue: asyncio.Queue[deliveries.Claim | None] = asyncio.Queue(maxsize=self.policy.batch)

        async def claim_all() -> None:
            while claims := await self._claim_batch(report):
                for claim in claims:
                    await queue.put(claim)
            for _ in range(self.policy.batch):
                await queue.put(None)

        async def deliver_all() -> None:
            while (claim := await queue.get()) is not None:
                await self._deliver(claim, send, rendered, report)

        await self._replay(own=True)
        heartbeat = asyncio.create_task(self._heartbeat())
        try:
            await _together(claim_all(), *(deliver_all() for _ in range(self.policy.batch)))
        finally:
            heartbeat.cancel()
        if self.sent_log is not None:
            self.sent_log.clear()  # every commit went through
        return report

    async def _replay(self, *, own: bool) -> None:
        """Mark sent what left the process but no commit recorded: the logs of processes that died, and with
        ``own`` this process's (a commit failed, or a send was cancelled on its way)."""
        if self.sent_log is None:
            return
        with self.sent_log.replaying(own=own) as records:
            if records:
                async with self.db.transaction() as session:
                    await deliveries.apply_sent(session, records, self.clock())
                logger.info("sent log: %d messages that had left checked against the database", len(records))

    async def _heartbeat(self) -> None:
        """Renew this worker's claims every third of a lease, so no other worker takes them while queued."""
        while True:
            await asyncio.sleep(self.policy.lease.total_seconds() / 3)
            async with self.db.transaction() as session:
                await deliveries.renew(session, self.worker, self.clock())

    async def _claim_batch(self, report: DeliveryReport) -> list[deliveries.Claim]:
        await self._replay(own=False)  # a worker that died meanwhile: its log first, then its claims
        now, policy = self.clock(), self.policy
        async with self.db.transaction() as session:
            claims = await deliveries.reclaim_stale(
                session, now, worker=self.worker, lease=policy.lease, limit=policy.batch
            )
        async with self.db.transaction() as session:
            fresh, skipped = await deliveries.claim_due(
                session, now, worker=self.worker, max_late=policy.max_late, limit=policy.batch
            )
        report.skipped += skipped
        return claims + fresh

    async def _messages(
        self, claim: deliveries.Claim, rendered: dict[tuple[date, tuple[str, ...]], asyncio.Task[list[str]]]
    ) -> list[str]:
        key = (claim.day, claim.subscription.topics)
        if key not in rendered:
            briefing = self.digest_for(self.clock(), claim.subscription.topics, claim.day)
            rendered[key] = asyncio.ensure_future(self._render_async(briefing))
        return await rendered[key]

    async def _render_async(self, briefing: Awaitable[Briefing]) -> list[str]:
        return self.render(await briefing)

    async def _deliver(
        self,
        claim: deliveries.Claim,
        send: Sender,
        rendered: dict[tuple[date, tuple[str, ...]], asyncio.Task[list[str]]],
        report: DeliveryReport,
    ) -> None:
        messages = await self._messages(claim, rendered)
        chat_id = claim.chat_id
        for index in range(claim.parts_sent, len(messages)):
            try:
                part = Sent(chat_id, claim.day, index + 1, len(messages))
                chat_id = await self._send_following(part, messages[index], send, report)
            except DeliveryError as exc:
                await self._failed(claim, chat_id, exc, report)
                return
            if index + 1 < len(messages):
                async with self.db.transaction() as session:
                    await deliveries.record_progress(session, chat_id, claim.day, index + 1, self.clock())
        async with self.db.transaction() as session:
            await deliveries.finish(session, chat_id, claim.day, self.clock())
        report.sent += 1

    async def _send_following(self, part: Sent, text: str, send: Sender, report: DeliveryReport) -> int:
        """Send one message; when the group moved to a supergroup, move the subscription and send there."""
        chat_id = part.chat_id
        try:
            await self._post(part, text, send)
            return chat_id
        except DeliveryError as exc:
            if exc.migrated_to is None:
                raise
            async with self.db.transaction() as session:
                await subscription_repo.move_chat(session, chat_id, exc.migrated_to)
            logger.info("chat %s moved to %s; subscription follows", chat_id, exc.migrated_to)
            report.moved.append((chat_id, exc.migrated_to))
            await self._post(replace(part, chat_id=exc.migrated_to), text, send)
            return exc.migrated_to

    async def _post(self, part: Sent, text: str, send: Sender) -> None:
        """Send one message. Its sent-log line is written the moment a request carrying it leaves the process, and
        revoked when Telegram refuses that attempt or the send fails, so only a process that dies while a request
        is on its way counts the message sent."""
        log = self.sent_log
        if log is None:
            await send(part.chat_id, text, _ignore)
            return
        out = [False]

        def mark(sent: bool) -> None:
            log.record(replace(part, sent=sent))
            out[0] = sent

        try:
            await send(part.chat_id, text, mark)
        except Exception:  # a failed send; cancellation, like a crash, leaves the line standing
            if out[0]:
                mark(False)
            raise

    async def _failed(self, claim: deliveries.Claim, chat_id: int, exc: DeliveryError, report: DeliveryReport) -> None:
        now = self.clock()
        async with self.db.transaction() as session:
            if exc.permanent:
                await subscription_repo.deactivate(session, chat_id)
                await deliveries.finish(session, chat_id, claim.day, now, str(exc))
                report.deactivated.append((chat_id, str(exc)))
                report.failed += 1
            elif await deliveries.retry_later(session, chat_id, claim.day, now, str(exc)) >= self.policy.max_attempts:
                await deliveries.finish(session, chat_id, claim.day, now, str(exc))
                report.failed += 1
            else:
                report.retrying += 1
        logger.warning("digest for chat %s on %s not delivered: %s", chat_id, claim.day, exc)
