"""OPML subscription lists: read them safely (defusedxml) and write them for other readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from news.errors import FeedError
from news.models import Source

MAX_OPML_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One feed outline: its address and the title the list gives it."""

    url: str
    title: str


@dataclass(slots=True)
class ImportReport:
    """What an OPML import did with each feed: (source, stories found) added; (url, reason) skipped or failed."""

    added: list[tuple[Source, int]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """Every feed outline (xmlUrl) of an OPML document, nested folders included; raise FeedError."""
    if len(data) > MAX_OPML_BYTES:
        raise FeedError(f"the OPML file is larger than {MAX_OPML_BYTES // 1024} KiB")
    try:
        root = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise FeedError(f"not a readable OPML file: {type(exc).__name__}: {exc}"[:200]) from None
    if root.tag.lower() != "opml":
        raise FeedError("not an OPML file: the root element is not <opml>")
    feeds = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url:
            title = (outline.get("title") or outline.get("text") or "").strip()
            feeds.append(OpmlFeed(url, title[:200]))
    return feeds


def render_opml(feeds: Sequence[tuple[str, str]], now: datetime, title: str = "newsbot sources") -> bytes:
    """An OPML 2.0 document of (url, title) feeds, each outline typed "rss" so other readers accept it."""
    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = title
    SubElement(head, "dateCreated").text = now.strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = SubElement(root, "body")
    for url, name in feeds:
        SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=url)
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + document
