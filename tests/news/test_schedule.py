"""news.schedule: times of day, IANA zones and digest due times across daylight saving."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from news.errors import InvalidArgument
from news.schedule import (
    MAX_TOPICS,
    digest_day,
    format_local,
    looks_like_time,
    next_due,
    parse_subscribe_args,
    parse_time_of_day,
    parse_timezone,
    split_arguments,
)

KYIV = "Europe/Kyiv"


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---------------------------------------------------------------- times of day


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("07:30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("7.30", time(7, 30)),
        ("7h30", time(7, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("19:05", time(19, 5)),
        (" 08:00 ", time(8, 0)),
    ],
)
def test_parse_time_of_day(value: str, expected: time) -> None:
    assert parse_time_of_day(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", " ", "24:00", "25:00", "12:60", "7:5", "0730", "07:30:00", "-1:00", "7 30", "ab:cd", "noon", "07:30pm",
     "１２:００", "7:３0x"],
)
def test_parse_time_of_day_rejects(value: str) -> None:
    with pytest.raises(InvalidArgument, match="not a time of day"):
        parse_time_of_day(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("07:30", True), ("7h", False), ("7h3", True), ("25:00", True), ("Europe/Kyiv", False), ("energy", False),
     ("8pm", True), ("8PM", True), ("8:30am", True), ("8.30p.m.", True), ("pm", False), ("0800", False), ("800", False),
     ("8", False), ("07:30:00", True), ("12345", False), ("g7", False), ("5g", False), ("+03:00", False)],
)
def test_looks_like_time(value: str, expected: bool) -> None:
    assert looks_like_time(value) is expected


# ---------------------------------------------------------------- time zones


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Europe/Kyiv", "Europe/Kyiv"),
        ("America/New_York", "America/New_York"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("Utc", "UTC"),
        ("europe/kyiv", "Europe/Kyiv"),
        ("EUROPE/KYIV", "Europe/Kyiv"),
        ("america/new_york", "America/New_York"),
        ("  Asia/Tokyo  ", "Asia/Tokyo"),
        ("Etc/UTC", "Etc/UTC"),
        ("Europe/Kiev", "Europe/Kiev"),
    ],
)
def test_parse_timezone(value: str, expected: str) -> None:
    assert parse_timezone(value) == expected
    ZoneInfo(expected)


@pytest.mark.parametrize(
    "value",
    [
        "", "   ", "Mars/Olympus", "Kyiv", "Europe", "Europe/", "Europe//Kyiv", "Europe/Kyiv/", "+03:00", "UTC+3",
        "../etc", "../../etc/passwd", "/etc/passwd", "Europe/../UTC", "..", "./UTC", "Europe/./Kyiv",
        "etc/passwd", "\\..\\etc", "Europe\\Kyiv", "Europe/Kyiv\x00", "zone.tab", "tzdata.zi", "Factory",
        "localtime",
    ],
)
def test_parse_timezone_rejects(value: str) -> None:
    with pytest.raises(InvalidArgument, match="not a time zone"):
        parse_timezone(value)


@pytest.mark.parametrize("value", ["UTC+3", "utc-5", "GMT-5", "GMT+03:00", "+03:00", "-0500", "UTC−3", "+3"])
def test_parse_timezone_refuses_offsets_pointing_at_city_zones(value: str) -> None:
    with pytest.raises(InvalidArgument, match=r"is a UTC offset, not a time zone; use a city's zone name.*Europe/Kyiv"):
        parse_timezone(value)


@pytest.mark.parametrize(("value", "city"), [("EST", "America/New_York"), ("est", "America/New_York"),
                                             ("MST", "America/Phoenix"), ("PST", "America/Los_Angeles")])
def test_parse_timezone_refuses_clock_abbreviations_naming_a_city_zone(value: str, city: str) -> None:
    with pytest.raises(InvalidArgument, match=f"^'{value}' is a clock abbreviation, not a time zone; .*{city}"):
        parse_timezone(value)


@pytest.mark.parametrize(("value", "expected"), [("CET", "CET"), ("cet", "CET"), ("japan", "Japan"), ("GMT+0", "GMT+0"),
                                                 ("etc/gmt0", "Etc/GMT0"), ("europe/kyiv", "Europe/Kyiv")])
def test_parse_timezone_reads_every_iana_name_in_any_case(value: str, expected: str) -> None:
    assert parse_timezone(value) == expected


@pytest.mark.parametrize(
    ("value", "meant"),
    [("Etc/GMT+3", "UTC-3"), ("etc/gmt-3", "UTC+3"), ("ETC/GMT+12", "UTC-12"), ("Etc/GMT-14", "UTC+14")],
)
def test_parse_timezone_refuses_posix_offsets_whose_sign_is_reversed(value: str, meant: str) -> None:
    expected = f"'{value}' is a UTC offset with its sign reversed (it means {meant}), not a time zone; use a city's"
    with pytest.raises(InvalidArgument, match=re.escape(expected) + ".*Europe/Kyiv"):
        parse_timezone(value)


# ---------------------------------------------------------------- next_due


@pytest.mark.parametrize(
    ("at", "zone", "after", "expected"),
    [
        pytest.param(time(8), "UTC", _utc(2026, 1, 20, 7, 59), _utc(2026, 1, 20, 8), id="later-today"),
        pytest.param(time(8), "UTC", _utc(2026, 1, 20, 8), _utc(2026, 1, 21, 8), id="strictly-after"),
        pytest.param(time(8), "UTC", _utc(2026, 1, 20, 8, 0, 1), _utc(2026, 1, 21, 8), id="just-after"),
        pytest.param(time(0), "UTC", _utc(2026, 1, 1), _utc(2026, 1, 2), id="midnight-exactly"),
        pytest.param(time(0, 15), "UTC", _utc(2026, 12, 31, 23, 50), _utc(2027, 1, 1, 0, 15), id="new-year"),
        pytest.param(time(8), KYIV, _utc(2026, 1, 20, 5), _utc(2026, 1, 20, 6), id="kyiv-winter"),
        pytest.param(time(8), KYIV, _utc(2026, 7, 20, 5), _utc(2026, 7, 21, 5), id="kyiv-summer-exactly"),
        # local day differs from the UTC day
        pytest.param(time(23, 30), "Asia/Tokyo", _utc(2026, 1, 1, 14), _utc(2026, 1, 1, 14, 30), id="tokyo-late"),
        pytest.param(time(0, 30), KYIV, _utc(2026, 1, 20, 22, 0), _utc(2026, 1, 20, 22, 30), id="kyiv-past-midnight"),
        pytest.param(time(22), "America/New_York", _utc(2026, 1, 21, 2), _utc(2026, 1, 21, 3), id="new-york-evening"),
        pytest.param(time(8), "Pacific/Kiritimati", _utc(2026, 1, 1, 14), _utc(2026, 1, 1, 18), id="utc+14"),
        pytest.param(time(8), "Pacific/Pago_Pago", _utc(2026, 1, 1, 14), _utc(2026, 1, 1, 19), id="utc-11"),
        # spring forward: 03:00 -> 04:00 on 2026-03-29 in Kyiv, 03:30 does not exist that day
        pytest.param(time(3, 30), KYIV, _utc(2026, 3, 28, 12), _utc(2026, 3, 29, 1, 30), id="kyiv-gap"),
        pytest.param(time(3, 30), KYIV, _utc(2026, 3, 29, 1, 30), _utc(2026, 3, 30, 0, 30), id="kyiv-after-gap"),
        # fall back: 04:00 -> 03:00 on 2026-10-25 in Kyiv, 03:30 happens twice; the first one counts
        pytest.param(time(3, 30), KYIV, _utc(2026, 10, 24, 12), _utc(2026, 10, 25, 0, 30), id="kyiv-fold-first"),
        pytest.param(time(3, 30), KYIV, _utc(2026, 10, 25, 0, 30), _utc(2026, 10, 26, 1, 30), id="kyiv-fold-once"),
        pytest.param(time(3, 30), KYIV, _utc(2026, 10, 25, 1, 0), _utc(2026, 10, 26, 1, 30), id="kyiv-between-folds"),
    ],
)
def test_next_due(at: time, zone: str, after: datetime, expected: datetime) -> None:
    due = next_due(at, zone, after)
    assert due == expected
    assert due > after
    assert due - after <= timedelta(hours=25)


def test_next_due_in_gap_lands_after_the_gap() -> None:
    due = next_due(time(3, 30), KYIV, _utc(2026, 3, 28, 12))
    local = due.astimezone(ZoneInfo(KYIV))
    assert local.date() == date(2026, 3, 29)
    assert time(4, 0) <= local.time() <= time(4, 30)


@pytest.mark.parametrize(
    ("at", "zone", "start"),
    [
        pytest.param(time(3, 30), KYIV, _utc(2026, 3, 25), id="kyiv-spring"),
        pytest.param(time(3, 30), KYIV, _utc(2026, 10, 22), id="kyiv-autumn"),
        pytest.param(time(2, 30), "America/New_York", _utc(2026, 3, 6), id="new-york-spring"),
        pytest.param(time(1, 30), "America/New_York", _utc(2026, 10, 30), id="new-york-autumn"),
        pytest.param(time(2, 0), "Australia/Lord_Howe", _utc(2026, 4, 1), id="half-hour-dst"),
        pytest.param(time(0, 0), "UTC", _utc(2026, 1, 1), id="utc"),
    ],
)
def test_due_exactly_once_per_local_day(at: time, zone: str, start: datetime) -> None:
    moment = start
    days = []
    for _ in range(10):
        due = next_due(at, zone, moment)
        assert due > moment
        days.append(digest_day(due, zone))
        moment = due
    first = days[0]
    assert days == [first + timedelta(days=n) for n in range(10)]


@pytest.mark.parametrize(
    ("due", "zone", "expected"),
    [
        (_utc(2026, 1, 20, 22, 30), KYIV, date(2026, 1, 21)),
        (_utc(2026, 1, 20, 22, 30), "UTC", date(2026, 1, 20)),
        (_utc(2026, 1, 21, 3), "America/New_York", date(2026, 1, 20)),
        (_utc(2026, 3, 29, 1, 30), KYIV, date(2026, 3, 29)),
    ],
)
def test_digest_day(due: datetime, zone: str, expected: date) -> None:
    assert digest_day(due, zone) == expected


def test_format_local() -> None:
    assert format_local(_utc(2026, 3, 29, 1, 30), KYIV) == "2026-03-29 04:30 Europe/Kyiv"


# ---------------------------------------------------------------- /subscribe arguments


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (None, None, ())),
        (["07:30"], (time(7, 30), None, ())),
        (["Europe/Kyiv"], (None, KYIV, ())),
        (["europe/kyiv"], (None, KYIV, ())),
        (["utc"], (None, "UTC", ())),
        (["GMT"], (None, "GMT", ())),
        (["7.30", "Europe/Kyiv", "ukraine", "energy"], (time(7, 30), KYIV, ("ukraine", "energy"))),
        (["Energy", "energy", "ENERGY"], (None, None, ("energy",))),
        (["AT&T", "Kyiv!"], (None, None, ("att", "kyiv"))),
        (["07:30", "08:15"], (time(8, 15), None, ())),
        ([f"t{n}" for n in range(MAX_TOPICS)], (None, None, tuple(f"t{n}" for n in range(MAX_TOPICS)))),
        (["xi"] * (MAX_TOPICS + 5), (None, None, ("xi",))),
        (["a" * 100], (None, None, ("a" * 40,))),
        (["08:00", "CET"], (time(8), "CET", ())),
        (["08:00", "Japan", "energy"], (time(8), "Japan", ("energy",))),
        (["08:00", "japan"], (time(8), "Japan", ())),
        (["CET", "energy"], (None, "CET", ("energy",))),
        (["EST5EDT"], (None, "EST5EDT", ())),
        (["est5edt"], (None, None, ("est5edt",))),
        (["japan", "08:00"], (time(8), None, ("japan",))),
        (["israel", "iran"], (None, None, ("israel", "iran"))),
        (["08:00", "Europe/Kyiv", "japan"], (time(8), KYIV, ("japan",))),
        (["08:00", '"japan"'], (time(8), None, ("japan",))),
        (['"climate change"', "energy"], (None, None, ("climate change", "energy"))),
        (['"  Climate   CHANGE! "'], (None, None, ("climate change",))),
        (['"2026"', '"08:00"'], (None, None, ("2026", "0800"))),
        (["08:00", "Z"], (time(8), "UTC", ())),
        (["08:00", "z", "energy"], (time(8), "UTC", ("energy",))),
        (["07:30", "Z"], (time(7, 30), "UTC", ())),
        (["07:30", "z"], (time(7, 30), "UTC", ())),
        (["07:30Z"], (time(7, 30), "UTC", ())),
        (["07:30z", "energy"], (time(7, 30), "UTC", ("energy",))),
        (["7h30Z"], (time(7, 30), "UTC", ())),
        (["07:30", "gen", "zz"], (time(7, 30), None, ("gen", "zz"))),
        (["07:30", "zulu"], (time(7, 30), "Zulu", ())),
        (["07:30", "Etc/UTC"], (time(7, 30), "Etc/UTC", ())),
        (["07:30", "GMT+0"], (time(7, 30), "GMT+0", ())),
        (["07:30", "etc/gmt-0"], (time(7, 30), "Etc/GMT-0", ())),
        (["all"], (None, None, ("all",))),
        (["07:30", "ALL", "all"], (time(7, 30), None, ("all",))),
        (['"all"'], (None, None, ("all",))),
        (["election", "2026"], (None, None, ("election", "2026"))),
        (["boeing", "737", "uk", "pm"], (None, None, ("boeing", "737", "uk", "pm"))),
        (["met", "gala"], (None, None, ("met", "gala"))),
        (["08:00", "cet"], (time(8), "CET", ())),
        (["MET", "gala"], (None, "MET", ("gala",))),
        (["utc", "energy"], (None, "UTC", ("energy",))),
        (["07:00", "US"], (time(7), None, ("US",))),
        (["07:30", "Europe/Kyiv", "europe/kyiv"], (time(7, 30), KYIV, ())),
        (["est", "energy"], (None, None, ("est", "energy"))),
        (["WHO", "IT", "UN", '"US tariffs"'], (None, None, ("WHO", "IT", "un", "US tariffs"))),
        (['"' + "word " * 20 + '"'], (None, None, (" ".join(["word"] * 8),))),
    ],
)
def test_parse_subscribe_args(args: list[str], expected: tuple[object, ...]) -> None:
    assert parse_subscribe_args(args) == expected


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ([f"t{n}" for n in range(MAX_TOPICS + 1)], "at most 10 topics"),
        (["25:00"], "not a time of day"),
        (["7:61", "Europe/Kyiv"], "not a time of day"),
        (["Mars/Olympus"], "not a time zone"),
        (["../etc/passwd"], "not a time zone"),
        (["8pm"], "'8pm' is not a time of day"),
        (["0800"], "'0800' is not a time of day"),
        (["8", "pm"], "'8' is not a time of day"),
        (["08:00", "pm"], "'pm' is not a time of day"),
        (["7:5"], "not a time of day"),
        (["07:30:00"], "not a time of day"),
        (["08:00", "UTC+3"], "'UTC\\+3' is a UTC offset, not a time zone; use a city's zone name"),
        (["+03:00"], "is a UTC offset"),
        (["GMT-5", "energy"], "is a UTC offset"),
        (["08:00", "the"], "'the' has no word a story could be about"),
        (["gen", "z"], "^'z' has no word a story could be about"),
        (["Z", "07:30"], "^'z' has no word a story could be about"),
        (["Z"], "^'z' has no word a story could be about"),
        (["07:30", "energy", "Z"], "^'z' has no word a story could be about"),
        (["07:60Z"], "'07:60' is not a time of day"),
        (['"of the"'], "'of the' has no word"),
        (["07:00", "us"], "^'us' has no word a story could be about"),
        (["07:30", "Europe/Kyiv", "Europe/London"], "^two time zones, Europe/Kyiv and Europe/London: give one$"),
        (["CET", "energy", "08:00", "Japan"], "^two time zones, CET and Japan: give one$"),
        (["07:30", "Z", "Europe/Kyiv"], "^two time zones, UTC and Europe/Kyiv"),
        (["07:30Z", "Europe/Kyiv"], "^two time zones, UTC and Europe/Kyiv: give one$"),
        (["Europe/Kyiv", "07:30Z"], "^two time zones, Europe/Kyiv and UTC: give one$"),
        (["07:30", "EST"], "^'EST' is a clock abbreviation, not a time zone; use a city's zone name instead, such as "
                           "America/New_York \\(it follows daylight saving\\)$"),
        (["07:30", "pst"], "^'pst' is a clock abbreviation.*America/Los_Angeles"),
        (["PDT", "energy"], "^'PDT' is a clock abbreviation.*America/Los_Angeles"),
        (["07:30", "hst"], "^'hst' is a clock abbreviation.*Pacific/Honolulu"),
        (["07:00", "Who"], "^'who' has no word a story could be about"),
    ],
)
def test_parse_subscribe_args_errors(args: list[str], match: str) -> None:
    with pytest.raises(InvalidArgument, match=match):
        parse_subscribe_args(args)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("08:00  Europe/Kyiv energy", ["08:00", "Europe/Kyiv", "energy"]),
        ('08:00 "climate change" energy', ["08:00", '"climate change"', "energy"]),
        ("“climate   change” «ai act» „wahl“", ['"climate change"', '"ai act"', '"wahl"']),
        ("‟ai act‟ energy", ['"ai act"', "energy"]),  # the same marks as /search takes
        ('"unclosed phrase here', ['"unclosed phrase here"']),
        ('@newsroom 07:00 "a b"', ["@newsroom", "07:00", '"a b"']),
    ],
)
def test_split_arguments_keeps_quoted_phrases_together(text: str, expected: list[str]) -> None:
    assert split_arguments(text) == expected


def test_parse_subscribe_args_dedupes_truncated_topics() -> None:
    _, _, topics = parse_subscribe_args(["a" * 45, "a" * 46])
    assert topics == ("a" * 40,)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["🇺🇦"], "'🇺🇦'"),
        (["07:30", "🇺🇦"], "'🇺🇦'"),
        (["energy", "🙂🙂"], "'🙂🙂'"),
        (["!!!"], "'!!!'"),
        (["—"], "'—'"),
        (['"🇺🇦 🇵🇱"'], "'\"🇺🇦 🇵🇱\"'"),
        (['""'], "'\"\"'"),
        (['"!!"'], "'\"!!\"'"),
    ],
)
def test_parse_subscribe_args_refuses_arguments_without_letters_or_digits(args: list[str], named: str) -> None:
    with pytest.raises(InvalidArgument, match=f"^{re.escape(named)} has no word a story could be about; name a topic"):
        parse_subscribe_args(args)


@pytest.mark.parametrize(
    "args",
    [["07:30", "Etc/GMT+3"], ["etc/gmt-5", "energy"], ["07:30", "Europe/Kyiv", "Etc/GMT-2"]],
)
def test_parse_subscribe_args_refuses_reversed_posix_offsets(args: list[str]) -> None:
    with pytest.raises(InvalidArgument, match="is a UTC offset with its sign reversed"):
        parse_subscribe_args(args)


@pytest.mark.parametrize("args", [["all", "kazakhstan"], ["kazakhstan", "all"], ["07:30", '"climate change"', "ALL"]])
def test_parse_subscribe_args_refuses_all_mixed_with_topics(args: list[str]) -> None:
    with pytest.raises(InvalidArgument, match=r"^'all' means every story, so it cannot go with topics"):
        parse_subscribe_args(args)
