"""The pure dedup decision (news.dedup): which entries of a batch are new stories, against what is known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from news.dedup import Known, keyed, match
from news.models import Entry
from news.urls import guid_scope

NOW = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)
FEED = guid_scope("https://paper.example/feed.xml")
OTHER = guid_scope("https://mirror.example/rss")


def _entry(guid: str | None, url: str | None, title: str, text: str = "", hours_ago: float = 0) -> Entry:
    return Entry(title=title, url=url, guid=guid, text=text, published_at=NOW - timedelta(hours=hours_ago))


def _refs(scope: str, entries: list[Entry], known: Known | None = None) -> list[int]:
    """Each entry's story: a known id, or -n for the n-th new one."""
    return match(known or Known(), keyed(entries, scope, NOW))[1]


def _stored(scope: str, entries: list[Entry], *, own: bool) -> Known:
    """What is known once these entries are stored as stories 101, 102, ... (``own``: by the feed polled now)."""
    known = Known()
    for story_id, (_, keys, published) in enumerate(keyed(entries, scope, NOW), start=101):
        known.add(story_id, keys, published)
    known.own = set(range(101, 101 + len(entries))) if own else set()
    known.listed, known.claimed = set(), set()  # as loaded from the database, before a batch
    return known


def test_a_feeds_items_with_different_guids_are_different_stories() -> None:
    daily = "Daily Paper: the main stories of the day"
    items = [
        _entry("d-1", "https://paper.example/1", daily, hours_ago=24),
        _entry("d-2", "https://paper.example/2", daily),
        _entry("live-1", "https://paper.example/live#post-1", "Live: the storm"),
        _entry("live-2", "https://paper.example/live#post-2", "Live: the storm"),
    ]
    assert _refs(FEED, items) == [-1, -2, -3, -4]


def test_another_feed_carrying_the_same_story_joins_it_by_url_or_title() -> None:
    first = _entry("a-7", "https://paper.example/storm?utm_source=rss", "Storm floods Millbrook town")
    by_url = _entry("7", "https://paper.example/storm", "A different headline")
    by_title = _entry("x", "https://mirror.example/x", "Storm floods Millbrook town", hours_ago=3)
    too_late = _entry("y", "https://mirror.example/y", "Storm floods Millbrook town", hours_ago=30)
    assert _refs(OTHER, [by_url], _stored(FEED, [first], own=False)) == [101]
    assert _refs(OTHER, [by_title], _stored(FEED, [first], own=False)) == [101]
    assert _refs(OTHER, [too_late], _stored(FEED, [first], own=False)) == [-1]
    # two items of one feed are two stories: the second of a batch cannot join the story the first joined
    assert _refs(OTHER, [by_url, by_title], _stored(FEED, [first], own=False)) == [101, -1]


def test_the_same_guid_in_two_feeds_is_two_stories() -> None:
    known = _stored(FEED, [_entry("1", "https://paper.example/a", "First story of the paper")], own=False)
    assert _refs(OTHER, [_entry("1", "https://mirror.example/b", "First story of the mirror")], known) == [-1]


def test_an_item_with_neither_guid_nor_link_is_known_by_what_it_says() -> None:
    bare = [_entry(None, None, "Snow plow schedule", "Plows run from six.")]
    known = _stored(FEED, bare, own=True)
    assert _refs(FEED, bare, known) == [101]
    assert _refs(FEED, [_entry(None, None, "Snow plow schedule", "Plows run from seven.")], known) == [-1]


def test_a_feed_that_renamed_a_guid_does_not_store_the_story_twice() -> None:
    story = ("https://paper.example/storm", "Storm floods Millbrook town", "Hundreds left their homes.")
    assert _refs(FEED, [_entry("new-7", *story)], _stored(FEED, [_entry("old-7", *story)], own=True)) == [101]
    both = [_entry("old-7", *story), _entry("new-7", *story)]  # both listed: two items, not a rename
    assert _refs(FEED, both, _stored(FEED, [_entry("old-7", *story)], own=True)) == [101, -1]


def test_new_stories_are_numbered_in_the_order_the_feed_lists_them() -> None:
    """An entry known by its link is matched first, but new stories keep the feed's order (they are stored so)."""
    known = _stored(FEED, [_entry("g1", "https://paper.example/x", "Own story under the link", "Old text.")], own=True)
    batch = [
        _entry("n1", "https://paper.example/new", "Brand new first"),
        _entry("g2", "https://paper.example/x", "Other under the same link", "Different text."),
        _entry("g1", "https://paper.example/x", "Own story under the link", "Old text."),
    ]
    pending, refs = match(known, keyed(batch, FEED, NOW))
    assert refs == [-1, -2, 101]
    assert [entry.title for entry, _, _ in pending] == ["Brand new first", "Other under the same link"]
