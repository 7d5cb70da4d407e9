"""The composition root: services, the Telegram Application, its handlers and jobs, all wired here."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
)

from bot.settings import Settings
from handlers import admin, commands, errors, jobs, paging
from handlers.context import SERVICES_KEY, BotContext
from handlers.texts import USER_COMMANDS
from services.clock import Clock, utc_now
from services.container import Services
from services.fetch import Fetcher
from storage.db import Database

logger = logging.getLogger(__name__)
BotApplication = Application[Any, BotContext, Any, Any, Any, Any]


def build_services(settings: Settings, *, clock: Clock = utc_now, fetcher: Fetcher | None = None) -> Services:
    """The use cases over the configured database."""
    return Services(
        Database(settings.database_url),
        fetcher or Fetcher(allow_private=settings.allow_private_urls),
        clock=clock,
        admins=settings.admins,
        default_timezone=settings.timezone,
    )


def build_application(settings: Settings, services: Services) -> BotApplication:
    """A ready-to-run Application: every handler registered, jobs scheduled at start."""
    application: BotApplication = (
        Application.builder()
        .token(settings.require_token())
        .base_url(settings.api_url)
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data[SERVICES_KEY] = services
    application.bot_data["tick_seconds"] = settings.tick_seconds
    register_handlers(application)
    return application


def register_handlers(application: BotApplication) -> None:
    """Every command, callback and error handler, in one place."""
    for name, callback in (
        ("start", commands.start),
        ("help", commands.help_command),
        ("brief", commands.brief),
        ("search", commands.search),
        ("subscribe", commands.subscribe),
        ("unsubscribe", commands.unsubscribe),
        ("digest", commands.digest),
        ("sources", commands.sources),
        ("addsource", admin.addsource),
        ("removesource", admin.removesource),
        ("refresh", admin.refresh),
    ):
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(CallbackQueryHandler(paging.search_page, pattern=r"^search:"))
    application.add_error_handler(errors.on_error)


async def _post_init(application: BotApplication) -> None:
    """Upgrade the schema, publish the command list, start the ticks."""
    services: Services = application.bot_data[SERVICES_KEY]
    await services.start()
    try:
        await application.bot.set_my_commands([BotCommand(name, about) for name, _, about in USER_COMMANDS])
    except TelegramError as exc:
        logger.warning("could not register the command list with Telegram: %s", exc)
    tick: float = application.bot_data["tick_seconds"]
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    grace = {"misfire_grace_time": max(30, int(tick))}
    queue.run_repeating(jobs.poll_sources, interval=tick, first=0.1, name="poll-sources", job_kwargs=grace)
    queue.run_repeating(jobs.deliver_digests, interval=tick, first=0.2, name="deliver-digests", job_kwargs=grace)


async def _post_shutdown(application: BotApplication) -> None:
    """Release the database and HTTP client."""
    services: Services = application.bot_data[SERVICES_KEY]
    await services.close()


def run_polling(application: BotApplication) -> None:
    """Run the bot with long polling until interrupted."""
    application.run_polling(allowed_updates=Update.ALL_TYPES)
