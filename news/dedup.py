"""Which stored story an incoming entry is: the pure decision beside storage.stories, which loads and stores.

Within one feed an entry's GUID is its identity, stored scoped to the feed (news.urls.guid_scope): two feeds'
GUID "1" never meet, and a feed's items with different GUIDs are different stories. An entry with neither GUID nor
link is known by what it says (news.urls.content_key). The same story from other feeds, and an entry without GUID,
is recognised by its normalized URL or by its title within TITLE_WINDOW; an entry with a GUID never joins another
of its own feed's GUID stories that way, unless that one's GUID left the feed and both say exactly the same (the
feed renamed the GUID).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from news.models import Entry
from news.urls import content_key, is_web_url, normalize_url, title_key

__all__ = ["TITLE_WINDOW", "Keyed", "Keys", "Known", "filled", "keyed", "match", "story_title"]

TITLE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Keys:
    """An entry's dedup keys: identity (the stories' `guid` column), URL key, title key, content key, its GUID."""

    identity: str | None  # the feed's GUID, scoped; without GUID or link, the content key
    url_key: str | None
    title_key: str | None
    content: str
    guid: str | None  # the GUID as the feed wrote it


Keyed = tuple[Entry, Keys, datetime]


def story_title(entry: Entry) -> str:
    """The title a story is stored under: the entry's, or the opening of its text when it has none."""
    return entry.title or entry.text[:100]


def entry_keys(entry: Entry, scope: str) -> Keys:
    """An entry's keys, its GUID scoped to its feed (``scope``: news.urls.guid_scope of the feed's address)."""
    guid = (entry.guid or "").strip()[:1024] or None
    url_key = normalize_url(entry.url)[:2048] if entry.url and is_web_url(entry.url) else None
    content = content_key(story_title(entry), entry.text)
    identity = (scope + guid)[:1024] if guid else None if url_key else content
    return Keys(identity, url_key, title_key(entry.title), content, guid)


def keyed(entries: Sequence[Entry], scope: str, now: datetime) -> list[Keyed]:
    """Each entry with its keys and its publication time (none, or in the future, is now)."""
    return [(entry, entry_keys(entry, scope), min(entry.published_at or now, now)) for entry in entries]


@dataclass(slots=True)
class Known:
    """Stories already stored (or new in this batch, ids below 0) by identity, URL key and title key with time.

    own: this feed's stories with a GUID; listed: those of them under a GUID the batch lists; claimed: other feeds'
    stories an item of this batch with a GUID joined (another of its items cannot join them too); empty: stored
    stories without text.
    """

    ids: dict[str, int] = field(default_factory=dict)
    urls: dict[str, int] = field(default_factory=dict)
    titles: dict[str, list[tuple[int, datetime]]] = field(default_factory=lambda: defaultdict(list))
    contents: dict[int, str] = field(default_factory=dict)
    own: set[int] = field(default_factory=set)
    listed: set[int] = field(default_factory=set)
    claimed: set[int] = field(default_factory=set)
    empty: set[int] = field(default_factory=set)
    renamed: dict[int, str] = field(default_factory=dict)  # stored stories whose feed now lists them under this GUID
    links: dict[int, str | None] = field(default_factory=dict)  # stored stories' URL keys

    def find(self, keys: Keys, published: datetime) -> int | None:
        """The story an entry is, if known: by identity, else by URL or title (within TITLE_WINDOW)."""
        if keys.identity and keys.identity in self.ids:
            return self.ids[keys.identity]
        candidates = [self.urls[keys.url_key]] if keys.url_key in self.urls else []
        for story_id, when in self.titles.get(keys.title_key or "", ()):
            if abs(when - published) <= TITLE_WINDOW:
                candidates.append(story_id)
        return next((story_id for story_id in candidates if self._may_join(keys, story_id)), None)

    def _may_join(self, keys: Keys, story_id: int) -> bool:
        """An entry with a GUID joins another of its feed's GUID stories only as its renamed twin, and no story that
        another item of its batch joined."""
        if not keys.guid:
            return True
        if story_id not in self.own:
            return story_id not in self.claimed
        return story_id not in self.listed and self.contents.get(story_id) == keys.content

    def add(self, story_id: int, keys: Keys, published: datetime) -> None:
        """Remember a story under an entry's keys."""
        if keys.identity:
            self.ids[keys.identity] = story_id
        if keys.url_key:
            self.urls.setdefault(keys.url_key, story_id)
        if keys.title_key:
            self.titles[keys.title_key].append((story_id, published))
        self.contents.setdefault(story_id, keys.content)
        if keys.guid and (story_id < 0 or story_id in self.own):  # this feed's story, under this GUID now
            self.own.add(story_id)
            self.listed.add(story_id)
        elif keys.guid:
            self.claimed.add(story_id)


def match(known: Known, entries: Sequence[Keyed]) -> tuple[list[Keyed], list[int]]:
    """The new stories, and each entry's story: a known id, or -n for the n-th new one.

    Entries known by their GUID or link go first: one that joined another feed's story by its link keeps it, and
    another item of the batch under the same headline does not take it."""
    pending: list[Keyed] = []
    refs = [0] * len(entries)
    first = sorted(range(len(entries)), key=lambda i: not _known_by_key(known, entries[i][1]))
    for index in first:
        entry, keys, published = entries[index]
        listed_before = keys.identity in known.ids
        story_id = known.find(keys, published)
        if story_id is not None and story_id > 0 and story_id in known.own and keys.guid and not listed_before:
            known.renamed[story_id] = keys.identity or ""
        if story_id is None:
            if keys.url_key in known.urls:  # held by this feed's story with another GUID: the key stays with it
                keys = replace(keys, url_key=None)
            pending.append((entry, keys, published))
            story_id = -len(pending)
        known.add(story_id, keys, published)
        refs[index] = story_id
    return _in_input_order(pending, refs)


def _in_input_order(pending: list[Keyed], refs: list[int]) -> tuple[list[Keyed], list[int]]:
    """The new stories numbered in the order the feed lists them (the order they are stored in)."""
    order = list(dict.fromkeys(-ref for ref in refs if ref < 0))  # by each new story's first entry
    number = {old: new for new, old in enumerate(order, start=1)}
    return [pending[old - 1] for old in order], [-number[-ref] if ref < 0 else ref for ref in refs]


def _known_by_key(known: Known, keys: Keys) -> bool:
    """Whether an entry's GUID or link is known (not only its headline)."""
    return bool(keys.identity and keys.identity in known.ids) or bool(keys.url_key and keys.url_key in known.urls)


def filled(known: Known, entries: Sequence[Keyed], refs: Sequence[int]) -> dict[int, str]:
    """Text for this feed's stored stories that have none (a first read of a half-written file, say), from the
    entry under the same GUID and link that now has some. A stored text is never replaced: what a feed says later
    may be a shorter teaser of an article fetched in full, or another item under a reused GUID."""
    out: dict[int, str] = {}
    for (entry, keys, _), story_id in zip(entries, refs, strict=True):
        same_item = keys.identity is not None and known.ids.get(keys.identity) == story_id
        same_link = keys.url_key is None or known.links.get(story_id) in (None, keys.url_key)
        if story_id in known.empty and story_id in known.own and same_item and same_link and entry.text.strip():
            out[story_id] = entry.text
    return out
