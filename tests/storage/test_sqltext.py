"""Text statements: built once per SQL text, bound to the parameters they name."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.models import UTCDateTime
from storage.sqltext import bound


def test_only_named_parameters_are_bound_and_the_statement_is_reused() -> None:
    sql = "SELECT id FROM stories WHERE id IN :ids AND published_at >= :since AND title::text = :title"
    moment = datetime(2026, 1, 20, tzinfo=UTC)
    clause, params = bound(sql, {"ids": [1, 2], "since": moment, "title": "x", "unused": 3})
    assert params == {"ids": [1, 2], "since": moment, "title": "x"}  # "::text" is a cast, not a parameter
    again, _ = bound(sql, {"ids": [5], "since": moment, "title": "y"})
    assert again is clause
    assert isinstance(clause._bindparams["since"].type, UTCDateTime)
    assert clause._bindparams["ids"].expanding and not clause._bindparams["title"].expanding
