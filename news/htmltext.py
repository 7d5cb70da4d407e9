"""Plain text out of the HTML fragments that feeds carry."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset({"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")
_LINE_EDGES = re.compile(r" ?\n ?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _TextCollector(HTMLParser):
    """Collects text, turning block elements into line breaks and dropping scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Return readable plain text of an HTML fragment: paragraphs kept, tags and scripts dropped."""
    if "<" not in fragment and "&" not in fragment:
        return clean_space(fragment)
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return clean_space("".join(collector.parts))


def clean_space(text: str) -> str:
    """Collapse runs of spaces and blank lines, keeping paragraph breaks."""
    spaced = _SPACES.sub(" ", _CONTROL.sub("", text))
    return _BLANKS.sub("\n\n", _LINE_EDGES.sub("\n", spaced)).strip()
