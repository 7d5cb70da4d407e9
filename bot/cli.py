"""The `newsbot` command: run the bot, or do what it does from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from telegram.error import InvalidToken, TelegramError

from bot import cli_sources, demo
from bot.app import build_application, build_services, run_polling, run_webhook
from bot.cli_parser import DEFAULT_LISTEN, SEARCH_USAGE, parse_arguments
from bot.settings import Settings, load_environment
from bot.terminal import to_terminal
from news.errors import InvalidArgument, NewsbotError, UselessQuery
from news.messages import split_message
from news.render import empty_brief, render_briefing, render_search
from news.render_sources import ingested
from services.clock import Clock, utc_now
from services.container import Services
from storage.db import DatabaseUnavailable

logger = logging.getLogger(__name__)
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
Command = Callable[[Services, argparse.Namespace], Awaitable[list[str]]]
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader went away


class PartialFailure(Exception):
    """Some of the work failed; each failure was already reported on its own line."""


async def _ingest(services: Services, args: argparse.Namespace) -> list[str]:
    failed = total = 0
    for target in args.targets:
        for result in await services.sources.ingest(target):
            total += 1
            failed += result.error is not None
            known = ingested(result.new, result.duplicates, result.updated)
            print(f"{result.name}: {f'error: {result.error}' if result.error else known}", flush=True)
    if failed:
        raise PartialFailure(f"{failed} of {total} sources could not be ingested")
    return []


async def _brief(services: Services, args: argparse.Namespace) -> list[str]:
    topic = " ".join(args.topic).strip()
    topics = [topic] if topic else []
    briefing = await services.briefs.brief(topics, at=args.at)
    day = ""
    if isinstance(args.at, datetime):
        day = f"in the day up to {args.at:%d %b %Y %H:%M} UTC"
    elif args.at is not None:
        day = f"on {args.at:%d %b %Y}"
    return split_message(render_briefing(briefing, empty=empty_brief(topic, day)))


async def _search(services: Services, args: argparse.Namespace) -> list[str]:
    try:
        page = await services.briefs.search(" ".join(args.query), args.page)
    except UselessQuery as exc:
        query = exc.query
        raise InvalidArgument(query.refusal("newsbot search") if query.needs_word else SEARCH_USAGE) from None
    return [render_search(page)]


async def _digest(services: Services, args: argparse.Namespace) -> list[str]:
    return services.digests.render(await services.digests.digest_for(args.at or services.clock()))


async def _upgrade(services: Services, args: argparse.Namespace) -> list[str]:
    return ["Database schema is up to date."]


COMMANDS: dict[str, Command] = {
    "ingest": _ingest, "brief": _brief, "search": _search, "digest": _digest, "sources": cli_sources.sources_command,
    "stats": cli_sources.stats_command, "db": _upgrade,
}


async def _run_command(settings: Settings, args: argparse.Namespace, clock: Clock) -> list[str]:
    services = build_services(settings, clock=clock)
    try:
        await services.start()
        return await COMMANDS[args.command](services, args)
    finally:
        await services.close()


def _print(messages: Sequence[str], as_html: bool) -> None:
    color = sys.stdout.isatty()
    for index, message in enumerate(messages):
        if index:
            print("\n" + "─" * 40 + "\n")
        print(message if as_html else to_terminal(message, color=color))


def main(argv: Sequence[str] | None = None, clock: Clock = utc_now) -> int:
    """Entry point of the console script; returns the exit code."""
    args = parse_arguments(argv)
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    try:
        settings = Settings.from_env(load_environment())
    except NewsbotError as exc:
        print(f"newsbot: configuration error: {exc}", file=sys.stderr)
        return 2
    quiet = args.command != "run" and "NEWSBOT_LOG_LEVEL" not in load_environment()
    _configure_logging("WARNING" if quiet else settings.log_level)
    try:
        if args.command == "run":
            application = build_application(settings, build_services(settings, delivering=True))
            if args.webhook:
                run_webhook(application, settings, args.webhook, args.listen or DEFAULT_LISTEN)
            else:
                run_polling(application)
        elif args.command == "demo":
            _print(asyncio.run(demo.run_demo(settings, args.seeds)), args.html)
        else:
            _print(asyncio.run(_run_command(settings, args, clock)), args.html)
    except NewsbotError as exc:
        return _fail(str(exc), 2)
    except InvalidToken:
        return _fail("Telegram rejected NEWSBOT_TOKEN; check the token @BotFather gave you", 2)
    except TelegramError as exc:
        return _fail(f"cannot reach the Telegram Bot API at {settings.api_url}: {exc.message}", 1)
    except BrokenPipeError:
        return _stdout_closed()
    except (DatabaseUnavailable, SQLAlchemyError) as exc:
        return _fail(f"cannot use the database {_safe_url(settings.database_url)}: {_first_line(exc)}", 2)
    except OSError as exc:
        return _fail(_system_error(exc), 2)
    except PartialFailure as exc:
        return _fail(str(exc), 1)
    return 0


def _stdout_closed() -> int:
    """The reader of standard output went away (`newsbot search x | head`): end quietly, as a shell tool does.

    Standard output is pointed at /dev/null so that the interpreter's last flush does not fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # not a real file (captured): nothing will be flushed to a pipe
        pass
    return EXIT_BROKEN_PIPE


def _system_error(exc: OSError) -> str:
    """An operating-system error that is not the database's, in words: what was used, and why it failed."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"cannot use {exc.filename}: {reason}" if exc.filename else f"system error: {reason}"


class ShortTelegramErrors(logging.Filter):
    """python-telegram-bot logs a Bot API call its retry loop gave up on at ERROR with the whole traceback; the
    CLI reports the reason itself, so the record becomes one WARNING line with the error's words."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Shorten a record that carries a TelegramError; pass every record."""
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, TelegramError):
            record.msg, record.args = f"{record.getMessage()} ({error})", ()
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def _configure_logging(level: str) -> None:
    """The log format and level (httpx and the job scheduler from WARNING up); below DEBUG, python-telegram-bot's
    network errors are one line each."""
    logging.basicConfig(level=level, format=LOG_FORMAT)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # two INFO lines per job run: every tick, all day
    for name in ("telegram", "telegram.ext"):  # PTB's retry loop logs on "telegram.ext" (its get_logger)
        target = logging.getLogger(name)
        for installed in [f for f in target.filters if isinstance(f, ShortTelegramErrors)]:
            target.removeFilter(installed)
        if level != "DEBUG":
            target.addFilter(ShortTelegramErrors())


def _fail(message: str, code: int) -> int:
    print(f"newsbot: {message}", file=sys.stderr)
    return code


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _safe_url(url: str) -> str:
    """The database URL without its password."""
    return make_url(url).render_as_string(hide_password=True)
