"""Feed documents (RSS, Atom, JSON Feed, plain-text story files) into entries."""

from __future__ import annotations

import calendar
import html
import json
import re
from datetime import UTC, datetime
from html.entities import html5
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import feedparser

from news.errors import FeedError
from news.htmltext import clean_space, html_to_text
from news.models import Entry, ParsedFeed

_BLOCK_GAP = re.compile(r"\n[ \t]*\n[ \t]*\n+")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")  # with its ';' only
_HEADLINE_MAX = 160
_TITLE_MAX = 110
_SNIPPET_MAX = 60
FEED_SUFFIXES = (".rss", ".atom", ".xml", ".json", ".rdf")


def may_be_plain_text(url: str) -> bool:
    """Tell whether a source may be a plain-text story document: only a local file not named as a feed.

    Anything fetched over http(s), and a .rss/.atom/.xml/.json/.rdf file, must be a real feed.
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "file":
        return False
    return PurePosixPath(unquote(parts.path)).suffix.lower() not in FEED_SUFFIXES


def parse_source_document(data: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse what a source URL served: a real feed, or plain text only from a local text file."""
    return parse_document(
        data, name=source_file_name(url), content_type=content_type, feed_only=not may_be_plain_text(url)
    )


def source_file_name(url: str) -> str:
    """A readable source name for a local file: its stem with separators as spaces, capitalised."""
    if not url.startswith("file://"):
        return ""
    stem = PurePosixPath(unquote(url.removeprefix("file://"))).stem.replace("-", " ").replace("_", " ").strip()
    return stem[:1].upper() + stem[1:]


def parse_document(
    data: bytes, *, name: str = "", content_type: str | None = None, feed_only: bool = False
) -> ParsedFeed:
    """Parse feed bytes of any supported format; raise FeedError when nothing can be read.

    content_type is the HTTP Content-Type header, whose charset helps decode feeds that declare none.
    With feed_only, a document that is not RSS, Atom, RDF or JSON Feed is refused instead of being
    read as plain text (a rate-limit notice must not become a story).
    """
    head = _strip_bom(data).lstrip()[:1]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = decode_text(data[:64]).lstrip()[:1].encode()
    if head in (b"{", b"["):
        return parse_json_feed(data)
    if head == b"<":
        return parse_xml_feed(data, content_type=content_type)
    text = decode_text(data)
    if _looks_binary(text):
        what = "a feed" if feed_only else "a feed or a text document"
        raise FeedError(f"the document is not {what}: it looks like binary data")
    if feed_only:
        return _feed_after_text(data, text, content_type)
    return parse_plain_text(text, name=name)


def _feed_after_text(data: bytes, text: str, content_type: str | None) -> ParsedFeed:
    """A feed behind a few stray characters (a server warning before <rss>), else FeedError."""
    if "<" in text:
        try:
            return parse_xml_feed(data, content_type=content_type)
        except FeedError:
            pass
    snippet = " ".join(clean_space(text).split())
    if len(snippet) > _SNIPPET_MAX:
        snippet = snippet[: _SNIPPET_MAX - 1].rstrip() + "…"
    reason = f"it starts with plain text ('{snippet}')" if snippet else "it is empty"
    raise FeedError(f"the document is not a feed: {reason}, not RSS, Atom or JSON Feed")


