"""`newsbot sources ...` and `newsbot stats`: the admin commands from a terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from news.errors import InvalidArgument
from news.health import INTERVAL_FORM, SWITCH, parse_interval, parse_source_id
from news.messages import split_message
from news.render_sources import (
    CommandNames,
    export_left_out,
    pause_change,
    render_added,
    render_change,
    render_import,
    render_source_list,
    render_stats,
)
from services.container import Services
from services.sources import FILE_SUFFIXES

CLI_COMMANDS = CommandNames("newsbot sources resume {id}", "newsbot sources add URL", "newsbot sources list {page}")
MAX_SOURCE_ID = 999_999_999  # what news.health.parse_source_id accepts: fewer than 10 digits
ID_HELP = "the source's number, as `newsbot sources list` shows it"


def add_parsers(sub: Any) -> None:
    """The `sources` subcommand with its actions, and `stats`."""
    sources = sub.add_parser("sources", help="list and manage sources (list, add, remove, pause, import, export...)")
    actions = sources.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="sources with their health (the default)")
    listing.add_argument("page", nargs="?", type=int, default=0, metavar="PAGE", help="page number (default: all)")
    add = actions.add_parser("add", help="fetch a feed (or a page linking one) once and save it if it reads")
    add.add_argument("url", metavar="URL", help=(
        f"an http(s) feed URL, a web page that links a feed, or a feed file ({' '.join(FILE_SUFFIXES)})"))
    add.add_argument("name", nargs="*", default=[], metavar="NAME",
                     help="the name to list it under (default: the feed's title)")
    for name, about in (("remove", "remove a source (stories stay)"), ("pause", "stop polling a source"),
                        ("resume", "poll a paused source again")):
        actions.add_parser(name, help=about).add_argument("id", type=_source_id, metavar="ID", help=ID_HELP)
    interval = actions.add_parser("interval", help="poll a source every INTERVAL (30m, 2h, 1h30m, 1d)")
    interval.add_argument("id", type=_source_id, metavar="ID", help=ID_HELP)
    interval.add_argument("interval", type=_interval, metavar="INTERVAL", help=f"how often: {INTERVAL_FORM}")
    fulltext = actions.add_parser("fulltext", help="fetch full articles for a teaser-only source")
    fulltext.add_argument("id", type=_source_id, metavar="ID", help=ID_HELP)
    fulltext.add_argument("state", choices=sorted(SWITCH), help="on or off (also yes/no, 1/0)")
    opml_in = actions.add_parser("import", help="add every feed of an OPML file")
    opml_in.add_argument("file", type=Path, metavar="FILE",
                         help="an OPML file, e.g. exported from another feed reader; each feed is fetched first")
    opml_out = actions.add_parser("export", help="write the sources as OPML (to FILE, or standard output)")
    opml_out.add_argument("file", type=Path, nargs="?", metavar="FILE",
                          help="where to write (default: standard output); file sources are left out")
    sub.add_parser("stats", help="sources by health, stories per day, subscribers, digests")


def _source_id(value: str) -> int:
    """A source id as admins write it ('3' or '#3'); an argparse error for anything else."""
    number = parse_source_id(value)
    if number is None or not 1 <= number <= MAX_SOURCE_ID:
        raise argparse.ArgumentTypeError(
            f"source id must be a number from 1 to {MAX_SOURCE_ID}, not {_quoted(value)}; "
            "`newsbot sources list` shows the ids")
    return number


def _interval(value: str) -> str:
    """A polling interval as typed, checked; the error is parse_interval's, as the bot gives it."""
    try:
        parse_interval(value)
    except InvalidArgument as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None  # the bot's /setinterval words
    return value


def _quoted(value: str, limit: int = 24) -> str:
    """What was typed, in quotes, cut short with an ellipsis when long."""
    return f"'{value[:limit]}…'" if len(value) > limit else f"'{value}'"


def _feed_address(text: str) -> str:
    """A feed URL as given, or an existing local file as a file:// URI; a missing path is named."""
    text = text.strip()
    if "://" in text:  # http(s), file:// or a scheme the service refuses with its own words
        return text
    path = Path(text)
    if path.is_file():
        return path.resolve().as_uri()
    if path.is_dir():
        raise InvalidArgument(f"{text} is a directory; `newsbot ingest {text}` adds every feed file in it")
    raise InvalidArgument(f"no such file: {text} (sources add takes an http(s) feed URL or a feed file)")


async def sources_command(services: Services, args: argparse.Namespace) -> list[str]:
    """Run one `newsbot sources` action; messages to print."""
    action = args.action or "list"
    sources = services.sources
    if action == "list":
        number = getattr(args, "page", 0)
        page = await sources.page(number, per_page=10) if number else None
        if page is not None:
            return split_message(render_source_list(page.sources, page.now, page=page.page, pages=page.pages,
                                                    total=page.total, commands=CLI_COMMANDS))
        return split_message(render_source_list(await sources.list_sources(), services.clock(), commands=CLI_COMMANDS))
    if action == "add":
        url = _feed_address(args.url)
        source, result = await sources.add(url, " ".join(args.name) or None, local_files=True)
        return [render_added(source, result.title, result.found, result.new, result.warning, result.twin)]
    if action in ("import", "export"):
        return await _opml(services, action, args.file)
    return [await _change(services, action, args)]


async def _change(services: Services, action: str, args: argparse.Namespace) -> str:
    sources = services.sources
    change = {"remove": "removed", "pause": "paused", "resume": "resumed"}.get(action, action)
    if action == "remove":
        source = await sources.remove(args.id)
    elif action in ("pause", "resume"):
        source, changed = await sources.pause(args.id, action == "pause")
        change = pause_change(action == "pause", changed)
    elif action == "interval":
        source = await sources.set_interval(args.id, args.interval)
    else:
        source = await sources.set_fulltext(args.id, SWITCH[args.state])
    return render_change(source, change, commands=CLI_COMMANDS)


async def _opml(services: Services, action: str, file: Path | None) -> list[str]:
    if action == "export":
        return await _export(services, file)
    assert file is not None
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InvalidArgument(f"cannot read {file}: {exc.strerror or exc}") from None
    return split_message(render_import(await services.sources.import_opml(data)))


async def _export(services: Services, file: Path | None) -> list[str]:
    """Write the OPML to a file (or standard output); say how many sources it holds and how many it left out."""
    exported = await services.sources.export_opml()
    left_out = exported.left_out
    note = f"; {export_left_out(left_out)}" if left_out else ""
    if file is None:
        sys.stdout.write(exported.data.decode("utf-8") + "\n")
        if left_out:
            print(f"newsbot: exported {_sources(exported.written, 'source')}{note}", file=sys.stderr)
        return []
    try:
        file.write_bytes(exported.data)
    except OSError as exc:
        raise InvalidArgument(f"cannot write {file}: {exc.strerror or exc}") from None
    return [f"Wrote {_sources(exported.written, 'source')} to {file}{note}."]


def _sources(count: int, noun: str) -> str:
    """'1 source', '3 sources'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


async def stats_command(services: Services, args: argparse.Namespace) -> list[str]:
    """The admins' overview."""
    return [render_stats(await services.stats.stats())]
