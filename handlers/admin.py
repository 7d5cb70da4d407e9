"""Admin commands: manage sources. Anyone else is refused and nothing changes."""

from __future__ import annotations

from html import escape

from telegram import Update

from handlers.context import BotContext, reply
from handlers.permissions import admin_only
from handlers.texts import REFRESHING, usage
from news.errors import NewsbotError
from news.health import parse_source_id
from news.render_sources import render_added, render_change


@admin_only
async def addsource(update: Update, context: BotContext) -> None:
    """Fetch a feed once and save it with its stories when it reads."""
    args = context.args or []
    if not args:
        await reply(update, usage("addsource"))
        return
    name = " ".join(args[1:]).strip() or None
    await reply(update, f"⏳ Reading {escape(args[0][:200])}…")
    try:
        source, result = await context.services.sources.add(args[0], name)
    except NewsbotError as exc:
        await reply(update, f"❌ Cannot add {escape(args[0][:200])}: {escape(str(exc))}")
        return
    await reply(update, render_added(source, result.title, result.found, result.new, result.warning, result.twin))


@admin_only
async def removesource(update: Update, context: BotContext) -> None:
    """Remove a source by id."""
    args = context.args or []
    source_id = parse_source_id(args[0]) if len(args) == 1 else None
    if source_id is None:
        await reply(update, usage("removesource"))
        return
    try:
        source = await context.services.sources.remove(source_id)
    except NewsbotError as exc:
        await reply(update, f"❌ {escape(str(exc))}. /sources lists the ids.")
        return
    await reply(update, render_change(source, "removed"))


@admin_only
async def refresh(update: Update, context: BotContext) -> None:
    """Poll every source now and report what came in."""
    await reply(update, REFRESHING)
    results = await context.services.sources.refresh_all()
    if not results:
        await reply(update, "No sources to refresh. Add one with /addsource &lt;url&gt;.")
        return
    lines = [f"<b>Refreshed {len(results)} source{'s' if len(results) != 1 else ''}</b>"]
    for result in results:
        outcome = f"❌ {result.error}" if result.error else f"{result.new} new"
        lines.append(f"#{result.source_id} {escape(result.name)}: {escape(outcome)}")
    await reply(update, "\n".join(lines))
