"""news.feeds: RSS 0.91/1.0/2.0, Atom, JSON Feed and plain-text story files into entries."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from news.errors import FeedError
from news.feeds import (
    headline_from_text,
    may_be_plain_text,
    parse_datetime,
    parse_document,
    parse_json_feed,
    parse_plain_text,
    parse_source_document,
    source_file_name,
)
from news.urls import content_key

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---------------------------------------------------------------- seed files


@pytest.mark.parametrize(
    ("path", "title", "count", "first_title", "first_url", "first_guid", "first_published"),
    [
        (
            "feeds/world-wire.rss", "World Wire", 5,
            "EU weighs counter-tariffs as Greenland dispute with Washington deepens",
            "https://worldwire.example/2026/01/20/eu-greenland-tariffs?utm_source=rss&utm_medium=feed",
            "worldwire-48121", _utc(2026, 1, 20, 15, 10),
        ),
        (
            "feeds/europe-desk.atom", "Europe Desk", 4,
            "EU ambassadors meet in emergency session over Greenland tariff threat",
            "https://europedesk.example/news/eu-ambassadors-greenland",
            "tag:europedesk.example,2026:8841", _utc(2026, 1, 20, 13, 30),
        ),
        (
            "feeds/briefs.json", "Morning Briefs", 3,
            "Administration proposes $1 billion fee for seats on new peace board",
            "https://briefs.example/2026/01/20/peace-board-fee",
            "https://briefs.example/2026/01/20/peace-board-fee", _utc(2026, 1, 20, 12, 40),
        ),
    ],
)
def test_seed_feeds(
    path: str, title: str, count: int, first_title: str, first_url: str, first_guid: str, first_published: datetime
) -> None:
    feed = parse_document((SEEDS / path).read_bytes())
    assert feed.title == title
    assert feed.warning is None
    assert len(feed.entries) == count
    first = feed.entries[0]
    assert (first.title, first.url, first.guid, first.published_at) == (first_title, first_url, first_guid,
                                                                        first_published)
    for entry in feed.entries:
        assert entry.title and entry.text
        assert "<" not in entry.title and "<" not in entry.text
        assert entry.published_at is not None and entry.published_at.utcoffset().total_seconds() == 0


def test_seed_rss_html_description_becomes_paragraphs() -> None:
    entry = parse_document((SEEDS / "feeds/world-wire.rss").read_bytes()).entries[0]
    assert entry.text.startswith("European trade ministers discussed a list of counter-tariffs on Tuesday")
    assert "\n\nDenmark asked its partners" in entry.text


def test_seed_atom_prefers_published_over_updated() -> None:
    entry = parse_document((SEEDS / "feeds/europe-desk.atom").read_bytes()).entries[0]
    assert entry.published_at == _utc(2026, 1, 20, 13, 30)
    assert entry.text.startswith("Ambassadors of the 27 member states")


def test_seed_json_content_html_is_converted() -> None:
    entry = parse_document((SEEDS / "feeds/briefs.json").read_bytes()).entries[1]
    assert entry.text.startswith("Guatemala's government declared a state of siege")
    assert "<p>" not in entry.text


def test_seed_plain_text_document() -> None:
    feed = parse_document((SEEDS / "sample-document.txt").read_bytes(), name="Sample document")
    assert feed.title == "Sample document"
    assert len(feed.entries) == 18
    story, *headlines = feed.entries
    # first sentence is longer than a title may be, so it is cut at its first clause
    assert story.title == "Ukrainian troops are advancing toward the southern region of Kherson"
    assert story.text.startswith("Ukrainian troops are advancing toward the southern region of Kherson, the only")
    assert "Zaluzhnyi said Ukraine has made a total of 264 square kilometers" in story.text
    assert headlines[0].title == "U.S. Military Kills Al Qaeda-Linked Leader Connected to Deadly ISIS Attack in Syria"
    assert headlines[-1].title == (
        "Pentagon Prepares Alaska Troops for Possible Minnesota Deployment Amid Immigration Protests"
    )
    assert all(entry.text == "" and entry.url is None and entry.published_at is None for entry in headlines)
    # no GUID: storage knows each story by its title and text, the same at every reading
    assert all(entry.guid is None for entry in feed.entries)
    keys = [content_key(entry.title, entry.text) for entry in feed.entries]
    assert len(set(keys)) == 18
    assert keys == [content_key(entry.title, entry.text) for entry in parse_document(
        (SEEDS / "sample-document.txt").read_bytes(), name="Sample document").entries]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"""<rss version="2.0"><channel><title>Bare</title>
