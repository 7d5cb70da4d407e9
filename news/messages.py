"""Telegram message limits: length after entity parsing and splitting at paragraph boundaries."""

from __future__ import annotations

import html
import re

MAX_MESSAGE = 4096
_TAG = re.compile(r"<[^>]*>")


def visible_length(fragment: str) -> int:
    """Length Telegram counts for an HTML message: tags dropped, entities as one character, UTF-16 units."""
    text = html.unescape(_TAG.sub("", fragment))
    return len(text.encode("utf-16-le")) // 2


def split_message(fragment: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split HTML into messages of at most `limit` visible characters, at paragraphs, then lines."""
    chunks: list[str] = []
    current = ""
    for paragraph in _pieces(fragment, limit):
        joined = f"{current}\n\n{paragraph}" if current else paragraph
        if visible_length(joined) <= limit:
            current = joined
            continue
        if current:
            chunks.append(current)
        current = paragraph
    if current:
        chunks.append(current)
    return chunks or [""]


def _pieces(fragment: str, limit: int) -> list[str]:
    pieces: list[str] = []
    for paragraph in fragment.strip().split("\n\n"):
        if visible_length(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        for line in paragraph.split("\n"):
            pieces.extend([line] if visible_length(line) <= limit else _hard_split(line, limit))
    return pieces


def _hard_split(line: str, limit: int) -> list[str]:
    """Last resort for one enormous line: drop its markup and cut the escaped text."""
    text = html.unescape(_TAG.sub("", line))
    out: list[str] = []
    step = limit // 2 if any(ord(char) > 0xFFFF for char in text) else limit
    while text:
        cut = len(text) if len(text) <= step else text.rfind(" ", 0, step)
        if cut <= 0:
            cut = step
        out.append(html.escape(text[:cut].strip(), quote=False))
        text = text[cut:].lstrip()
    return out
