"""news.render: Telegram HTML with every value escaped and links only for web URLs."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest

from news.messages import MAX_MESSAGE, split_message, visible_length
from news.models import Briefing, Link, SearchHit, SearchPage, Source, Story, StoryGroup, Subscription
from news.opml import ImportReport
from news.query import MAX_QUERY, parse_query
from news.render import (
    MARK_END,
    MARK_START,
    MAX_LINKS,
    clip,
    highlight,
    link,
    render_briefing,
    render_search,
    render_subscription,
)
from news.render_sources import (
    CommandNames,
    pause_change,
    render_change,
    render_export,
    render_import,
    render_source_list,
)
from tests.botapi import check_html

T = datetime(2026, 1, 20, 15, 0, tzinfo=UTC)
EVIL = '<script>alert("x")</script> & "q"'
EVIL_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;q&quot;"

CLI_COMMANDS = CommandNames("newsbot sources resume {id}", "newsbot sources add URL", "newsbot sources list {page}")


def _story(title: str = "Kyiv without power", url: str | None = "https://a.example/1", *links: Link) -> Story:
    return Story(id=1, title=title, text="text", url=url, published_at=T, links=tuple(links))


# ---------------------------------------------------------------- link


@pytest.mark.parametrize(
    ("label", "url", "expected"),
    [
        ("Wire", "https://a.example/x", '<a href="https://a.example/x">Wire</a>'),
        ("Wire", "http://a.example/x", '<a href="http://a.example/x">Wire</a>'),
        ("A & B", 'https://a.example/?a=1&b="2"', '<a href="https://a.example/?a=1&amp;b=&quot;2&quot;">A &amp; B</a>'),
        ("<i>x</i>", "https://a.example/", '<a href="https://a.example/">&lt;i&gt;x&lt;/i&gt;</a>'),
        ("JS", "javascript:alert(1)", "JS"),
        ("JS", "JAVASCRIPT:alert(1)", "JS"),
        ("Data", "data:text/html,<b>x</b>", "Data"),
        ("File", "file:///etc/passwd", "File"),
        ("Rel", "/relative/path", "Rel"),
        ("None", None, "None"),
        ("Empty", "", "Empty"),
        ("<b>", "javascript:alert(1)", "&lt;b&gt;"),
    ],
)
def test_link(label: str, url: str | None, expected: str) -> None:
    rendered = link(label, url)
    assert rendered == expected
    assert check_html(rendered) is None


def test_link_url_cannot_break_out_of_attribute() -> None:
    rendered = link("x", 'https://a.example/"><script>alert(1)</script>')
    assert "<script" not in rendered
    assert rendered.count('"') == 2
    assert check_html(rendered) is None


# ---------------------------------------------------------------- highlight


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (f"a {MARK_START}kyiv{MARK_END} b", "a <b>kyiv</b> b"),
        (
            f"{MARK_START}<script>{MARK_END} & {MARK_START}\"q\"{MARK_END}",
            "<b>&lt;script&gt;</b> &amp; <b>&quot;q&quot;</b>",
        ),
        (f"x<b>{MARK_START}y&z{MARK_END}</b>", "x&lt;b&gt;<b>y&amp;z</b>&lt;/b&gt;"),
        ("line one\nline two", "line one line two"),
        ("no marks", "no marks"),
        (f"…{MARK_START}tariff{MARK_END}s and {MARK_START}tariffs{MARK_END}…", "…<b>tariff</b>s and <b>tariffs</b>…"),
    ],
)
def test_highlight(snippet: str, expected: str) -> None:
    rendered = highlight(snippet)
    assert rendered == expected
    assert check_html(rendered) is None


# ---------------------------------------------------------------- briefing


def _group(**overrides: object) -> StoryGroup:
    fields: dict[str, object] = {
        "label": "Ukraine",
        "headline": "Kyiv without power",
        "summary": ["Strikes cut power.", "Crews work."],
        "stories": [_story("Kyiv without power", "https://a.example/1", Link("World Wire", "https://a.example/1"))],
    }
    fields.update(overrides)
    return StoryGroup(**fields)  # type: ignore[arg-type]


def test_render_briefing_plain() -> None:
    rendered = render_briefing(Briefing(title="Top stories", groups=[_group()]))
    assert rendered == (
        "<b>Top stories</b>\n\n"
        "<b>1. Kyiv without power</b>\n"
        "<i>Ukraine · 1 source</i>\n"
        "Strikes cut power. Crews work.\n"
        '🔗 <a href="https://a.example/1">World Wire</a>'
    )
    assert check_html(rendered) is None


def test_render_briefing_escapes_every_value() -> None:
    story = _story(
        EVIL, "javascript:alert(1)",
        Link(EVIL, 'https://a.example/?a=1&b="2"'), Link("JS", "javascript:alert(1)"), Link("Nowhere", None),
    )
    group = StoryGroup(label=EVIL, headline=EVIL, summary=[EVIL], stories=[story], developing=True)
    rendered = render_briefing(Briefing(title=EVIL, groups=[group], topic=EVIL))
    assert "<script" not in rendered
    assert "javascript:" not in rendered.replace("JS", "")
    assert rendered.startswith(f"<b>{EVIL_ESCAPED}</b> · <i>{EVIL_ESCAPED}</i>")
    assert f"<b>1. {EVIL_ESCAPED}</b>" in rendered
    assert "3 sources · developing</i>" in rendered
    assert f'<a href="https://a.example/?a=1&amp;b=&quot;2&quot;">{EVIL_ESCAPED}</a> · JS · Nowhere' in rendered
    assert check_html(rendered) is None


@pytest.mark.parametrize(
    ("briefing", "expected"),
    [
        (Briefing(title="Top stories", groups=[]), "<b>Top stories</b>\n\nNo stories in this period yet."),
        (
            Briefing(title="A & B", groups=[], topic="<x>"),
            "<b>A &amp; B</b> · <i>&lt;x&gt;</i>\n\nNo stories in this period yet.",
        ),
    ],
)
def test_render_briefing_empty(briefing: Briefing, expected: str) -> None:
    assert render_briefing(briefing) == expected
    assert check_html(expected) is None


def test_render_briefing_custom_empty_text_is_escaped() -> None:
    rendered = render_briefing(Briefing(title="Digest", groups=[]), empty="Nothing <new> & quiet")
    assert rendered.endswith("Nothing &lt;new&gt; &amp; quiet")


def test_render_briefing_caps_links_and_counts_reports() -> None:
    many = tuple(Link(f"S{i}", f"https://s{i}.example/") for i in range(MAX_LINKS + 3))
    stories = [_story("a", None, *many), _story("b", None, Link("S0", "https://s0.example/"))]
    rendered = render_briefing(Briefing(title="T", groups=[_group(label="", summary=[], stories=stories)]))
    assert "<i>2 reports · 11 sources</i>" in rendered
    assert rendered.count("<a ") == MAX_LINKS
    assert rendered.endswith(" · +3 more")
    assert check_html(rendered) is None


def test_render_briefing_numbers_groups() -> None:
    groups = [_group(headline=f"Event {i}") for i in range(1, 4)]
    rendered = render_briefing(Briefing(title="T", groups=groups))
    assert [line for line in rendered.split("\n") if line.startswith("<b>") and ". " in line] == [
        "<b>1. Event 1</b>", "<b>2. Event 2</b>", "<b>3. Event 3</b>"
    ]


# ---------------------------------------------------------------- search


def test_render_search_results() -> None:
    story = _story(EVIL, "https://a.example/1", Link("Wire & Co", "https://a.example/1"), Link("Wire & Co", None))
    page = SearchPage(query=EVIL, hits=[SearchHit(story, f"a {MARK_START}<kyiv>{MARK_END} & b\nc")], page=2,
                      total=6, per_page=5)
    rendered = render_search(page)
    assert rendered.split("\n\n") == [
        f"🔎 <b>6 matches</b> for <i>{EVIL_ESCAPED}</i> · page 2 of 2",
        f'6. <b><a href="https://a.example/1">{EVIL_ESCAPED}</a></b>\n'
        "<i>Wire &amp; Co · 2026-01-20</i>\n"
        "a <b>&lt;kyiv&gt;</b> &amp; b c",
    ]
    assert check_html(rendered) is None


@pytest.mark.parametrize(
    ("story", "snippet", "lines"),
    [
        (_story("Plain", "javascript:alert(1)"), "", ["1. <b>Plain</b>", "<i>unknown source · 2026-01-20</i>"]),
        (_story("Plain", None, Link("W", None)), "   ", ["1. <b>Plain</b>", "<i>W · 2026-01-20</i>"]),
    ],
)
def test_render_search_without_link_or_snippet(story: Story, snippet: str, lines: list[str]) -> None:
    rendered = render_search(SearchPage(query="q", hits=[SearchHit(story, snippet)], page=1, total=1, per_page=5))
    assert rendered.split("\n\n")[0] == "🔎 <b>1 match</b> for <i>q</i> · page 1 of 1"
    assert rendered.split("\n\n")[1].split("\n") == lines
    assert check_html(rendered) is None


def test_render_search_no_hits() -> None:
    rendered = render_search(SearchPage(query=EVIL, hits=[], page=1, total=0, per_page=5))
    assert rendered == f"🔎 No stories match <i>{EVIL_ESCAPED}</i>."
    assert check_html(rendered) is None


# ---------------------------------------------------------------- sources


# ---------------------------------------------------------------- subscription


@pytest.mark.parametrize(
    ("subscription", "expected"),
    [
        (None, "This chat is not subscribed. Use /subscribe [HH:MM] [time zone] to get a daily digest."),
        (
            Subscription(1, time(7, 30), "UTC", active=False),
            "This chat is not subscribed. Use /subscribe [HH:MM] [time zone] to get a daily digest.",
        ),
        (Subscription(1, time(7, 5), "UTC"), "Daily digest at <b>07:05</b> UTC."),
        (
            Subscription(1, time(7, 30), "Europe/Kyiv", ("<x>", "a&b"), True, datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
            "Daily digest about <i>&lt;x&gt;, a&amp;b</i> at <b>07:30</b> Europe/Kyiv.\n"
            "Next: 2026-03-29 04:30 Europe/Kyiv.",
        ),
    ],
)
def test_render_subscription(subscription: Subscription | None, expected: str) -> None:
    rendered = render_subscription(subscription)
    assert rendered == expected
    assert check_html(rendered) is None


@pytest.mark.parametrize("letter", ["v", "𠀀", "&"])  # one unit, two (outside the BMP), escaped as five
def test_a_search_page_of_huge_results_is_one_message(letter: str) -> None:
    """Paging reads the query back from the message carrying the buttons: a page must never be split."""
    long = " ".join([f"volcano{letter * 30}"] * 170)  # a title of about 5,000 characters
    names = tuple(Link(f"{letter * 90} {n}", f"https://s{n}.example/a") for n in range(20))
    story = Story(1, long, long, "https://x.example/a", T, names)
    snippet = " ".join(f"{MARK_START}{letter * 40}{MARK_END}" for _ in range(40))
    query = parse_query(" ".join(f"since:{letter * 6}{n}" for n in range(40)) + " " + letter * MAX_QUERY, T)
    page = SearchPage(query=query.describe(), hits=[SearchHit(story, snippet)] * 5, page=199, total=1000,
                      per_page=5, capped=True, notes=query.problems)
    rendered = render_search(page)
    assert visible_length(rendered) <= MAX_MESSAGE and split_message(rendered) == [rendered]
    assert check_html(rendered) is None and rendered.count("<b>") == rendered.count("</b>")
    assert rendered.split("\n", 1)[0].endswith(" · page 199 of 200")
    assert "more parts of the query ignored" in rendered


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("short", 10, "short"), ("exactly ten", 11, "exactly ten"), ("one two three four", 12, "one two…"),
     ("abcdefghijklmnop", 6, "abcde…"), ("𠀀𠀀𠀀𠀀", 6, "𠀀𠀀…")],
)
def test_clip_counts_as_telegram_does_and_cuts_at_a_space(text: str, limit: int, expected: str) -> None:
    assert clip(text, limit) == expected


def test_render_search_shows_ignored_filters() -> None:
    page = SearchPage(query="kyiv", hits=[], page=1, total=0, per_page=5, notes=("'since:-5d' ignored: use since:7d",))
    rendered = render_search(page)
    assert rendered.endswith("since:-5d&#x27; ignored: use since:7d") and check_html(rendered) is None


def test_links_drop_tracking_parameters_and_repeat_no_source() -> None:
    first = Story(1, "A", "", None, T, (Link("Wire", "https://w.example/a?utm_source=rss&id=7"),))
    second = Story(2, "B", "", None, T, (Link("Wire", "https://w.example/b"), Link("Desk", "https://d.example/b")))
    group = StoryGroup(label="", headline="A", summary=[], stories=[first, second])
    rendered = render_briefing(Briefing(title="T", groups=[group]))
    assert '<a href="https://w.example/a?id=7">Wire</a> · <a href="https://d.example/b">Desk</a>' in rendered
    assert "2 reports · 2 sources" in rendered


@pytest.mark.parametrize(
    ("change", "state", "expected"),
    [
        ("paused", {}, "is paused: not fetched until /resumesource 4."),
        ("interval", {"interval_seconds": 1800}, "is now checked every 30m."),
        ("interval", {"interval_seconds": 5400}, "is now checked every 1h30m."),
        ("fulltext", {"fulltext": True}, "is on: new teaser-only stories get their article's text."),
        ("fulltext", {"fulltext": False}, "is off."),
        ("removed", {}, "Its stories stay searchable."),
    ],
)
def test_render_change_escapes_and_says_what_changed(change: str, state: dict[str, Any], expected: str) -> None:
    rendered = render_change(Source(4, "https://a.example/", EVIL, **state), change)
    assert EVIL_ESCAPED in rendered and rendered.endswith(expected)
    assert check_html(rendered) is None


@pytest.mark.parametrize(
    ("paused", "changed", "expected"),
    [
        (True, True, "is paused: not fetched until /resumesource 4."),
        (True, False, "was already paused: not fetched until /resumesource 4."),
        (False, True, "is resumed: I will check it now."),
        (False, False, "was not paused; I will check it now."),
    ],
)
def test_pausing_twice_says_it_was_already_paused(paused: bool, changed: bool, expected: str) -> None:
    rendered = render_change(Source(4, "https://a.example/", EVIL), pause_change(paused, changed))
    assert rendered.endswith(expected) and EVIL_ESCAPED in rendered


def test_the_terminal_names_its_own_commands() -> None:
    source = Source(4, "https://a.example/", "Wire")
    assert render_change(source, "paused", commands=CLI_COMMANDS).endswith("until newsbot sources resume 4.")
    assert render_source_list([], T, commands=CLI_COMMANDS).endswith("add one with newsbot sources add URL.")
    listed = render_source_list([source], T, page=1, pages=2, total=11, commands=CLI_COMMANDS)
    assert listed.endswith("More: newsbot sources list 2") and "/sources" not in listed
    assert render_source_list([], T).endswith("add one with /addsource &lt;url&gt;.")


@pytest.mark.parametrize(("count", "words"), [(0, "0 stories"), (1, "1 story"), (2, "2 stories")])
def test_story_counts_are_singular_or_plural(count: int, words: str) -> None:
    source = Source(4, "https://a.example/", "Wire", story_count=count, stories_last_day=count)
    assert f"<i>{words} · {count} in the last day · every 15m</i>" in render_source_list([source], T)
    report = ImportReport()
    report.added.append((source, count))
    assert render_import(report).endswith(f"Wire</a>: {words}")


@pytest.mark.parametrize(
    ("written", "left_out", "answer"),
    [
        (3, 0, "Your sources as OPML; other feed readers can import it."),
        (3, 1, "Your sources as OPML; other feed readers can import it. 1 file source left out (OPML carries feed "
               "URLs only)."),
        (0, 2, "Nothing to export: 2 file sources left out (OPML carries feed URLs only)."),
        (0, 0, "There are no sources yet."),
    ],
)
def test_render_export_says_what_the_file_holds_and_leaves_out(written: int, left_out: int, answer: str) -> None:
    assert render_export(written, left_out) == answer