<item><title>Water cut on Elm Street</title><description>From 9 to 12.</description></item>
<item><description>Library closed on Monday.</description></item></channel></rss>""", id="rss"),
        pytest.param(b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>Bare</title>
<entry><title>Water cut on Elm Street</title><summary>From 9 to 12.</summary></entry>
<entry><title></title><summary>Library closed on Monday.</summary></entry></feed>""", id="atom"),
        pytest.param(json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Bare", "items": [
            {"title": "Water cut on Elm Street", "content_text": "From 9 to 12."},
            {"content_html": "<p>Library closed on Monday.</p>"}]}).encode(), id="json"),
    ],
)
def test_items_without_id_or_link_read_alike_at_every_poll(data: bytes) -> None:
    first, second = parse_document(data).entries, parse_document(data).entries
    assert [(e.title, e.text, e.url, e.guid) for e in first] == [
        ("Water cut on Elm Street", "From 9 to 12.", None, None), ("", "Library closed on Monday.", None, None)]
    assert first == second


# ---------------------------------------------------------------- inline XML documents

RSS_091 = b"""<?xml version="1.0"?>
<rss version="0.91"><channel><title>Old Wire</title><link>http://old.example/</link>
<description>d</description><language>en</language>
<item><title>Old item</title><link>http://old.example/1</link><description>Body one</description></item>
</channel></rss>"""

RSS_10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://rdf.example/"><title>RDF Feed</title><link>http://rdf.example/</link>
<description>d</description><items><rdf:Seq><rdf:li resource="http://rdf.example/1"/></rdf:Seq></items></channel>
<item rdf:about="http://rdf.example/1"><title>RDF item</title><link>http://rdf.example/1</link>
<description>RDF body</description><dc:date>2026-01-20T10:00:00+02:00</dc:date></item>
</rdf:RDF>"""

ATOM_HTML = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom HTML</title><id>x</id><updated>2026-01-20T00:00:00Z</updated>
<entry><title type="html">Fish &amp;amp; &lt;b&gt;chips&lt;/b&gt;</title><id>e1</id>
<link href="https://atom.example/1"/><updated>2026-01-20T05:00:00+03:00</updated>
<summary>short summary</summary>
<content type="html">&lt;p&gt;First para&lt;/p&gt;&lt;p&gt;Second &lt;b&gt;para&lt;/b&gt;&lt;/p&gt;</content></entry>
</feed>"""

SCRIPT_ESCAPED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>S</title>
<item><title>Hello &lt;script&gt;alert(1)&lt;/script&gt;world</title>
<description>&lt;p&gt;ok&lt;/p&gt;&lt;script&gt;steal()&lt;/script&gt;&lt;style&gt;p{}&lt;/style&gt;text</description></item>
</channel></rss>"""

SCRIPT_CDATA = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>S</title>
<item><title><![CDATA[Breaking <script>alert("x")</script>news]]></title><description>b</description></item>
</channel></rss>"""

CP1251 = (
    '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>Новини</title>'
    "<item><title>Київ без світла</title><description>Енергетики працюють</description></item></channel></rss>"
).encode("cp1251")

LATIN1 = (
    '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Café</title>'
    "<item><title>Crème brûlée à Paris</title><description>Déjà vu</description></item></channel></rss>"
).encode("latin-1")

