"""Polling intervals as admins type them: parsed, range-checked, and quoted back when refused."""

from __future__ import annotations

import pytest

from news.errors import InvalidArgument
from news.health import format_interval, parse_interval


@pytest.mark.parametrize(("text", "seconds", "shown"), [("30m", 1800, "30m"), ("90", 5400, "1h30m"), ("2H", 7200, "2h"),
                                                        ("7d", 604800, "7d"), (" 5m ", 300, "5m")])
def test_intervals_parse_and_format(text: str, seconds: int, shown: str) -> None:
    assert parse_interval(text) == seconds
    assert format_interval(seconds) == shown


@pytest.mark.parametrize(("text", "quoted"), [("0m", "'0m'"), ("4", "'4'"), ("8d", "'8d'"), ("soon", "'soon'")])
def test_refused_intervals_quote_what_was_typed(text: str, quoted: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_interval(text)
    assert quoted in str(caught.value)
