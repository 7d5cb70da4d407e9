"""Showing Telegram HTML in a terminal the way a chat would show it."""

from __future__ import annotations

import html
import re

_ANCHOR = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_BOLD = re.compile(r"</?(b|strong)>")


def to_terminal(fragment: str, *, color: bool = False) -> str:
    """Plain text of a message: links as 'label (url)', bold in ANSI when color is on, entities decoded."""
    text = _ANCHOR.sub(lambda m: f"{m.group(2)} ({html.unescape(m.group(1))})", fragment)
    if color:
        text = _BOLD.sub(lambda m: "\033[0m" if m.group(0).startswith("</") else "\033[1m", text)
    return html.unescape(_TAG.sub("", text))
