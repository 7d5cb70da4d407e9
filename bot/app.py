"""The composition root: services, the Telegram Application, its handlers and jobs, all wired here."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.settings import ConfigError, Settings, webhook_secret
from handlers import admin, commands, errors, jobs, paging, sources
from handlers.context import SERVICES_KEY, BotContext
from handlers.delivery import traced_request
from handlers.ordering import ChatOrderedProcessor
from handlers.ratelimit import FloodLimiter
from handlers.texts import ADMIN_COMMANDS, USER_COMMANDS
from services.clock import Clock, utc_now
from services.container import Services
from services.digests import DeliveryPolicy
from services.fetch import Fetcher
from storage.db import Database
from storage.sent_log import SentLog, log_directory

logger = logging.getLogger(__name__)
# Chats are served side by side, so one slow command (/refresh) holds up no other chat. Each service call opens its
# own database session and source writes take a lock, so handlers share no state; the bound stays under the SQLite
# pool's 15 connections, which the job queue shares.
CONCURRENT_UPDATES = 8
BotApplication = Application[Any, BotContext, Any, Any, Any, Any]


def build_services(
    settings: Settings, *, clock: Clock = utc_now, fetcher: Fetcher | None = None, delivering: bool = False
) -> Services:
    """The use cases over the configured database; ``delivering`` (the bot itself) also keeps a sent log."""
    sent_log = _sent_log(settings) if delivering else None
    return Services(
        Database(settings.database_url),
        fetcher or Fetcher(allow_private=settings.allow_private_urls),
        clock=clock,
        admins=settings.admins,
        default_timezone=settings.timezone,
        delivery=DeliveryPolicy(max_late=timedelta(hours=settings.digest_max_late_hours)),
        grouping=settings.grouping,
        sent_log=sent_log,
    )


def _sent_log(settings: Settings) -> SentLog | None:
    """The local record of digest messages on their way, kept per database under the state directory."""
    directory = log_directory(settings.state_dir, settings.database_url)
    if directory is None:
        return None
    try:
        return SentLog(directory)
    except OSError as exc:
        if settings.state_dir_set:
            raise ConfigError(f"NEWSBOT_STATE_DIR: cannot create {directory}: {exc.strerror}") from None
        logger.warning(
            "no sent log: cannot create %s (%s); set NEWSBOT_STATE_DIR to a writable local directory that survives "
            "restarts, or a crash just after Telegram accepted a digest message may send it again",
            directory, exc.strerror,
        )
        return None


def build_application(settings: Settings, services: Services) -> BotApplication:
    """A ready-to-run Application: every handler registered, jobs scheduled at start."""
    application: BotApplication = (
        Application.builder()
        .token(settings.require_token())
        .base_url(settings.api_url)
        .base_file_url(_file_url(settings.api_url))
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(ChatOrderedProcessor(CONCURRENT_UPDATES))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .request(traced_request())
        .rate_limiter(FloodLimiter(rate=settings.send_rate))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data[SERVICES_KEY] = services
    application.bot_data["tick_seconds"] = settings.tick_seconds
    register_handlers(application)
    return application


def _file_url(api_url: str) -> str:
    """The file download base for a Bot API base URL (settings make it end in /bot): .../bot -> .../file/bot."""
    return api_url.removesuffix("/bot") + "/file/bot"


def register_handlers(application: BotApplication) -> None:
    """Every command, callback and error handler, in one place; the fallbacks come after every command."""
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
        ("pausesource", sources.pausesource),
        ("resumesource", sources.resumesource),
        ("setinterval", sources.setinterval),
        ("fulltext", sources.fulltext),
        ("export", sources.export),
        ("stats", sources.stats),
    ):
        application.add_handler(CommandHandler(name, callback))
    opml = filters.Document.FileExtension("opml") | filters.Document.MimeType("text/x-opml")
    application.add_handler(MessageHandler(opml, sources.import_opml))
    private_text = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    application.add_handler(MessageHandler(private_text, commands.search_text))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, commands.unknown_command))
    application.add_handler(CallbackQueryHandler(paging.search_page, pattern=r"^search:"))
    application.add_error_handler(errors.on_error)


async def _post_init(application: BotApplication) -> None:
    """Upgrade the schema, publish the command list, start the ticks."""
    services: Services = application.bot_data[SERVICES_KEY]
    await services.start()
    await _publish_commands(application, services.admins)
    tick: float = application.bot_data["tick_seconds"]
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    grace = {"misfire_grace_time": max(30, int(tick))}
    queue.run_repeating(jobs.poll_sources, interval=tick, first=0.1, name="poll-sources", job_kwargs=grace)
    queue.run_repeating(jobs.deliver_digests, interval=tick, first=0.2, name="deliver-digests", job_kwargs=grace)


async def _publish_commands(application: BotApplication, admins: frozenset[int]) -> None:
    """The command menu: user commands for everyone, admin commands too in each admin's private chat."""
    everyone = [BotCommand(name, about) for name, _, about in USER_COMMANDS]
    scopes: list[tuple[list[BotCommand], BotCommandScopeChat | None]] = [(everyone, None)]
    admin_menu = everyone + [BotCommand(name, about) for name, _, about in ADMIN_COMMANDS]
    scopes += [(admin_menu, BotCommandScopeChat(admin)) for admin in sorted(admins)]
    for menu, scope in scopes:
        try:
            await application.bot.set_my_commands(menu, scope=scope)
        except TelegramError as exc:
            logger.warning("could not register the command menu (%s) with Telegram: %s", scope or "everyone", exc)


async def _post_shutdown(application: BotApplication) -> None:
    """Release the database and HTTP client."""
    services: Services = application.bot_data[SERVICES_KEY]
    await services.close()


def run_polling(application: BotApplication) -> None:
    """Run the bot with long polling until interrupted."""
    application.run_polling(allowed_updates=Update.ALL_TYPES)


def webhook_options(settings: Settings, webhook_url: str, listen: str) -> dict[str, Any]:
    """Where to listen, which path to serve, and the secret every update must carry."""
    host, _, port = listen.rpartition(":")
    return {
        "listen": host.strip("[]") or "0.0.0.0",
        "port": int(port),
        "url_path": urlsplit(webhook_url).path.lstrip("/"),
        "webhook_url": webhook_url,
        "secret_token": webhook_secret(settings),
        "allowed_updates": Update.ALL_TYPES,
    }


def run_webhook(application: BotApplication, settings: Settings, webhook_url: str, listen: str) -> None:
    """Serve updates Telegram posts to `webhook_url`, checking its secret-token header; for several processes."""
    application.run_webhook(**webhook_options(settings, webhook_url, listen))
