"""Telegram message limits: length after entity parsing and splitting at paragraph boundaries."""

from __future__ import annotations

import html
import re

MAX_MESSAGE = 4096
_TAG = re.compile(r"<[^>]*>")
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")


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
        lines = paragraph.split("\n")
        if not all(_balanced(line) for line in lines):
            pieces.extend(_hard_split(paragraph.replace("\n", " "), limit))
            continue
        for line in lines:
            pieces.extend([line] if visible_length(line) <= limit else _hard_split(line, limit))
    return pieces


def _balanced(fragment: str) -> bool:
    """Whether every tag opened in the fragment is closed in it, in order."""
    stack: list[str] = []
    for match in _TAG_NAME.finditer(fragment):
        closing, name = match.group(1), match.group(2).lower()
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


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
