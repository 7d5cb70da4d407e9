"""Telegram HTML for source administration: the health list, add and import reports, alerts, /stats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from news.health import ago, format_interval, health_of, until
from news.models import Source
from news.opml import ImportReport
from news.render import link
from news.stats import Stats

_ICONS = {"ok": "🟢", "warning": "🟡", "failing": "🔴", "paused": "⏸", "new": "⚪"}
MAX_REPORT_LINES = 40


@dataclass(frozen=True, slots=True)
class CommandNames:
    """How a message names the commands it suggests: the bot's slash commands, or the terminal's."""

    resume: str = "/resumesource {id}"
    add: str = "/addsource <url>"
    more: str = "/sources {page}"


BOT_COMMANDS = CommandNames()


def stories(count: int) -> str:
    """'1 story', '2 stories'."""
    return f"{count} stor{'y' if count == 1 else 'ies'}"


def render_source_list(
    sources: Sequence[Source], now: datetime | None, *, page: int = 1, pages: int = 1, total: int | None = None,
    commands: CommandNames = BOT_COMMANDS,
) -> str:
    """A page of sources, each with its health: last success, last error, stories in the last day, next check."""
    if not sources:
        return f"No sources yet. Admins add one with {escape(commands.add)}."
    count = len(sources) if total is None else total
    heading = f"<b>{count} source{'s' if count != 1 else ''}</b>"
    if pages > 1:
        heading += f" · page {page} of {pages}"
    blocks = [heading] + [_source_block(source, now) for source in sources]
    if page < pages:
        blocks.append(f"More: {escape(commands.more.format(page=page + 1))}")
    return "\n\n".join(blocks)


def _source_block(source: Source, now: datetime | None) -> str:
    health = health_of(source)
    facts = [stories(source.story_count)]
    if now is not None:
        facts.append(f"{source.stories_last_day} in the last day")
    facts.append(f"every {format_interval(source.interval_seconds)}")
    if source.fulltext:
        facts.append("full text")
    lines = [f"{_ICONS[health]} <b>#{source.id}</b> {link(source.name, source.url)}"]
    lines.append("<i>" + " · ".join(facts) + "</i>")
    lines.append(escape(_status_line(source, health, now)))
    if source.last_error:
        lines.append(f"❌ {escape(source.last_error)}")
    elif source.warning:
        lines.append(f"⚠️ read with problems: {escape(source.warning)}")
    return "\n".join(lines)


def _status_line(source: Source, health: str, now: datetime | None) -> str:
    def when(stamp: datetime) -> str:
        return ago(stamp, now) if now is not None else f"{stamp:%Y-%m-%d %H:%M} UTC"

    success = f"last success {when(source.last_success_at)}" if source.last_success_at else "never read yet"
    if health in ("ok", "warning") and source.last_fetched_at is not None:
        success = f"ok, fetched {when(source.last_fetched_at)}"
    if health == "paused":
        return f"paused · {success}"
    parts = [success]
    if health == "failing":
        parts.append(f"{source.failures} failure{'s' if source.failures != 1 else ''} in a row")
    if source.next_check_at is not None:
        parts.append("next check " + (until(source.next_check_at, now) if now else f"{source.next_check_at:%H:%M} UTC"))
    return " · ".join(parts)


def ingested(new: int, known: int, updated: int = 0) -> str:
    """What one source's ingest stored: "3 new, 2 already known (1 updated)"."""
    return f"{new} new, {known} already known" + (f" ({updated} updated)" if updated else "")


def render_added(
    source: Source, title: str, found: int, new: int, warning: str | None, twin: Source | None = None
) -> str:
    """The /addsource answer: the feed's title and how many stories it carried (and a source at the same address
    over the other scheme, which is most likely the same feed)."""
    known = found - new
    text = (
        f"✅ Added source <b>#{source.id}</b> {link(source.name, source.url)}\n"
        f"Feed title: <i>{escape(title or source.name)}</i>\n"
        f"Found {stories(found)} in the feed: {new} new stor{'y' if new == 1 else 'ies'}"
        f"{f', {known} already known' if known else ''}."
    )
    if warning:
        text += f"\n⚠️ The feed has problems but was read: {escape(warning)}"
    if twin is not None and twin.id != source.id:
        text += (f"\nℹ️ Source <b>#{twin.id}</b> {link(twin.name, twin.url)} has the same address over "
                 f"{escape(twin.url.partition(':')[0])}: most likely the same feed (its stories are stored once).")
    return text


