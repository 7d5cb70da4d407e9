"""Polling intervals and source ids as admins type them: parsed, range-checked, and quoted back when refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from news.errors import InvalidArgument
from news.health import INTERVAL_FORM, format_interval, parse_interval, parse_retry_after, parse_source_id


@pytest.mark.parametrize(("text", "seconds", "shown"), [("30m", 1800, "30m"), ("90", 5400, "1h30m"), ("2H", 7200, "2h"),
                                                        ("7d", 604800, "7d"), (" 5m ", 300, "5m"),
                                                        ("1h30m", 5400, "1h30m"), ("1d12h", 129600, "36h"),
                                                        ("2h 30m", 9000, "2h30m"), ("1D 2H 3M", 93780, "26h3m"),
                                                        ("6d24h", 604800, "7d"), ("0h5m", 300, "5m")])
def test_intervals_parse_and_format(text: str, seconds: int, shown: str) -> None:
    assert parse_interval(text) == seconds
    assert format_interval(seconds) == shown


@pytest.mark.parametrize(("text", "quoted"), [("0m", "'0m'"), ("4", "'4'"), ("8d", "'8d'"), ("soon", "'soon'"),
                                               ("7d1m", "'7d1m'"), ("0h4m", "'0h4m'")])
def test_refused_intervals_quote_what_was_typed(text: str, quoted: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_interval(text)
    assert quoted in str(caught.value)


@pytest.mark.parametrize("text", ["30m1h", "1h1h", "1h30", "1m30s", "1d1d", "h", "1h 30", "1h+30m"])
def test_compound_intervals_need_d_h_m_parts_once_each_in_that_order(text: str) -> None:
    with pytest.raises(InvalidArgument, match=f"is not an interval: use {re.escape(INTERVAL_FORM)}"):
        parse_interval(text)


@pytest.mark.parametrize(("text", "expected"), [("3", 3), ("#3", 3), (" #12 ", 12), ("999999999", 999999999),
                                                ("²", None), ("#²", None), ("3²", None), ("١", None), ("٣", None),
                                                ("1000000000", None), ("-1", None), ("", None), ("abc", None)])
def test_source_ids_are_ascii_digits(text: str, expected: int | None) -> None:
    assert parse_source_id(text) == expected


@pytest.mark.parametrize(("value", "expected"), [("120", 120.0), ("²", None), ("١٢", None), ("", None)])
def test_retry_after_seconds_are_ascii_digits(value: str, expected: float | None) -> None:
    assert parse_retry_after(value, datetime(2026, 1, 1, tzinfo=UTC)) == expected
