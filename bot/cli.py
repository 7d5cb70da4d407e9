"""The `newsbot` command: run the bot, or do what it does from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from telegram.error import InvalidToken, TelegramError

from bot import cli_sources, demo
from bot.app import build_application, build_services, run_polling, run_webhook
from bot.settings import Settings, load_environment
from bot.terminal import to_terminal
from news.errors import NewsbotError
from news.messages import split_message
from news.render import render_briefing, render_search
from services.clock import Clock, utc_now
from services.container import Services

logger = logging.getLogger(__name__)
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
Command = Callable[[Services, argparse.Namespace], Awaitable[list[str]]]


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand with its help."""
    parser = argparse.ArgumentParser(prog="newsbot", description="Self-hosted Telegram news-briefing bot.")
    parser.add_argument("--html", action="store_true", help="print messages as the Telegram HTML sent")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="run the bot (long polling, or a webhook; needs NEWSBOT_TOKEN)")
    run.add_argument("--webhook", metavar="URL", type=_https_url, help="public https URL Telegram posts updates to")
    run.add_argument("--listen", metavar="HOST:PORT", type=_listen, default="0.0.0.0:8443",
                     help="where the webhook server listens (default 0.0.0.0:8443)")
    demo_parser = sub.add_parser("demo", help="load seeds/ into a database and show a brief, a search and a digest")
    demo_parser.add_argument("--seeds", default=None, help="directory of sample documents (default: seeds/)")
    ingest = sub.add_parser("ingest", help="add and fetch sources: feed URLs, files or directories")
    ingest.add_argument("targets", nargs="+", metavar="PATH_OR_URL")
    brief = sub.add_parser("brief", help="print today's brief, optionally about a topic")
    brief.add_argument("topic", nargs="*", metavar="TOPIC")
    brief.add_argument("--at", type=_instant, default=None, help="brief as of this UTC time (ISO 8601)")
    search = sub.add_parser("search", help="print ranked search results")
    search.add_argument("query", nargs="+", metavar="QUERY")
    search.add_argument("--page", type=_positive, default=1, help="page of 5 results (default 1)")
    digest = sub.add_parser("digest", help="print today's digest")
    digest.add_argument("--at", type=_instant, default=None, help="digest as of this UTC time (ISO 8601)")
    cli_sources.add_parsers(sub)
    database = sub.add_parser("db", help="database maintenance")
    database.add_argument("action", choices=["upgrade"], help="upgrade: apply schema migrations")
    return parser


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a page number (1, 2, ...)")
    return int(value)


def _https_url(value: str) -> str:
    if not value.startswith("https://") or len(value) < 12:
        raise argparse.ArgumentTypeError(f"'{value}' is not an https URL (Telegram only posts to https)")
    return value


def _listen(value: str) -> str:
    _, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"'{value}' is not HOST:PORT, e.g. 0.0.0.0:8443")
    return value


def _instant(value: str) -> datetime:
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not an ISO 8601 time like 2026-01-20T18:00Z") from None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


class PartialFailure(Exception):
    """Some of the work failed; each failure was already reported on its own line."""


async def _ingest(services: Services, args: argparse.Namespace) -> list[str]:
    failed = total = 0
    for target in args.targets:
        for result in await services.sources.ingest(target):
            total += 1
            failed += result.error is not None
            known = f"{result.new} new, {result.duplicates} already known"
            print(f"{result.name}: {f'error: {result.error}' if result.error else known}", flush=True)
    if failed:
        raise PartialFailure(f"{failed} of {total} sources could not be ingested")
    return []


async def _brief(services: Services, args: argparse.Namespace) -> list[str]:
    topics = [" ".join(args.topic)] if args.topic else []
    if args.at:
        briefing = await services.briefs.briefing_until(args.at, topics, title=f"Top stories · {args.at:%d %b %Y}")
    else:
        briefing = await services.briefs.brief(topics)
    return split_message(render_briefing(briefing))


async def _search(services: Services, args: argparse.Namespace) -> list[str]:
    return [render_search(await services.briefs.search(" ".join(args.query), args.page))]


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
    args = build_parser().parse_args(argv)
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    try:
        settings = Settings.from_env(load_environment())
    except NewsbotError as exc:
        print(f"newsbot: configuration error: {exc}", file=sys.stderr)
        return 2
    quiet = args.command != "run" and "NEWSBOT_LOG_LEVEL" not in load_environment()
    logging.basicConfig(level="WARNING" if quiet else settings.log_level, format=LOG_FORMAT)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        if args.command == "run":
            application = build_application(settings, build_services(settings, delivering=True))
            if args.webhook:
                run_webhook(application, settings, args.webhook, args.listen)
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
    except (OSError, SQLAlchemyError) as exc:
        return _fail(f"cannot use the database {_safe_url(settings.database_url)}: {_first_line(exc)}", 2)
    except PartialFailure as exc:
        return _fail(str(exc), 1)
    return 0


def _fail(message: str, code: int) -> int:
    print(f"newsbot: {message}", file=sys.stderr)
    return code


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _safe_url(url: str) -> str:
    """The database URL without its password."""
    return make_url(url).render_as_string(hide_password=True)
