"""Source health in words and numbers: polling intervals, backoff after errors, Retry-After."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from news.errors import InvalidArgument
from news.models import Source

MIN_INTERVAL = timedelta(minutes=5)
MAX_INTERVAL = timedelta(days=7)
MAX_BACKOFF = timedelta(days=1)
MAX_RETRY_AFTER = timedelta(days=2)
ALERT_AFTER_FAILURES = 3
INTERVAL_FORM = "a number with m, h or d, e.g. 30m, 2h, 1h30m or 1d (5 minutes to 7 days)"
_INTERVAL = re.compile(r"^(\d{1,6})\s*(s?)$")  # 90s, or 45 (minutes)
_PARTS = re.compile(r"^(?:(\d{1,6})\s*d\s*)?(?:(\d{1,6})\s*h\s*)?(?:(\d{1,6})\s*m)?$")  # 1d, 2h 30m: units descend
_UNITS = {"s": 1, "": 60}
_PART_UNITS = (86400, 3600, 60)


SWITCH = {"on": True, "yes": True, "1": True, "off": False, "no": False, "0": False}


def parse_source_id(text: str) -> int | None:
    """A source id as admins write it ('3' or '#3'), or None."""
    value = text.strip().lstrip("#")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def parse_interval(text: str) -> int:
    """Seconds of an interval like '30m', '2h', '1h30m', '1d 12h' or '45' (minutes); raise InvalidArgument."""
    seconds = _interval_seconds(text.strip().lower())
    if seconds is None:
        raise InvalidArgument(f"'{text[:40]}' is not an interval: use {INTERVAL_FORM}")
    if not MIN_INTERVAL.total_seconds() <= seconds <= MAX_INTERVAL.total_seconds():
        raise InvalidArgument(f"the interval must be between 5 minutes and 7 days, not '{text.strip()[:40]}'")
    return seconds


def _interval_seconds(text: str) -> int | None:
    """Seconds of one number with an optional unit, or of d, h and m parts in that order; None otherwise."""
    if single := _INTERVAL.match(text):
        return int(single.group(1)) * _UNITS[single.group(2)]
    parts = _PARTS.match(text)
    if parts is None or not any(parts.groups()):
        return None
    return sum(int(count) * unit for count, unit in zip(parts.groups(), _PART_UNITS, strict=True) if count)


def format_interval(seconds: float) -> str:
    """An interval in the largest whole unit: '90s', '30m', '2h', '1d', or mixed like '1h30m'."""
    seconds = int(seconds)
    if seconds % 86400 == 0 and seconds:
        return f"{seconds // 86400}d"
    if seconds >= 3600:
        hours, rest = divmod(seconds, 3600)
        return f"{hours}h{rest // 60}m" if rest // 60 else f"{hours}h"
    if seconds % 60 == 0 and seconds:
        return f"{seconds // 60}m"
    return f"{seconds}s"


def next_check(
    interval: int,
    failures: int,
    now: datetime,
    *,
    failing_for: timedelta | None = None,
    retry_after: float | None = None,
) -> datetime:
    """When to fetch next: the interval, doubled per consecutive failure (or as long as it has failed) up to a
    day; a longer Retry-After wins (up to two days)."""
    wait = timedelta(seconds=interval)
    if failures:
        backoff = max(wait * 2 ** min(failures, 16), failing_for or timedelta(0))
        wait = max(wait, min(backoff, MAX_BACKOFF))
    if retry_after is not None:
        wait = max(wait, min(timedelta(seconds=max(retry_after, 0)), MAX_RETRY_AFTER))
    return now + wait


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), None when absent or bad."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def health_of(source: Source) -> str:
    """One word for a source's state: paused, new, failing, warning or ok."""
    if source.paused:
        return "paused"
    if source.last_fetched_at is None:
        return "new"
    if source.last_error:
        return "failing"
    return "warning" if source.warning else "ok"


def ago(then: datetime, now: datetime) -> str:
    """How long ago, in words: 'just now', '5 min ago', '3 h ago', '2 d ago'."""
    return _span(now - then) + " ago" if now - then >= timedelta(minutes=1) else "just now"


def until(then: datetime, now: datetime) -> str:
    """How long until, in words: 'now', 'in 5 min', 'in 3 h'."""
    return "now" if then <= now else "in " + _span(then - now)


def _span(delta: timedelta) -> str:
    seconds = max(60, int(delta.total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"
