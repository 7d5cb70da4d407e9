"""handlers.texts: the /help text for users and admins, usage lines and search refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.texts import USAGE, help_text, search_refusal, usage
from news.query import FILTERS_NEED_A_WORD, parse_query


def test_admin_help_lists_the_channel_forms_of_subscribe_and_unsubscribe() -> None:
    admin = help_text(is_admin=True)
    assert "\n/subscribe @channel [HH:MM] [time zone] [topics] - " in admin
    assert "\n/unsubscribe @channel - " in admin
    assert admin.index("<b>Admin commands</b>") < admin.index("/subscribe @channel")


def test_user_help_has_no_admin_forms() -> None:
    user = help_text(is_admin=False)
    assert "@channel" not in user and "/addsource" not in user
    assert "\n/subscribe [HH:MM] [time zone] [topics] - " in user and "\n/unsubscribe - " in user


def test_admin_forms_leave_the_usage_lines_alone() -> None:
    assert USAGE["unsubscribe"] == "/unsubscribe"
    assert USAGE["subscribe"].startswith("/subscribe [HH:MM] [time zone] [topics] - ")


def test_help_documents_quoted_source_names() -> None:
    assert "source:&quot;two words&quot;" in help_text(is_admin=False)


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("source:world", FILTERS_NEED_A_WORD),
        ("-ice", "-word leaves a word out: add at least one word to look for, e.g. /search greenland -ice"),
        ("*", usage("search")),
        ("", usage("search")),
    ],
)
def test_search_refusal_says_what_is_missing(text: str, reply: str) -> None:
    assert search_refusal(parse_query(text, datetime(2026, 1, 20, tzinfo=UTC))) == reply


def test_a_filters_only_query_is_refused_with_its_reason() -> None:
    query = parse_query("source:world since:7d", datetime(2026, 1, 20, tzinfo=UTC))
    assert search_refusal(query) == FILTERS_NEED_A_WORD
    assert search_refusal(parse_query("🙂", datetime(2026, 1, 20, tzinfo=UTC))) == usage("search")
    assert query.refusal("newsbot search").endswith("e.g. newsbot search greenland source:world")