BROKEN = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title>
<item><title>Good one</title><description>fine &amp; dandy</description></item>
<item><title>Bad &nbsp; entity</title><description>unclosed <b>tag</description></item>
</channel>"""


@pytest.mark.parametrize(
    ("data", "title", "entries"),
    [
        pytest.param(RSS_091, "Old Wire", [("Old item", "Body one", "http://old.example/1", None)], id="rss-0.91"),
        pytest.param(
            RSS_10, "RDF Feed", [("RDF item", "RDF body", "http://rdf.example/1", _utc(2026, 1, 20, 8))], id="rss-1.0"
        ),
        pytest.param(
            ATOM_HTML, "Atom HTML",
            [("Fish & chips", "First para\n\nSecond para", "https://atom.example/1", _utc(2026, 1, 20, 2))],
            id="atom-html-content",
        ),
        pytest.param(SCRIPT_ESCAPED, "S", [("Hello world", "ok\ntext", None, None)], id="script-escaped"),
        pytest.param(SCRIPT_CDATA, "S", [("Breaking news", "b", None, None)], id="script-cdata"),
        pytest.param(
            CP1251, "Новини", [("Київ без світла", "Енергетики працюють", None, None)], id="windows-1251"
        ),
        pytest.param(LATIN1, "Café", [("Crème brûlée à Paris", "Déjà vu", None, None)], id="iso-8859-1"),
    ],
)
def test_inline_xml_feeds(data: bytes, title: str, entries: list[tuple[str, str, str | None, datetime | None]]) -> None:
    feed = parse_document(data)
    assert feed.title == title
    assert feed.warning is None
    assert [(e.title, e.text, e.url, e.published_at) for e in feed.entries] == entries


@pytest.mark.parametrize("data", [SCRIPT_ESCAPED, SCRIPT_CDATA], ids=["escaped", "cdata"])
def test_script_content_never_survives(data: bytes) -> None:
    for entry in parse_document(data).entries:
        for text in (entry.title, entry.text):
            assert "alert" not in text and "steal" not in text and "script" not in text.lower()
            assert "<" not in text


def test_broken_but_readable_xml_sets_warning_and_keeps_entries() -> None:
    feed = parse_document(BROKEN)
    assert feed.title == "Broken"
    assert feed.warning  # bozo: the reason is reported, the entries are still returned
    assert len(feed.warning) <= 200 and "\n" not in feed.warning
    assert [e.title for e in feed.entries] == ["Good one", "Bad entity"]
    assert feed.entries[0].text == "fine & dandy"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"<html><body><p>not a feed</p></body></html>", id="html-page"),
        pytest.param(b"<<<>>>", id="garbage-markup"),
        pytest.param(b"<?xml version='1.0'?><nothing/>", id="unknown-root"),
        pytest.param(b"   \n\n  \n", id="blank"),
        pytest.param(b"", id="empty"),
        pytest.param(b"{", id="truncated-json"),
        pytest.param(b'{"items": [', id="invalid-json"),
        pytest.param(b"[1, 2]", id="json-list"),
        pytest.param(b'{"title": "x"}', id="json-no-items"),
        pytest.param(b'{"items": {"a": 1}}', id="json-items-not-list"),
        pytest.param(b'{"items": "\xff\xfe"}', id="json-bad-utf8"),
    ],
)
def test_unreadable_input_raises_feed_error(data: bytes) -> None:
    with pytest.raises(FeedError):
        parse_document(data)


# ---------------------------------------------------------------- JSON Feed


def _json(items: list[object], **extra: object) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": items, **extra}).encode()


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        pytest.param([], [], id="empty-items"),
        pytest.param(["not an object", 3, None], [], id="non-dict-items-skipped"),
        pytest.param([{"id": "1"}], [], id="no-title-no-text-dropped"),
        pytest.param(
            [{"id": "1", "title": "T", "content_text": "  plain   text  ",
              "date_published": "2026-01-20T10:00:00+02:00"}],
            [("T", "plain text", None, "1", _utc(2026, 1, 20, 8))],
            id="content-text",
        ),
        pytest.param(
            [{"id": 7, "title": "T", "content_html": "<p>a</p><script>x()</script><p>b</p>",
              "external_url": "https://ext.example/", "date_modified": "2026-01-20T10:00:00Z"}],
            [("T", "a\n\nb", "https://ext.example/", "7", _utc(2026, 1, 20, 10))],
            id="content-html-external-url-modified",
        ),
        pytest.param(
            [{"title": "<b>Bold</b> &amp; title", "summary": "sum", "date_published": "yesterday"}],
            [("<b>Bold</b> & title", "sum", None, None, None)],
            id="summary-bad-date-title-kept-as-text",
        ),
    ],
)
def test_json_feed_items(items: list[object], expected: list[tuple[object, ...]]) -> None:
    feed = parse_json_feed(_json(items))
    assert feed.title == "J"
    assert [(e.title, e.text, e.url, e.guid, e.published_at) for e in feed.entries] == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Deals for <Company> fans", "Deals for <Company> fans"),
        ("Why x < y and y > z", "Why x < y and y > z"),
        ("<script>alert(1)</script> is text here", "<script>alert(1)</script> is text here"),
        ("Fish &amp; chips &#8217;24", "Fish & chips \u201924"),
        ("AT&T and R&D", "AT&T and R&D"),
        ("Rock&notRoll", "Rock&notRoll"),
        ("Tom&amp Jerry &copy 2026 &lt3", "Tom&amp Jerry &copy 2026 &lt3"),
        ("Rock&not;Roll &notin; &notit; &bogus;", "Rock\u00acRoll \u2209 &notit; &bogus;"),
        ("&#x2019;&#X41;&#65;&#65 &#xZZ;", "\u2019AA&#65 &#xZZ;"),
        ("&amp;amp;", "&amp;"),
        ("  two\t spaces  ", "two spaces"),
    ],
)
def test_json_feed_titles_are_plain_text_not_html(title: str, expected: str) -> None:
    feed = parse_json_feed(_json([{"title": title, "content_text": "body"}], title="Shop <News> &amp; more"))
    assert feed.title == "Shop <News> & more"
    assert [e.title for e in feed.entries] == [expected]


def test_rss_titles_are_still_read_as_html() -> None:
    data = b"""<rss version="2.0"><channel><title>R</title>
    <item><title>Deals for &lt;b&gt;big&lt;/b&gt; fans</title><description>d</description></item></channel></rss>"""
    assert [e.title for e in parse_document(data).entries] == ["Deals for big fans"]


def test_json_feed_via_parse_document_with_leading_whitespace() -> None:
    feed = parse_document(b"\n  " + _json([{"title": "x", "content_text": "y"}]))
    assert [e.title for e in feed.entries] == ["x"]


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-20T10:00:00Z", _utc(2026, 1, 20, 10)),
        ("2026-01-20T10:00:00+02:00", _utc(2026, 1, 20, 8)),
        ("2026-01-20T01:00:00-05:30", _utc(2026, 1, 20, 6, 30)),
        ("  2026-01-20T10:00:00Z  ", _utc(2026, 1, 20, 10)),
        ("2026-01-20T10:00:00", _utc(2026, 1, 20, 10)),  # naive read as UTC
        ("2026-01-20", _utc(2026, 1, 20)),
        ("", None),
        ("   ", None),
        ("garbage", None),
        ("2026-13-40T00:00:00Z", None),
        (None, None),
        (1737367200, None),
    ],
)
def test_parse_datetime(value: object, expected: datetime | None) -> None:
    result = parse_datetime(value)
    assert result == expected
    if result is not None:
        assert result.tzinfo is UTC


@pytest.mark.parametrize("data", [RSS_10, ATOM_HTML, (SEEDS / "feeds/world-wire.rss").read_bytes()])
def test_xml_dates_are_aware_utc(data: bytes) -> None:
    for entry in parse_document(data).entries:
        assert entry.published_at is not None and entry.published_at.tzinfo is UTC


# ---------------------------------------------------------------- plain text


LONG = ("This body line is deliberately longer than any headline may be, " * 3).strip()


@pytest.mark.parametrize(
    ("text", "titles", "texts"),
    [
        pytest.param("Short title\n" + LONG + "\nBody line two.", ["Short title"],
                     [LONG + "\n\nBody line two."], id="short-first-line-is-title"),
        pytest.param("A first line that ends with a full stop.\n" + LONG, ["A first line that ends with a full stop"],
                     ["A first line that ends with a full stop.\n\n" + LONG], id="sentence-first-line"),
        pytest.param("One sentence only. And another one.", ["One sentence only"],
                     ["One sentence only. And another one."], id="single-line-first-sentence"),
        pytest.param("Headline A\nHeadline B\n\n\nHeadline C\nHeadline D", ["Headline A", "Headline B",
                     "Headline C", "Headline D"], ["", "", "", ""], id="two-headline-blocks"),
        pytest.param("Title\r\n" + LONG + "\r\n\r\n\r\nH1\r\nH2", ["Title", "H1", "H2"], [LONG, "", ""],
                     id="crlf"),
    ],
)
def test_plain_text_blocks(text: str, titles: list[str], texts: list[str]) -> None:
    feed = parse_plain_text(text, name="doc")
    assert [e.title for e in feed.entries] == titles
    assert [e.text for e in feed.entries] == texts


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("Café crème. Déjà vu encore.".encode("cp1252"), id="cp1252"),
        pytest.param("Café crème. Déjà vu encore.".encode(), id="utf-8"),
        pytest.param("Café crème. Déjà vu encore.".encode("utf-8-sig"), id="utf-8-bom"),
    ],
)
def test_plain_text_encodings(data: bytes) -> None:
    feed = parse_document(data)
    assert [(e.title, e.text) for e in feed.entries] == [("Café crème", "Café crème. Déjà vu encore.")]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(bytes(range(256)) * 12, id="every-byte"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300), id="png"),
        pytest.param(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(40, 200)), id="zip"),
    ],
)
def test_binary_data_is_not_taken_for_a_text_document(data: bytes) -> None:
    with pytest.raises(FeedError, match="binary"):
        parse_document(data)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"Zorvia votes.\x07\x0c" + b" The senate met today." * 15, id="a-stray-control"),
        pytest.param("Caf\u00e9 cr\u00e8me. D\u00e9j\u00e0 vu. ".encode("cp1252") * 6 + b"\x81", id="cp1252-odd-byte"),
    ],
)
def test_text_with_a_few_odd_characters_is_still_text(data: bytes) -> None:
    assert parse_document(data).entries


def test_plain_text_utf16_is_read_as_text() -> None:
    feed = parse_document("Café crème. Déjà vu encore.".encode("utf-16"))
    assert [e.title for e in feed.entries] == ["Café crème"]


@pytest.mark.parametrize(
    ("data", "title", "entry_title"),
    [
        pytest.param(
            '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>Café</title>'
            "<item><title>Crème</title><description>x</description></item></channel></rss>".encode("utf-16"),
            "Café", "Crème", id="utf-16-xml",
        ),
        pytest.param(
            b'\xef\xbb\xbf<?xml version="1.0"?><rss version="2.0"><channel><title>BOM</title>'
            b"<item><title>T</title></item></channel></rss>",
            "BOM", "T", id="utf-8-bom-xml",
        ),
        pytest.param(b'\xef\xbb\xbf{"title": "J", "items": [{"title": "x"}]}', "J", "x", id="utf-8-bom-json"),
        pytest.param('{"title": "Café", "items": [{"title": "Crème"}]}'.encode("cp1252"), "Café", "Crème",
                     id="cp1252-json"),
    ],
)
def test_byte_order_marks_and_legacy_encodings(data: bytes, title: str, entry_title: str) -> None:
    feed = parse_document(data)
    assert feed.title == title
    assert [e.title for e in feed.entries] == [entry_title]


def test_content_type_charset_decodes_undeclared_feed() -> None:
    data = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Новини</title>'
        "<item><title>Київ</title><description>x</description></item></channel></rss>"
    ).encode("cp1251")
    feed = parse_document(data, content_type="application/rss+xml; charset=windows-1251")
    assert (feed.title, feed.entries[0].title) == ("Новини", "Київ")


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("Short sentence. Another.", "Short sentence"),
        ("Why now? Because.", "Why now?"),
        ("A" * 30 + ", " + "b " * 60 + ".", "A" * 30),
        ("word " * 60, ("word " * 21).strip() + "…"),
    ],
)
def test_headline_from_text(paragraph: str, expected: str) -> None:
    headline = headline_from_text(paragraph)
    assert headline == expected
    assert len(headline) <= 110


# ---------------------------------------------------------------- feeds only: no plain text from the web


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        pytest.param(b"Rate limit exceeded. Please try again later.", "Rate limit exceeded", id="rate-limit"),
        pytest.param(b"garbage", "garbage", id="garbage"),
        pytest.param(b"not a feed at all <html><body>hi</body></html>", "not a feed at all", id="text-then-html"),
        pytest.param(b"  Service\n\nunavailable  ", "Service unavailable", id="blank-lines"),
        pytest.param(b"word " * 40, "word word", id="long-text-cut"),
    ],
)
def test_feed_only_refuses_plain_text(data: bytes, shown: str) -> None:
    with pytest.raises(FeedError, match="is not a feed: it starts with plain text") as error:
        parse_document(data, feed_only=True)
    assert shown in str(error.value) and len(str(error.value)) < 160
    assert parse_document(data).entries  # the same bytes are a story document when text is allowed


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b"", "is not a feed: it is empty", id="empty"),
        pytest.param(b" \n\n ", "is not a feed: it is empty", id="blank"),
        pytest.param(bytes(range(256)) * 12, "is not a feed: it looks like binary data", id="binary"),
    ],
)
def test_feed_only_refuses_empty_and_binary(data: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_document(data, feed_only=True)


@pytest.mark.parametrize(
    "data",
    [
        RSS_091, RSS_10, ATOM_HTML, _json([{"title": "x", "content_text": "y"}]),
        (SEEDS / "feeds/briefs.json").read_bytes(),
    ],
    ids=["rss-0.91", "rdf", "atom", "json-inline", "json-seed"],
)
def test_feed_only_reads_real_feeds(data: bytes) -> None:
    assert parse_document(data, feed_only=True) == parse_document(data)


def test_feed_only_reads_a_feed_behind_a_stray_server_warning() -> None:
    data = b"Warning: something in feed.php\n" + RSS_091.split(b"?>", 1)[1]
    feed = parse_document(data, feed_only=True)
    assert feed.title == "Old Wire" and [e.title for e in feed.entries] == ["Old item"]
    assert feed.warning


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://feeds.example/feed.xml", False),
        ("http://feeds.example/notes.txt", False),
        ("https://feeds.example/", False),
        ("file:///data/sample-document.txt", True),
        ("file:///data/README", True),
        ("file:///data/notes.md", True),
        ("file:///data/world.rss", False),
        ("file:///data/europe.atom", False),
        ("file:///data/feed.xml", False),
        ("file:///data/briefs.json", False),
        ("file:///data/science.rdf", False),
        ("file:///data/SHOUTING.RSS", False),
        ("file:///data/odd%20name.Xml", False),
        ("file:///data.d/notes", True),
    ],
)
def test_may_be_plain_text_only_for_local_text_files(url: str, expected: bool) -> None:
    assert may_be_plain_text(url) is expected


@pytest.mark.parametrize(
    ("url", "readable"),
    [
        ("https://feeds.example/limited.xml", False),
        ("file:///tmp/g.rss", False),
        ("file:///tmp/h.xml", False),
        ("file:///tmp/notes.txt", True),
        ("file:///tmp/notes", True),
    ],
)
def test_parse_source_document_takes_text_only_from_local_text_files(url: str, readable: bool) -> None:
    data = b"Rate limit exceeded. Please try again later."
    if not readable:
        with pytest.raises(FeedError, match="is not a feed"):
            parse_source_document(data, url, "text/xml")
        return
    feed = parse_source_document(data, url)
    assert feed.title == "Notes" and [e.title for e in feed.entries] == ["Rate limit exceeded"]


def test_parse_source_document_reads_every_seed() -> None:
    for path in sorted(SEEDS.rglob("*.*")):
        if path.suffix in (".rss", ".atom", ".json", ".txt"):
            assert parse_source_document(path.read_bytes(), path.resolve().as_uri()).entries, path


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("file:///data/sample-document.txt", "Sample document"),
        ("file:///data/world_wire.rss", "World wire"),
        ("file:///data/caf%C3%A9%20news.txt", "Café news"),
        ("https://feeds.example/world.rss", ""),
    ],
)
def test_source_file_name(url: str, name: str) -> None:
    assert source_file_name(url) == name
