"""Admin commands for sources: pause, resume, interval, full text, OPML import and export, stats, alerts."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from html import escape

from telegram import Bot, InputFile, Update
from telegram.error import BadRequest, Forbidden, NetworkError

from handlers.context import BotContext, reply
from handlers.permissions import admin_only
from handlers.texts import IMPORTING, usage
from news.errors import NewsbotError
from news.health import SWITCH, parse_source_id
from news.messages import split_message
from news.opml import MAX_OPML_BYTES
from news.render_sources import pause_change, render_alert, render_change, render_export, render_import, render_stats
from services.sources import PollResult

logger = logging.getLogger(__name__)


async def _set_paused(update: Update, context: BotContext, paused: bool) -> None:
    args = context.args or []
    command = "pausesource" if paused else "resumesource"
    source_id = parse_source_id(args[0]) if len(args) == 1 else None
    if source_id is None:
        await reply(update, usage(command))
        return
    try:
        source, changed = await context.services.sources.pause(source_id, paused)
    except NewsbotError as exc:
        await reply(update, f"❌ {escape(str(exc))}. /sources lists the ids.")
        return
    await reply(update, render_change(source, pause_change(paused, changed)))


@admin_only
async def pausesource(update: Update, context: BotContext) -> None:
    """Stop polling a source."""
    await _set_paused(update, context, True)


@admin_only
async def resumesource(update: Update, context: BotContext) -> None:
    """Poll a paused source again."""
    await _set_paused(update, context, False)


@admin_only
async def setinterval(update: Update, context: BotContext) -> None:
    """Set how often a source is polled: /setinterval 3 30m."""
    args = context.args or []
    source_id = parse_source_id(args[0]) if len(args) >= 2 else None
    if source_id is None:
        await reply(update, usage("setinterval"))
        return
    interval = " ".join(args[1:])  # "1d 12h" arrives as two arguments
    try:
        source = await context.services.sources.set_interval(source_id, interval)
    except NewsbotError as exc:
        await reply(update, f"❌ {escape(str(exc))}\n{usage('setinterval')}")
        return
    await reply(update, render_change(source, "interval"))


@admin_only
async def fulltext(update: Update, context: BotContext) -> None:
    """Switch article full-text fetching for a source: /fulltext 3 on."""
    args = context.args or []
    source_id = parse_source_id(args[0]) if len(args) == 2 else None
    if source_id is None or args[1].lower() not in SWITCH:
        await reply(update, usage("fulltext"))
        return
    enabled = SWITCH[args[1].lower()]
    try:
        source = await context.services.sources.set_fulltext(source_id, enabled)
    except NewsbotError as exc:
        await reply(update, f"❌ {escape(str(exc))}")
        return
    await reply(update, render_change(source, "fulltext"))


@admin_only
async def export(update: Update, context: BotContext) -> None:
    """Send the source list as an OPML file."""
    message = update.effective_message
    if message is None:
        return
    exported = await context.services.sources.export_opml()
    answer = render_export(exported.written, exported.left_out)
    if not exported.written:
        await reply(update, answer)
        return
    document = InputFile(io.BytesIO(exported.data), filename="newsbot-sources.opml")
    await message.reply_document(document, caption=answer)


@admin_only
async def import_opml(update: Update, context: BotContext) -> None:
    """Add every feed of an OPML file an admin sent, and report what happened to each."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    if (message.document.file_size or 0) > MAX_OPML_BYTES:
        await reply(update, f"❌ That file is too large; OPML files up to {MAX_OPML_BYTES // 1024} KiB are read.")
        return
    file = await message.document.get_file()
    data = bytes(await file.download_as_bytearray())
    await reply(update, IMPORTING)
    try:
        report = await context.services.sources.import_opml(data)
    except NewsbotError as exc:
        await reply(update, f"❌ Cannot import: {escape(str(exc))}")
        return
    await reply(update, render_import(report))


@admin_only
async def stats(update: Update, context: BotContext) -> None:
    """Sources by health, stories per day, subscribers, digests sent and failed."""
    await reply(update, render_stats(await context.services.stats.stats()))


async def notify_admins(bot: Bot, admins: frozenset[int], results: Sequence[PollResult]) -> None:
    """Tell every admin once when a source starts failing persistently, and again when it recovers."""
    messages = [render_alert(r.source_id, r.name, r.alert, r.error) for r in results if r.alert]
    if not messages:
        return
    chunks = split_message("\n\n".join(messages))
    for admin in admins:
        try:
            for chunk in chunks:
                await bot.send_message(admin, chunk)
        except (Forbidden, BadRequest, NetworkError) as exc:
            logger.warning("could not tell admin %s about failing sources: %s", admin, exc)
