"""The admins' overview figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Stats:
    """Figures for /stats as of `now`: sources by health, stories per day, subscribers, digests by status."""

    now: datetime
    sources_by_health: dict[str, int]
    stories_per_day: list[tuple[date, int]]
    stories_total: int
    subscribers: int
    digests: dict[str, int]
    days: int = 7
