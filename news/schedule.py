"""Digest schedule maths: local times of day in IANA zones, daylight saving included."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from news.errors import InvalidArgument

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")
TIME_FORM = "HH:MM, 24-hour (for example 07:30)"
ZONE_FORM = "an IANA time zone name such as Europe/Kyiv, America/New_York or UTC"


def parse_time_of_day(value: str) -> time:
    """Read 'HH:MM' (also 'H:MM', 'HH.MM', 'HHhMM') as a time, or raise InvalidArgument."""
    match = _TIME.match(value.strip())
    if not match:
        raise InvalidArgument(f"'{value}' is not a time of day; expected {TIME_FORM}")
    return time(int(match.group(1)), int(match.group(2)))


def looks_like_time(value: str) -> bool:
    """Tell whether an argument is meant as a time of day."""
    return bool(re.match(r"^\d{1,2}[:.h]\d", value.strip()))


def parse_timezone(value: str) -> str:
    """Return the canonical spelling of an IANA zone name, or raise InvalidArgument."""
    name = value.strip()
    if not name or ".." in name or name.startswith("/"):
        raise InvalidArgument(f"'{value}' is not a time zone; expected {ZONE_FORM}")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        lowered = {zone.lower(): zone for zone in available_timezones()}
        if name.lower() in lowered:
            return lowered[name.lower()]
        raise InvalidArgument(f"'{value}' is not a time zone; expected {ZONE_FORM}") from None
    return "UTC" if name.upper() == "UTC" else name


def local_instant(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of a local wall-clock time; a time skipped by DST maps to just after the gap."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def next_due(at: time, zone: str, after: datetime) -> datetime:
    """The first instant strictly after `after` when the local clock in `zone` shows `at`."""
    local_day = after.astimezone(ZoneInfo(zone)).date()
    for offset in range(-1, 3):
        candidate = local_instant(local_day + timedelta(days=offset), at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a local time recurs every day")


def digest_day(due: datetime, zone: str) -> date:
    """The local date a digest due at `due` belongs to."""
    return due.astimezone(ZoneInfo(zone)).date()


def format_local(instant: datetime, zone: str) -> str:
    """A UTC instant as 'YYYY-MM-DD HH:MM Zone' on the local clock."""
    return f"{instant.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}"


DEFAULT_TIME = time(8, 0)
MAX_TOPICS = 10


def parse_subscribe_args(args: list[str]) -> tuple[time | None, str | None, tuple[str, ...]]:
    """Split /subscribe arguments into a time of day, a time zone and topic words (each optional)."""
    at: time | None = None
    zone: str | None = None
    topics: list[str] = []
    for arg in args:
        if looks_like_time(arg):
            at = parse_time_of_day(arg)
        elif "/" in arg or arg.upper() in ("UTC", "GMT"):
            zone = parse_timezone(arg)
        else:
            word = "".join(char for char in arg.lower() if char.isalnum() or char in "-'")[:40]
            if word and word not in topics:
                topics.append(word)
    if len(topics) > MAX_TOPICS:
        raise InvalidArgument(f"at most {MAX_TOPICS} topics per subscription")
    return at, zone, tuple(topics)


def latest_due(at: time, zone: str, due: datetime, now: datetime) -> datetime:
    """The last scheduled instant not after `now`, counting from a recorded due instant."""
    latest = due
    while (following := next_due(at, zone, latest)) <= now:
        latest = following
    return latest
