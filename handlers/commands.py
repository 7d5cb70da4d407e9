"""Commands for everyone: parse the update, call one service, render, reply."""

from __future__ import annotations

import logging
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType

from handlers.channels import chat_id_of, is_chat_ref, postable_chat
from handlers.context import BotContext, argument_text, chat_id, reply, user_id
from handlers.permissions import chat_admin_only
from handlers.texts import NOT_ADMIN, UNKNOWN_COMMAND, WELCOME, help_text, search_refusal, usage
from news.errors import InvalidArgument, UselessQuery
from news.models import SearchPage
from news.render import empty_brief, render_briefing, render_search, render_subscription
from news.render_sources import render_source_list
from news.schedule import split_arguments

logger = logging.getLogger(__name__)


async def start(update: Update, context: BotContext) -> None:
    """Greet the user and point at the main commands."""
    await reply(update, WELCOME)


async def help_command(update: Update, context: BotContext) -> None:
    """List the commands this user may run."""
    await reply(update, help_text(context.services.is_admin(user_id(update))))


async def brief(update: Update, context: BotContext) -> None:
    """Today's top stories, or those about the topic given."""
    topic = " ".join(context.args or []).strip()
    try:
        briefing = await context.services.briefs.brief([topic] if topic else [])
    except InvalidArgument as exc:
        await reply(update, f"{escape(str(exc))}\n{usage('brief')}")
        return
    await reply(update, render_briefing(briefing, empty=empty_brief(topic)))


async def search(update: Update, context: BotContext) -> None:
    """Ranked search over every stored story, first page."""
    await _search(update, context, " ".join(context.args or []))


async def search_text(update: Update, context: BotContext) -> None:
    """Plain text in a private chat: a search for it, as /search would do."""
    message = update.effective_message
    await _search(update, context, (message.text or "") if message is not None else "")


async def _search(update: Update, context: BotContext, text: str) -> None:
    try:
        page = await context.services.briefs.search(text)
    except UselessQuery as exc:
        await reply(update, search_refusal(exc.query))
        return
    await reply(update, render_search(page), reply_markup=paging_keyboard(page))


def paging_keyboard(page: SearchPage) -> InlineKeyboardMarkup | None:
    """Prev / page x of y / Next buttons; callback data carries only the page number."""
    if page.pages <= 1:
        return None
    row = []
    if page.page > 1:
        row.append(InlineKeyboardButton("‹ Prev", callback_data=f"search:{page.page - 1}"))
    row.append(InlineKeyboardButton(f"{page.page} / {page.pages}", callback_data="search:noop"))
    if page.page < page.pages:
        row.append(InlineKeyboardButton("Next ›", callback_data=f"search:{page.page + 1}"))
    return InlineKeyboardMarkup([row])


@chat_admin_only
async def subscribe(update: Update, context: BotContext) -> None:
    """Create or change a daily digest (this chat's, or an admin's channel's), or show it given no arguments."""
    args = split_arguments(argument_text(update))
    target = chat_id(update)
    where = ""
    try:
        if args and is_chat_ref(args[0]):
            if not context.services.is_admin(user_id(update)):
                await reply(update, NOT_ADMIN)
                return
            target, title = await postable_chat(context.bot, args.pop(0))
            where = f" for <b>{escape(title)}</b>"
        subscription, changed = await context.services.subscriptions.subscribe(target, args)
    except InvalidArgument as exc:
        await reply(update, f"{escape(str(exc))}\n{usage('subscribe')}")
        return
    prefix = f"✅ Subscribed{where}. " if changed else ""
    await reply(update, prefix + render_subscription(subscription))


@chat_admin_only
async def unsubscribe(update: Update, context: BotContext) -> None:
    """Stop this chat's daily digest (or, for admins, a channel's: /unsubscribe @channel)."""
    args = context.args or []
    target = chat_id(update)
    if args and is_chat_ref(args[0]):
        if not context.services.is_admin(user_id(update)):
            await reply(update, NOT_ADMIN)
            return
        try:
            target = await chat_id_of(context.bot, args[0])
        except InvalidArgument as exc:
            await reply(update, escape(str(exc)))
            return
    stopped = await context.services.subscriptions.unsubscribe(target)
    text = "✅ Unsubscribed: no more daily digests there." if stopped else "There was no daily digest to stop."
    await reply(update, text)


async def digest(update: Update, context: BotContext) -> None:
    """Today's digest for this chat, now."""
    briefing = await context.services.digests.preview(chat_id(update))
    for message in context.services.digests.render(briefing):
        await reply(update, message)


async def sources(update: Update, context: BotContext) -> None:
    """The sources the bot reads, with their health, a page at a time (/sources 2 for the second)."""
    args = context.args or []
    page = await context.services.sources.page(int(args[0]) if args and args[0].isascii() and args[0].isdigit() else 1)
    await reply(update, render_source_list(page.sources, page.now, page=page.page, pages=page.pages, total=page.total))


async def unknown_command(update: Update, context: BotContext) -> None:
    """Point at /help for a command the bot lacks: in a private chat, or in a group when addressed to this bot."""
    message = update.effective_message
    if message is None or not message.text or update.effective_chat is None:
        return
    command, _, addressee = message.text.split(maxsplit=1)[0].partition("@")
    private = update.effective_chat.type == ChatType.PRIVATE
    if not private and addressee.lower() != (context.bot.username or "").lower():
        return  # meant for another bot, or for no bot in particular
    await reply(update, UNKNOWN_COMMAND.format(command=escape(command[:64])))
