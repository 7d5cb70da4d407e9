"""Digest schedule maths: local times of day in IANA zones, daylight saving included."""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from news.errors import InvalidArgument
from news.nlp import TYPOGRAPHIC_QUOTES, is_acronym, topic_terms

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")
_UTC_SUFFIX = re.compile(r"^(.*\d)z$", re.IGNORECASE)  # 07:30Z: a time of day in UTC
_TIME_LIKE = re.compile(r"^(\d{1,2}[:.h]\d|\d{1,2}([:.h]\d*)?\s*[ap]\.?m\.?$)", re.IGNORECASE)
_MERIDIEM = re.compile(r"^[ap]\.?m\.?$", re.IGNORECASE)  # am/pm: part of a time right after one, else a topic
_BARE_NUMBER = re.compile(r"^\d{1,4}$")  # 0800, 8: a time when first, a topic (2026, 737) elsewhere
_OFFSET = re.compile(r"^(utc|gmt|z)?\s*[+\-\u2212]\s*\d{1,2}([:.]?\d{2})?$", re.IGNORECASE)
_REVERSED = re.compile(r"^(?:Etc/)?GMT([+-])0*([1-9]\d*)$")  # POSIX signs: Etc/GMT+3 is three hours behind UTC
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})
TIME_FORM = "HH:MM, 24-hour (for example 07:30)"
ZONE_FORM = "an IANA time zone name such as Europe/Kyiv, America/New_York or UTC"
OFFSET_ADVICE = "use a city's zone name instead, such as Europe/Kyiv or America/New_York (it follows daylight saving)"
# Clock abbreviations people type for a zone: tzdata has a few (EST, MST, HST, fixed offsets all year), others not.
_ABBREVIATIONS = {
    "EST": "America/New_York", "EDT": "America/New_York", "CST": "America/Chicago", "CDT": "America/Chicago",
    "MST": "America/Denver or America/Phoenix", "MDT": "America/Denver", "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles", "HST": "Pacific/Honolulu",
}


def parse_time_of_day(value: str) -> time:
    """Read 'HH:MM' (also 'H:MM', 'HH.MM', 'HHhMM') as a time, or raise InvalidArgument."""
    match = _TIME.match(value.strip())
    if not match:
        raise InvalidArgument(f"'{value}' is not a time of day; expected {TIME_FORM}")
    return time(int(match.group(1)), int(match.group(2)))


def looks_like_time(value: str) -> bool:
    """Tell whether an argument is meant as a time of day (07:30, 7.30, 8pm), valid or not."""
    return bool(_TIME_LIKE.match(value.strip()))


def parse_timezone(value: str) -> str:
    """Return the canonical spelling of an IANA zone name (any case), or raise InvalidArgument."""
    name = value.strip()
    if (city := _ABBREVIATIONS.get(name.upper())) is not None:
        raise InvalidArgument(
            f"'{value}' is a clock abbreviation, not a time zone; use a city's zone name instead, such as {city} "
            "(it follows daylight saving)"
        )
    if (known := zone_name(name)) is not None:
        if reversed_sign := _REVERSED.match(known):
            meant = "-" if reversed_sign.group(1) == "+" else "+"
            raise InvalidArgument(
                f"'{value}' is a UTC offset with its sign reversed (it means UTC{meant}{reversed_sign.group(2)}), "
                f"not a time zone; {OFFSET_ADVICE}"
            )
        return known
    if _OFFSET.match(name):
        raise InvalidArgument(f"'{value}' is a UTC offset, not a time zone; {OFFSET_ADVICE}")
    raise InvalidArgument(f"'{value}' is not a time zone; expected {ZONE_FORM}")


def zone_name(value: str) -> str | None:
    """The canonical IANA zone name matching `value` but for case, or None; nothing is read from disk for it."""
    return _zones().get(value.lower())


@functools.cache
def _zones() -> dict[str, str]:
    """Every IANA zone name by its lower case."""
    return {zone.lower(): zone for zone in available_timezones() if zone not in _NOT_ZONES}


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
MAX_TOPIC_LENGTH = 40
ALL_TOPICS = "all"  # the topic that clears a subscription's topics: every story
_QUOTES = '"' + TYPOGRAPHIC_QUOTES
_ARGUMENT = re.compile(rf"[{_QUOTES}]([^{_QUOTES}]*)(?:[{_QUOTES}]|$)|[^\s{_QUOTES}]+")
_CLOCK_ZONE = re.compile(r"^([A-Z]{2}T|UTC|UCT)")  # UTC, GMT, CET, EST5EDT...: never a topic; Japan, Israel, NZ may be


def split_arguments(text: str) -> list[str]:
    """Split command arguments at spaces; a quoted phrase (straight or typographic quotes) stays one, in "..."."""
    return [
        match.group(0) if match.group(1) is None else '"' + " ".join(match.group(1).split()) + '"'
        for match in _ARGUMENT.finditer(text)
    ]