def render_change(source: Source, change: str, *, commands: CommandNames = BOT_COMMANDS) -> str:
    """The answer to an admin's change of a source (paused, already paused, resumed, not paused, interval, fulltext
    or removed), read from the changed source; the bot and the CLI say the same but for the command they name."""
    name = f"#{source.id} {escape(source.name)}"
    resume = escape(commands.resume.format(id=source.id))
    if change in ("paused", "already paused"):
        state = "was already paused" if change == "already paused" else "is paused"
        return f"⏸ Source {name} {state}: not fetched until {resume}."
    if change == "resumed":
        return f"▶️ Source {name} is resumed: I will check it now."
    if change == "not paused":
        return f"▶️ Source {name} was not paused; I will check it now."
    if change == "interval":
        return f"✅ Source {name} is now checked every {format_interval(source.interval_seconds)}."
    if change == "fulltext":
        state = "on: new teaser-only stories get their article's text" if source.fulltext else "off"
        return f"✅ Full text for {name} is {state}."
    return f"✅ Removed source {name}. Its stories stay searchable."


def pause_change(paused: bool, changed: bool) -> str:
    """The render_change kind for a pause or resume: 'paused', 'already paused', 'resumed' or 'not paused'."""
    if paused:
        return "paused" if changed else "already paused"
    return "resumed" if changed else "not paused"


def render_import(report: ImportReport) -> str:
    """What an OPML import added, skipped and why some failed."""
    lines = [
        f"<b>OPML import</b>: {len(report.added)} added, {len(report.skipped)} skipped, {len(report.failed)} failed"
    ]
    lines += [f"✅ #{source.id} {link(source.name, source.url)}: {stories(found)}" for source, found in report.added]
    lines += [f"↪️ {escape(url)}: {escape(reason)}" for url, reason in report.skipped]
    lines += [f"❌ {escape(url)}: {escape(reason)}" for url, reason in report.failed]
    if len(lines) > MAX_REPORT_LINES + 1:
        lines = [*lines[: MAX_REPORT_LINES + 1], f"… and {len(lines) - MAX_REPORT_LINES - 1} more"]
    return "\n".join(lines)


def export_left_out(left_out: int) -> str:
    """What an OPML export leaves out, in words: '2 file sources left out (OPML carries feed URLs only)'."""
    return f"{left_out} file source{'' if left_out == 1 else 's'} left out (OPML carries feed URLs only)"


def render_export(written: int, left_out: int) -> str:
    """The /export answer: the caption of the OPML file, or, when it would hold no source, why there is none."""
    left = f" {export_left_out(left_out)}." if left_out else ""
    if not written:
        return escape(f"Nothing to export:{left}" if left_out else "There are no sources yet.")
    return escape(f"Your sources as OPML; other feed readers can import it.{left}")


def render_alert(source_id: int, name: str, alert: str, error: str | None) -> str:
    """The message admins get when a source keeps failing, or reads again."""
    if alert == "recovered":
        return f"🟢 Source <b>#{source_id}</b> {escape(name)} reads again."
    return (
        f"🔴 Source <b>#{source_id}</b> {escape(name)} keeps failing: {escape(error or 'unknown error')}\n"
        f"I keep retrying less often. /pausesource {source_id} stops it, /removesource {source_id} removes it."
    )


def render_stats(stats: Stats) -> str:
    """The admins' overview."""
    health = stats.sources_by_health
    total_sources = sum(health.values())
    order = ["ok", "warning", "failing", "paused", "new"]
    shown = ", ".join(f"{health[key]} {key}" for key in order if health.get(key))
    days = "\n".join(f"  {day:%a %d %b}: {count}" for day, count in stats.stories_per_day)
    digests = stats.digests
    return "\n".join([
        f"<b>newsbot stats</b> · {stats.now:%Y-%m-%d %H:%M} UTC",
        f"Sources: {total_sources}" + (f" ({escape(shown)})" if shown else ""),
        f"Stories: {stats.stories_total} stored; per day (UTC):",
        days,
        f"Subscribers: {stats.subscribers}",
        f"Digests in the last {stats.days} days: {digests.get('sent', 0)} sent, {digests.get('failed', 0)} failed"
        + (f", {digests['skipped']} skipped" if digests.get("skipped") else ""),
    ])