def _looks_binary(text: str) -> bool:
    """Tell whether decoded bytes hold control characters or undecodable bytes no text document has."""
    sample = text[:4096]
    odd = sum(1 for char in sample if (char < " " and char not in "\t\n\r\f\v") or char == "\ufffd")
    return odd > max(2, len(sample) // 100)


def _strip_bom(data: bytes) -> bytes:
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def decode_text(data: bytes) -> str:
    """Text of a document without a declared encoding: UTF-8 (with or without BOM), UTF-16 by BOM, else cp1252."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_xml_feed(data: bytes, *, content_type: str | None = None) -> ParsedFeed:
    """Parse RSS 0.9x/1.0/2.0 or Atom bytes with feedparser (never a URL).

    Sanitizing and URI resolution are off: feed HTML is only ever turned into plain text here.
    """
    headers = {"content-type": content_type} if content_type else None
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    entries = [_xml_entry(item) for item in parsed.entries]
    entries = [entry for entry in entries if entry.title or entry.text]
    title = clean_space(str(parsed.feed.get("title", "")))
    if parsed.bozo and not entries and not title:
        raise FeedError(f"not a readable feed: {_reason(parsed.get('bozo_exception'))}")
    if not parsed.version and not entries:
        raise FeedError("not a feed: no RSS or Atom elements found")
    warning = _reason(parsed.get("bozo_exception")) if parsed.bozo else None
    return ParsedFeed(title=title, entries=entries, warning=warning)


def _reason(exc: object) -> str:
    text = str(exc) if exc is not None else "unknown problem"
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _xml_entry(item: Any) -> Entry:
    content = item.get("content") or []
    body = content[0].get("value", "") if content else item.get("summary", "")
    stamp = item.get("published_parsed") or item.get("updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(stamp), UTC) if stamp else None
    return Entry(
        title=html_to_text(str(item.get("title", ""))),
        url=_str_or_none(item.get("link")),
        guid=_str_or_none(item.get("id")),
        text=html_to_text(str(body)),
        published_at=published,
    )


def _str_or_none(value: object) -> str | None:
    return str(value).strip() or None if value else None


def parse_json_feed(data: bytes) -> ParsedFeed:
    """Parse a JSON Feed (version 1 or 1.1)."""
    try:
        document = json.loads(data)
    except UnicodeDecodeError:
        document = _json_loads(decode_text(data))
    except json.JSONDecodeError as exc:
        raise FeedError(f"not valid JSON: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise FeedError("not a JSON Feed: no 'items' list")
    entries = [_json_entry(item) for item in document["items"] if isinstance(item, dict)]
    entries = [entry for entry in entries if entry.title or entry.text]
    return ParsedFeed(title=plain_title(str(document.get("title", ""))), entries=entries)


def _json_loads(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedError(f"not valid JSON: {exc}") from exc


def _json_entry(item: dict[str, Any]) -> Entry:
    text = item.get("content_text") or html_to_text(str(item.get("content_html") or item.get("summary") or ""))
    return Entry(
        title=plain_title(str(item.get("title") or "")),
        url=_str_or_none(item.get("url") or item.get("external_url")),
        guid=_str_or_none(item.get("id")),
        text=clean_space(str(text)),
        published_at=parse_datetime(item.get("date_published") or item.get("date_modified")),
    )


def plain_title(value: str) -> str:
    """A JSON Feed title: plain text by the spec, so never stripped of '<...>'; entities with their ';' decoded."""
    return clean_space(_ENTITY.sub(_decoded, value) if "&" in value else value)


def _decoded(entity: re.Match[str]) -> str:
    """A complete entity ('&amp;', '&#8217;') as its character; a name HTML does not know stays as written."""
    name = entity.group(1)
    return html.unescape(entity.group(0)) if name.startswith("#") else html5.get(f"{name};", entity.group(0))


def parse_datetime(value: object) -> datetime | None:
    """Read an RFC 3339 timestamp as an aware UTC datetime, or None when absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def parse_plain_text(text: str, *, name: str = "") -> ParsedFeed:
    """Parse the sample-document format: stories and headline lists separated by two or more blank lines.

    A block of several short lines is a list of headlines, one story each; any other block is one
    story whose title is its first line when short, or its first sentence otherwise.
    """
    blocks = [block.strip() for block in _BLOCK_GAP.split(text.replace("\r\n", "\n")) if block.strip()]
    entries: list[Entry] = []
    for block in blocks:
        lines = [clean_space(line) for line in block.split("\n") if line.strip()]
        if len(lines) > 1 and all(len(line) <= _HEADLINE_MAX for line in lines):
            entries.extend(_text_entry(line, "") for line in lines)
        else:
            entries.append(_story_entry(lines))
    if not entries:
        raise FeedError("the document holds no stories")
    return ParsedFeed(title=name, entries=entries)


def _story_entry(lines: list[str]) -> Entry:
    first = lines[0]
    if len(lines) > 1 and len(first) <= _TITLE_MAX and not first.endswith("."):
        return _text_entry(first, "\n\n".join(lines[1:]))
    return _text_entry(headline_from_text(first), "\n\n".join(lines))


def _text_entry(title: str, body: str) -> Entry:
    """A story of a text document: no GUID or link, so it is known by its title and text (news.urls.content_key)."""
    return Entry(title=title, url=None, guid=None, text=body, published_at=None)


def headline_from_text(paragraph: str) -> str:
    """Make a headline from a story's first sentence, cut at a clause boundary when long."""
    sentence = re.split(r"(?<=[.!?])\s+", paragraph, maxsplit=1)[0].rstrip(".")
    if len(sentence) <= _TITLE_MAX:
        return sentence
    clause = re.split(r",\s+|;\s+|\s+-\s+", sentence, maxsplit=1)[0]
    if 20 <= len(clause) <= _TITLE_MAX:
        return clause
    return sentence[: _TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"
