"""Telegram HTML for briefs, digests, search results and lists; every value escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from news.briefing import source_count
from news.models import Briefing, Link, SearchPage, StoryGroup, Subscription
from news.query import MARK_END, MARK_START
from news.schedule import format_local
from news.urls import is_web_url, without_tracking

MAX_LINKS = 8
# A search page is one message (its Prev/Next buttons read the query back from its first line), so each part of a
# result is cut to a length that keeps five results, the header and MAX_NOTES notes within MAX_MESSAGE in any script.
MAX_RESULT_TITLE = 160
MAX_RESULT_SOURCES = 80
MAX_RESULT_SNIPPET = 280
MAX_NOTES = 3


def link(label: str, url: str | None) -> str:
    """An HTML anchor for web URLs, plain escaped text otherwise."""
    if url and is_web_url(url):
        return f'<a href="{escape(without_tracking(url), quote=True)}">{escape(label)}</a>'
    return escape(label)


def render_briefing(briefing: Briefing, *, empty: str = "No stories in this period yet.") -> str:
    """A brief or digest: a heading, then one paragraph per event group."""
    heading = f"<b>{escape(briefing.title)}</b>"
    if briefing.topic:
        heading += f" · <i>{escape(briefing.topic)}</i>"
    if not briefing.groups:
        return f"{heading}\n\n{escape(empty)}"
    blocks = [heading] + [_render_group(index, group) for index, group in enumerate(briefing.groups, 1)]
    return "\n\n".join(blocks)


def empty_brief(topic: str, day: str = "") -> str:
    """What a brief says when nothing matched: about a topic or not, today or in the `day` described."""
    return f"No stories about '{topic}' {day or 'today'}." if topic else f"No stories {day or 'in the last day yet'}."


def empty_digest(topics: str | None) -> str:
    """What a digest says when nothing matched, naming its topics as a brief does."""
    return f"No new stories about '{topics}' today." if topics else "No new stories today."


def _render_group(index: int, group: StoryGroup) -> str:
    sources = source_count(group)
    reports = len(group.stories)
    facts = [f"{reports} reports"] if reports > 1 else []
    facts.append(f"{sources} source{'s' if sources != 1 else ''}")
    if group.developing:
        facts.append("developing")
    label = f"{escape(group.label)} · " if group.label else ""
    lines = [f"<b>{index}. {escape(group.headline)}</b>", f"<i>{label}{' · '.join(facts)}</i>"]
    if group.summary:
        lines.append(escape(" ".join(group.summary)))
    links = _render_links(group.links)
    if links:
        lines.append(links)
    return "\n".join(lines)


def _render_links(links: Sequence[Link]) -> str:
    shown = [link(item.source_name, item.url) for item in links[:MAX_LINKS]]
    more = len(links) - len(shown)
    if more > 0:
        shown.append(f"+{more} more")
    return "🔗 " + " · ".join(shown) if shown else ""


def highlight(snippet: str) -> str:
    """Escape a sentinel-marked snippet, then turn the sentinels into bold tags."""
    escaped = escape(snippet.replace("\n", " "))
    return escaped.replace(MARK_START, "<b>").replace(MARK_END, "</b>")


def clip(text: str, limit: int) -> str:
    """Text within `limit` UTF-16 units (as Telegram counts), cut at a space when one is near, '…' where cut."""
    if _units(text) <= limit:
        return text
    used = 0
    for index, char in enumerate(text):
        used += _units(char)
        if used > limit - 1:  # room for the ellipsis
            cut = text[:index]
            space = cut.rfind(" ")
            return (cut[:space] if space > len(cut) // 2 else cut).rstrip() + "…"
    return text


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _clipped_snippet(snippet: str) -> str:
    """A sentinel-marked snippet cut to MAX_RESULT_SNIPPET, its last mark closed if the cut fell inside it."""
    cut = clip(snippet, MAX_RESULT_SNIPPET)
    if cut.count(MARK_START) > cut.count(MARK_END):
        cut = cut.removesuffix("…") + MARK_END + "…"
    return cut


def _search_notes(notes: Sequence[str]) -> str:
    lines = [f"⚠️ {escape(note)}" for note in notes[:MAX_NOTES]]
    if len(notes) > MAX_NOTES:
        lines.append(f"⚠️ {len(notes) - MAX_NOTES} more parts of the query ignored")
    return "\n".join(lines)


def render_search(page: SearchPage) -> str:
    """One page of search results with linked titles, sources, dates and highlighted snippets, as one message."""
    notes = _search_notes(page.notes)
    if not page.hits:
        return f"🔎 No stories match <i>{escape(page.query)}</i>." + (f"\n\n{notes}" if notes else "")
    plural = "es" if page.total != 1 or page.capped else ""
    count = f"{page.total:,}+" if page.capped else f"{page.total:,}"
    blocks = [f"🔎 <b>{count} match{plural}</b> for <i>{escape(page.query)}</i> · page {page.page} of {page.pages}"]
    first = (page.page - 1) * page.per_page
    for number, hit in enumerate(page.hits, first + 1):
        story = hit.story
        names = ", ".join(dict.fromkeys(item.source_name for item in story.links)) or "unknown source"
        lines = [
            f"{number}. <b>{link(clip(story.title, MAX_RESULT_TITLE), story.url)}</b>",
            f"<i>{escape(clip(names, MAX_RESULT_SOURCES))} · {story.published_at:%Y-%m-%d}</i>",
        ]
        if hit.snippet.strip():
            lines.append(highlight(_clipped_snippet(hit.snippet)))
        blocks.append("\n".join(lines))
    if notes:
        blocks.append(notes)
    return "\n\n".join(blocks)


def render_subscription(subscription: Subscription | None) -> str:
    """A chat's digest setting in words."""
    if subscription is None or not subscription.active:
        return "This chat is not subscribed. Use /subscribe [HH:MM] [time zone] to get a daily digest."
    topics = f" about <i>{escape(', '.join(subscription.topics))}</i>" if subscription.topics else ""
    text = f"Daily digest{topics} at <b>{subscription.at:%H:%M}</b> {escape(subscription.timezone)}."
    if subscription.next_due_at:
        text += f"\nNext: {escape(format_local(subscription.next_due_at, subscription.timezone))}."
    return text
