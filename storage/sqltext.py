"""Text statements built once per SQL text, and bound to the parameters each call gives."""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import Any

from sqlalchemy import TextClause, bindparam, text

from storage.models import UTCDateTime

_PARAMETER = re.compile(r"(?<![:\w]):(\w+)")


def bound(sql: str, params: dict[str, Any]) -> tuple[TextClause, dict[str, Any]]:
    """A text statement (built once per SQL text) and the parameters it names; datetimes typed, lists expanded."""
    names = _names(sql)
    used = {name: value for name, value in params.items() if name in names}
    dated = frozenset(name for name, value in used.items() if isinstance(value, datetime))
    lists = frozenset(name for name, value in used.items() if isinstance(value, list))
    return _clause(sql, dated, lists), used


@functools.lru_cache(maxsize=512)
def _names(sql: str) -> frozenset[str]:
    """The :parameters a statement names."""
    return frozenset(_PARAMETER.findall(sql))


@functools.lru_cache(maxsize=512)
def _clause(sql: str, dated: frozenset[str], lists: frozenset[str]) -> TextClause:
    """The statement with its datetime parameters typed and its list parameters expanding; values come later."""
    typed = [bindparam(name, type_=UTCDateTime) for name in sorted(dated)]
    return text(sql).bindparams(*typed, *(bindparam(name, expanding=True) for name in sorted(lists)))
