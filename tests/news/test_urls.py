"""news.urls: canonical URLs, title and content keys for recognising one story, GUID scopes per feed."""

from __future__ import annotations

import hashlib

import pytest

from news.urls import content_key, guid_scope, is_web_url, normalize_url, source_key


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # tracking parameters dropped, others kept and sorted
        ("https://a.example/x?utm_source=rss&utm_medium=feed", "https://a.example/x"),
        ("https://a.example/x?UTM_Campaign=z&id=3", "https://a.example/x?id=3"),
        ("https://a.example/x?fbclid=abc&gclid=def&ref=tw&id=3", "https://a.example/x?id=3"),
        ("https://a.example/x?mc_cid=1&pk_campaign=2&ga_x=3", "https://a.example/x"),
        ("https://a.example/x?b=2&a=1", "https://a.example/x?a=1&b=2"),
        ("https://a.example/x?b=2&a=1&a=0", "https://a.example/x?a=0&a=1&b=2"),
        ("https://a.example/x?q=", "https://a.example/x?q="),
        ("https://a.example/x?reference=1", "https://a.example/x?reference=1"),
        # fragment dropped
        ("https://a.example/x#comments", "https://a.example/x"),
        ("https://a.example/x?id=1#top", "https://a.example/x?id=1"),
        # www. dropped, host lower-cased, path case kept
        ("https://www.A.Example/Path/To", "https://a.example/Path/To"),
        ("HTTPS://WWW.A.EXAMPLE", "https://a.example/"),
        # default ports dropped, others kept
        ("https://a.example:443/x", "https://a.example/x"),
        ("http://a.example:80/x", "https://a.example/x"),
        ("https://a.example:8443/x", "https://a.example:8443/x"),
        ("http://a.example:443/x", "https://a.example:443/x"),
        # trailing slash
        ("https://a.example/x/", "https://a.example/x"),
        ("https://a.example/x///", "https://a.example/x"),
        ("https://a.example", "https://a.example/"),
        ("https://a.example/", "https://a.example/"),
        # http and https are the same story
        ("http://a.example/x", "https://a.example/x"),
        # surrounding whitespace, credentials
        ("  https://a.example/x  ", "https://a.example/x"),
        ("https://user:pw@a.example/x", "https://a.example/x"),
        # other schemes are left alone
        ("ftp://a.example/x", "ftp://a.example/x"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (
            "https://worldwire.example/2026/01/20/eu-greenland-tariffs?utm_source=rss&utm_medium=feed",
            "https://www.worldwire.example/2026/01/20/eu-greenland-tariffs/",
        ),
        ("http://www.a.example:80/x/?b=2&a=1#f", "https://a.example/x?a=1&b=2&fbclid=q"),
    ],
)
def test_same_story_urls_normalize_equal(left: str, right: str) -> None:
    assert normalize_url(left) == normalize_url(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("https://a.example/x?id=1", "https://a.example/x?id=2"),
        ("https://a.example/x", "https://b.example/x"),
        ("https://a.example/x", "https://a.example/X"),
        ("https://a.example:8080/x", "https://a.example/x"),
    ],
)
def test_different_stories_stay_different(left: str, right: str) -> None:
    assert normalize_url(left) != normalize_url(right)


@pytest.mark.parametrize(
    "url",
    ["https://www.a.example/x/?utm_source=z&b=2&a=1#f", "http://a.example:80", "https://a.example/p?q=a%20b"],
)
def test_normalize_url_is_idempotent(url: str) -> None:
    once = normalize_url(url)
    assert normalize_url(once) == once


def test_normalize_url_keeps_ipv6_brackets() -> None:
    assert normalize_url("https://[2001:db8::1]:8080/x") == "https://[2001:db8::1]:8080/x"


@pytest.mark.parametrize("url", ["https://a.example:99999/x", "https://a.example:abc/x"])
def test_normalize_url_never_raises_for_a_web_url(url: str) -> None:
    assert is_web_url(url)
    assert normalize_url(url).startswith("https://a.example")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://a.example", True),
        ("http://a.example/x?y=1", True),
        ("HTTP://A.EXAMPLE", True),
        ("  https://a.example  ", True),
        ("http://localhost", True),
        ("https://[::1]/", True),
        ("javascript:alert(1)", False),
        ("JavaScript://a.example/%0aalert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("mailto:a@b.example", False),
        ("ftp://a.example/x", False),
        ("file:///etc/passwd", False),
        ("//a.example/x", False),
        ("a.example/x", False),
        ("https://", False),
        ("https:///path", False),
        ("", False),
        ("   ", False),
    ],
)
def test_is_web_url(value: str, expected: bool) -> None:
    assert is_web_url(value) is expected


