"""Feed autodiscovery: the feed links a web page announces with <link rel="alternate">."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
_HTML_MARKERS = (b"<!doctype html", b"<html")


class _LinkCollector(HTMLParser):
    """Collects (type, href) of every alternate link in a page's markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {name: (value or "") for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES and values.get("href", "").strip():
            self.links.append((kind, values["href"].strip()))


def looks_like_html(data: bytes) -> bool:
    """Whether a document is a web page rather than a feed."""
    head = data[:1024].lstrip().lower()
    return any(marker in head for marker in _HTML_MARKERS)


def discover_feeds(html: str, base_url: str) -> list[str]:
    """Absolute URLs of the feeds a page links, preferred types first (RSS/Atom, then JSON, then others)."""
    collector = _LinkCollector()
    collector.feed(html[:500_000])
    collector.close()
    ranked = sorted(collector.links, key=lambda link: FEED_TYPES.index(link[0]))
    return list(dict.fromkeys(urljoin(base_url, href) for _, href in ranked))
