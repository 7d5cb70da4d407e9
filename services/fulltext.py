"""Article full text for feeds that carry only teasers: fetch the page through the guarded fetcher, extract with
trafilatura (an optional extra) in a thread."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import importlib.util
import logging
from collections.abc import Sequence

from news.errors import FetchError, InvalidArgument
from news.htmltext import clean_space
from news.models import Entry
from news.urls import is_web_url
from services.fetch import Fetcher

logger = logging.getLogger(__name__)
TEASER_CHARS = 600
MAX_ARTICLES = 10
MISSING = (
    "full-text extraction needs trafilatura, which is not installed: "
    "pip install 'newsbot[fulltext]' (or pip install trafilatura) on the server, then try again"
)


def available() -> bool:
    """Whether the optional trafilatura package can be imported."""
    return importlib.util.find_spec("trafilatura") is not None


def require() -> None:
    """Raise InvalidArgument with the install hint when trafilatura is missing."""
    if not available():
        raise InvalidArgument(MISSING)


def extract(html: bytes | str, url: str) -> str | None:
    """The main text of an article page, or None when trafilatura finds none."""
    trafilatura = importlib.import_module("trafilatura")
    text = trafilatura.extract(html, url=url, include_comments=False, favor_precision=True)
    return clean_space(text) if isinstance(text, str) and text.strip() else None


class FullText:
    """Replaces teaser texts of new entries by their articles' main text."""

    def __init__(self, fetcher: Fetcher, *, limit: int = MAX_ARTICLES, teaser_chars: int = TEASER_CHARS) -> None:
        self.fetcher = fetcher
        self.limit = limit
        self.teaser_chars = teaser_chars

    async def enrich(self, entries: Sequence[Entry]) -> dict[int, Entry]:
        """Entries (by index) whose text was replaced by the article's; failures leave the teaser."""
        if not available():
            logger.warning("full text is on for a source but trafilatura is not installed")
            return {}
        wanted = [(i, e) for i, e in enumerate(entries) if e.url and is_web_url(e.url)
                  and len(e.text) < self.teaser_chars][: self.limit]
        found = await asyncio.gather(*(self._article(entry) for _, entry in wanted))
        return {index: replaced for (index, _), replaced in zip(wanted, found, strict=True) if replaced is not None}

    async def _article(self, entry: Entry) -> Entry | None:
        assert entry.url is not None
        try:
            fetched = await self.fetcher.fetch(entry.url)
        except FetchError as exc:
            logger.info("no full text for %s: %s", entry.url, exc)
            return None
        if not fetched.content:
            return None
        text = await asyncio.to_thread(extract, fetched.content, entry.url)
        if text is None or len(text) <= len(entry.text):
            return None
        return dataclasses.replace(entry, text=text)