@pytest.mark.parametrize(
    "spelling",
    [
        "http://host.example/feed.xml?utm_source=x",
        "HTTP://HOST.EXAMPLE/feed.xml",
        "http://host.example:80/feed.xml",
        "http://host.example/feed.xml#latest",
        "http://host.example/feed.xml?fbclid=1&gclid=2&utm_medium=rss",
        "  http://host.example/feed.xml  ",
    ],
)
def test_source_key_is_one_for_every_spelling_of_a_feed(spelling: str) -> None:
    assert source_key(spelling) == source_key("http://host.example/feed.xml")


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("http://host.example/feed.xml", "http://host.example/Feed.xml"),
        ("http://host.example/feed.xml", "http://host.example:8080/feed.xml"),
        ("http://host.example/feed.xml?cat=1", "http://host.example/feed.xml?cat=2"),
        ("http://host.example/feed.xml", "http://other.example/feed.xml"),
        ("file:///data/World.rss", "file:///data/world.rss"),
    ],
)
def test_source_key_keeps_different_feeds_apart(left: str, right: str) -> None:
    assert source_key(left) != source_key(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("HTTPS://Host.Example/feed", "https://host.example/feed"),
        ("https://host.example:443/feed", "https://host.example/feed"),
        ("http://host.example:0080/feed", "http://host.example/feed"),
        ("https://host.example/feed/", "https://host.example/feed"),
        ("https://host.example", "https://host.example/"),
        ("https://host.example/feed#top", "https://host.example/feed"),
        ("https://host.example/feed?b=2&a=1", "https://host.example/feed?a=1&b=2"),
        ("https://host.example/feed?a=1&utm_campaign=x&mc_cid=1&mc_eid=2", "https://host.example/feed?a=1"),
        ("https://user:pw@HOST.example:443/feed", "https://user:pw@host.example/feed"),
        ("https://[2001:DB8::1]:443/feed", "https://[2001:db8::1]/feed"),
    ],
)
def test_source_key_treats_as_one_feed(left: str, right: str) -> None:
    assert source_key(left) == source_key(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("https://host.example/tag/amp", "https://host.example/tag"),
        ("https://m.host.example/feed", "https://host.example/feed"),
        ("https://amp.host.example/feed", "https://host.example/feed"),
        ("https://www.host.example/feed", "https://host.example/feed"),
        ("https://host.example/feed?ref=dev", "https://host.example/feed?ref=main"),
        ("https://host.example/feed?ref=dev", "https://host.example/feed"),
        ("https://user:pw@host.example/feed", "https://other:pw2@host.example/feed"),
        ("https://user:pw@host.example/feed", "https://host.example/feed"),
        ("http://host.example/feed", "https://host.example/feed"),
        ("http://host.example:443/feed", "https://host.example/feed"),
        ("https://host.example/feed?a=1&a=2", "https://host.example/feed?a=1"),
    ],
)
def test_source_key_keeps_different_feeds_apart_where_story_urls_meet(left: str, right: str) -> None:
    assert source_key(left) != source_key(right)


def test_source_key_leaves_local_files_as_written() -> None:
    assert source_key("file:///data/world.rss?utm_source=x") == "file:///data/world.rss?utm_source=x"


def test_guid_scopes_tell_feeds_apart_but_not_spellings_of_one_feed() -> None:
    scope = guid_scope("https://a.example/rss")
    assert scope == guid_scope("HTTPS://a.example:443/rss/?utm_source=x")
    assert scope != guid_scope("https://b.example/rss") and scope != guid_scope("http://a.example/rss")
    assert scope.startswith("feed-") and scope.endswith(":") and len(scope) == 22


def test_content_keys_follow_title_and_opening_text_only() -> None:
    key = content_key("Water cut on Elm Street", "From 9 to 12.")
    assert key == content_key("Water cut on Elm Street", "From 9 to 12.")
    assert key != content_key("Water cut on Elm Street", "From 12 to 15.")
    assert key != content_key("Water cut on Oak Street", "From 9 to 12.")
    assert key.startswith("text:") and not key.startswith(guid_scope("https://a.example/rss"))
    assert content_key("T", "x" * 500) == content_key("T", "x" * 500 + " and more")


def test_content_keys_are_the_guids_text_documents_had_before() -> None:
    assert content_key("Title", "Body.") == "text:" + hashlib.sha1(b"Title\nBody.").hexdigest()[:20]