def parse_subscribe_args(args: list[str]) -> tuple[time | None, str | None, tuple[str, ...]]:
    """Split /subscribe arguments into a time of day, a time zone and topics (each optional).

    A quoted argument is always a topic (a phrase when it has several words). A zone named after a place
    (Japan, Israel) or a lower-case abbreviation (met, cet) is the zone right after the time and a topic elsewhere;
    UTC, GMT, CET in capitals or Europe/Kyiv always a zone; Z is UTC right after a time (or in 07:30Z), else a
    topic. Two zones, or a clock abbreviation such as EST (after the time or in capitals), are refused. A bare number
    (0800) is a time only when first. Acronyms such as US keep their capitals.
    The topic 'all' (every story) must come alone; a topic with no word in it is refused."""
    at: time | None = None
    zone: str | None = None
    named_zone: str | None = None  # the zone an argument or a time's Z suffix names
    topics: list[str] = []
    after_time = False
    for position, arg in enumerate(args):
        quoted = len(arg) >= 2 and arg[0] == arg[-1] == '"'
        timed = not quoted and (looks_like_time(arg) or (position == 0 and bool(_BARE_NUMBER.match(arg))))
        timed = timed or (after_time and bool(_MERIDIEM.match(arg)))  # "08:00 pm"
        named: str | None = None
        if timed:
            at, named = _time_argument(arg)
        elif (quoted or (named := _zone_argument(arg, after_time)) is None) and (
            topic := _checked_topic(arg, quoted)
        ) not in topics:
            topics.append(topic)
        if named is not None:
            if named_zone not in (None, named):
                raise InvalidArgument(f"two time zones, {named_zone} and {named}: give one")
            zone = named_zone = named
        after_time = timed
    if len(topics) > MAX_TOPICS:
        raise InvalidArgument(f"at most {MAX_TOPICS} topics per subscription")
    if ALL_TOPICS in topics and len(topics) > 1:
        raise InvalidArgument(
            f"'{ALL_TOPICS}' means every story, so it cannot go with topics: send it alone to clear them or drop it"
        )
    return at, zone, tuple(topics)


def _time_argument(arg: str) -> tuple[time, str | None]:
    """The time of day an argument names, with 'UTC' when it carries the Z designator (07:30Z), else None."""
    if suffixed := _UTC_SUFFIX.match(arg.strip()):
        return parse_time_of_day(suffixed.group(1)), "UTC"
    return parse_time_of_day(arg), None


def _checked_topic(arg: str, quoted: bool) -> str:
    """The topic an argument names; InvalidArgument when it has no word a story could be about (the, 🇺🇦, !!)."""
    topic = _topic(arg[1:-1] if quoted else arg)
    if topic == ALL_TOPICS:
        return topic
    if not topic_terms(topic):  # "the", "of the" would match every story; "🇺🇦" or "!!" leave nothing at all
        named = topic or arg[: MAX_TOPIC_LENGTH + 2]
        raise InvalidArgument(f"'{named}' has no word a story could be about; name a topic such as greenland")
    return topic


def _zone_argument(arg: str, after_time: bool) -> str | None:
    """The zone an argument names, None when it is a topic; InvalidArgument for a bad zone or a UTC offset."""
    if "/" in arg or _OFFSET.match(arg) or (arg.upper() in _ABBREVIATIONS and (after_time or arg.isupper())):
        return parse_timezone(arg)
    if arg.upper() == "Z":  # the UTC designator, as in 07:30 Z; a lone Z elsewhere is a (refused) topic
        return "UTC" if after_time else None
    zone = zone_name(arg)
    written_as_zone = arg.upper() in ("UTC", "GMT") or (arg.isupper() and _CLOCK_ZONE.match(zone or "") is not None)
    return zone if zone is not None and (after_time or written_as_zone) else None


def _topic(text: str) -> str:
    """A topic as kept: lower-case words of letters, digits, - and ' (acronyms such as US and WHO in capitals), cut
    to whole words within 40 characters."""
    words = (_topic_word(word) for word in text.split())
    topic = " ".join(word for word in words if word)
    if topic.lower() == ALL_TOPICS:
        return ALL_TOPICS
    if len(topic) > MAX_TOPIC_LENGTH and " " in topic[: MAX_TOPIC_LENGTH + 1]:
        return topic[: MAX_TOPIC_LENGTH + 1].rsplit(" ", 1)[0]
    return topic[:MAX_TOPIC_LENGTH]


def _topic_word(word: str) -> str:
    """A word of a topic: its letters, digits, - and ', in lower case unless it is an acronym such as US."""
    kept = "".join(char for char in word if char.isalnum() or char in "-'")
    return kept if is_acronym(kept) else "".join(char for char in word.lower() if char.isalnum() or char in "-'")


def latest_due(at: time, zone: str, due: datetime, now: datetime) -> datetime:
    """The last scheduled instant not after `now`, counting from a recorded due instant."""
    latest = due
    while (following := next_due(at, zone, latest)) <= now:
        latest = following
    return latest
