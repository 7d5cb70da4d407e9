"""Search paging buttons: the query is read back from the message the buttons belong to."""

from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.error import BadRequest

from handlers.commands import paging_keyboard
from handlers.context import BotContext
from news.errors import InvalidArgument
from news.render import render_search

logger = logging.getLogger(__name__)
_HEADER = re.compile(r" for (?P<query>.+) · page \d+ of \d+$")


async def search_page(update: Update, context: BotContext) -> None:
    """Show another page of a search by editing the results message in place."""
    callback = update.callback_query
    if callback is None:
        return
    page_text = (callback.data or "").removeprefix("search:")
    message = callback.message
    header = (message.text or "").split("\n", 1)[0] if message is not None and hasattr(message, "text") else ""
    found = _HEADER.search(header)
    if not page_text.isdigit() or found is None:
        await callback.answer("This button no longer works; send /search again." if found is None else None)
        return
    try:
        page = await context.services.briefs.search(found.group("query"), int(page_text))
    except InvalidArgument:
        await callback.answer("This search can no longer run; send /search again.")
        return
    await callback.answer()
    try:
        await callback.edit_message_text(render_search(page), reply_markup=paging_keyboard(page))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
