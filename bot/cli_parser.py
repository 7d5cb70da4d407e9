"""The `newsbot` command line: subcommands, their arguments and help, and the checks of argument values."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from bot import cli_sources
from news.query import QUERY_LANGUAGE
from services.sources import FILE_SUFFIXES

SEARCH_USAGE = f"usage: newsbot search [--page N] WORDS... - {QUERY_LANGUAGE}"
EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)  # a day after the epoch and a day before year 9999: windows fit
LATEST = datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC)
DEFAULT_LISTEN = "0.0.0.0:8443"
INSTANT_FORM = (
    "an ISO 8601 time like 2026-01-20T18:00Z (UTC unless it has an offset), or a date alone like 2026-01-20 "
    "for that whole day (UTC), from 1970-01-02 to 9998-12-31"
)


class CommandParser(argparse.ArgumentParser):
    """A parser that sets itself as the `command_parser` default: the innermost one parsed wins, for its usage."""
    # Subcommand parsers are made of their parent's class (add_subparsers' parser_class defaults to it), so every
    # one, those of cli_sources included, sets the default as it is created.

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """An argparse parser remembering itself as the parsed (sub)command's parser."""
        super().__init__(*args, **kwargs)
        self.set_defaults(command_parser=self)


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand with its help."""
    parser = CommandParser(prog="newsbot", description="Self-hosted Telegram news-briefing bot.")
    parser.add_argument("--html", action="store_true", help="print messages as the Telegram HTML sent")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="run the bot (long polling, or a webhook; needs NEWSBOT_TOKEN)")
    run.add_argument("--webhook", metavar="URL", type=_https_url, help="public https URL Telegram posts updates to")
    run.add_argument("--listen", metavar="HOST:PORT", type=_listen, default=None,
                     help=f"where the webhook server listens, with --webhook (default {DEFAULT_LISTEN})")
    demo_parser = sub.add_parser("demo", help="load seeds/ into a database and show a brief, a search and a digest")
    demo_parser.add_argument("--seeds", default=None, help="directory of sample documents (default: seeds/)")
    ingest = sub.add_parser("ingest", help="add and fetch sources: feed URLs, files or directories")
    ingest.add_argument("targets", nargs="+", metavar="PATH_OR_URL", help=(
        f"an http(s) feed URL, a feed or story file ({' '.join(FILE_SUFFIXES)}) or a directory of them; "
        "sources already known are fetched again"))
    brief = sub.add_parser("brief", help="print today's brief, optionally about a topic")
    brief.add_argument("topic", nargs="*", metavar="TOPIC",
                       help="words the stories must be about (default: every story of the day)")
    brief.add_argument("--at", type=_instant, default=None, help=f"brief of the day up to this time: {INSTANT_FORM}")
    _add_search(sub)
    digest = sub.add_parser("digest", help="print today's digest")
    digest.add_argument("--at", type=_instant, default=None, help=f"digest as of this time: {INSTANT_FORM}")
    cli_sources.add_parsers(sub)
    database = sub.add_parser("db", help="database maintenance")
    database.add_argument("action", choices=["upgrade"], help="upgrade: apply schema migrations")
    return parser


def _add_search(sub: Any) -> None:
    """`search`: no -h, so that a leading '-word' (a word to exclude) is a query word (see parse_arguments)."""
    search = sub.add_parser(
        "search", help="print ranked search results", add_help=False, usage="newsbot search [--page N] WORDS...",
        description="Ranked search over every stored story, in the query language of the bot's /search.",
        epilog="Example: newsbot search greenland -trump since:7d (-h alone shows this help)",
    )
    search.add_argument("--help", action="help", help="show this help message and exit")
    search.add_argument("query", nargs="*", metavar="WORDS", help=f"what to find: {QUERY_LANGUAGE}")
    search.add_argument("--page", type=_positive, default=1, metavar="N", help="page of 5 results (default 1)")


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line; in a search, '-word' (a word to exclude) is a query word, not an unknown option.

    An argument no parser took is an error of the (sub)command it was given to, shown with that one's usage.
    """
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if _unknown_before_command(list(sys.argv[1:] if argv is None else argv), args.command, extras):
        parser.error(f"unrecognized arguments: {' '.join(extras)}")
    command_parser: argparse.ArgumentParser = args.command_parser
    if args.command == "search":
        args.query = [word for word in [*args.query, *extras] if not word.startswith("--")]
        extras = [word for word in extras if word.startswith("--") and word != "--"]
        if args.query == ["-h"]:
            command_parser.print_help()
            command_parser.exit()
        if not args.query and not extras:
            command_parser.error("the following arguments are required: WORDS")
    if extras:
        command_parser.error(f"unrecognized arguments: {' '.join(extras)}")
    if args.command == "run" and args.listen and not args.webhook:
        command_parser.error("--listen is where the webhook server listens: give --webhook URL too, or drop --listen "
                             "to long-poll")
    return args


def _unknown_before_command(words: list[str], command: str, extras: list[str]) -> bool:
    """Whether an argument no parser took came before the subcommand: newsbot's own (none takes a value)."""
    before = words[: words.index(command)] if command in words else []
    return any(word in extras for word in before if word != "--html")


def _positive(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a page number (1, 2, ...)")
    return int(value)


def _https_url(value: str) -> str:
    if not value.startswith("https://") or len(value) < 12:
        raise argparse.ArgumentTypeError(f"'{value}' is not an https URL (Telegram only posts to https)")
    return value


def _listen(value: str) -> str:
    _, sep, port = value.rpartition(":")
    if not sep or not (port.isascii() and port.isdigit()) or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"'{value}' is not HOST:PORT, e.g. 0.0.0.0:8443")
    return value


def _instant(value: str) -> datetime | date:
    """An ISO 8601 time as UTC, or a date alone (a whole UTC day), in the range where a day's window before it (and
    a second after) fits."""
    stamp: datetime | None
    day: date | None = None
    try:
        day = date.fromisoformat(value)
        stamp = datetime.combine(day, time(23, 59, 59), tzinfo=UTC)
    except ValueError:
        try:
            stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
            stamp = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
        except (ValueError, OverflowError):
            stamp = None
    if stamp is None or not EARLIEST <= stamp <= LATEST:
        raise argparse.ArgumentTypeError(f"'{value}' is not {INSTANT_FORM}")
    return day or stamp
