"""`newsbot sources ...` and `newsbot stats`: the admin commands from a terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from news.errors import InvalidArgument
from news.health import SWITCH
from news.messages import split_message
from news.render_sources import (
    CommandNames,
    pause_change,
    render_added,
    render_change,
    render_import,
    render_source_list,
    render_stats,
)
from services.container import Services

CLI_COMMANDS = CommandNames("newsbot sources resume {id}", "newsbot sources add URL", "newsbot sources list {page}")


def add_parsers(sub: Any) -> None:
    """The `sources` subcommand with its actions, and `stats`."""
    sources = sub.add_parser("sources", help="list and manage sources (list, add, remove, pause, import, export...)")
    actions = sources.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="sources with their health (the default)")
    listing.add_argument("page", nargs="?", type=int, default=0, help="page number (default: all)")
    add = actions.add_parser("add", help="fetch a feed (or a page linking one) once and save it if it reads")
    add.add_argument("url")
    add.add_argument("name", nargs="*")
    for name, about in (("remove", "remove a source (stories stay)"), ("pause", "stop polling a source"),
                        ("resume", "poll a paused source again")):
        actions.add_parser(name, help=about).add_argument("id", type=int)
    interval = actions.add_parser("interval", help="poll a source every INTERVAL (30m, 2h, 1d)")
    interval.add_argument("id", type=int)
    interval.add_argument("interval")
    fulltext = actions.add_parser("fulltext", help="fetch full articles for a teaser-only source")
    fulltext.add_argument("id", type=int)
    fulltext.add_argument("state", choices=sorted(SWITCH))
    opml_in = actions.add_parser("import", help="add every feed of an OPML file")
    opml_in.add_argument("file", type=Path)
    opml_out = actions.add_parser("export", help="write the sources as OPML (to FILE, or standard output)")
    opml_out.add_argument("file", type=Path, nargs="?")
    sub.add_parser("stats", help="sources by health, stories per day, subscribers, digests")


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
        source, result = await sources.add(args.url, " ".join(args.name) or None, local_files=True)
        return [render_added(source, result.title, result.found, result.new, result.warning)]
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
    detail = args.interval if action == "interval" else "on" if SWITCH.get(getattr(args, "state", "")) else "off"
    return render_change(source, change, detail, commands=CLI_COMMANDS)


async def _opml(services: Services, action: str, file: Path | None) -> list[str]:
    if action == "export":
        data = await services.sources.export_opml()
        if file is None:
            sys.stdout.write(data.decode("utf-8") + "\n")
            return []
        try:
            file.write_bytes(data)
        except OSError as exc:
            raise InvalidArgument(f"cannot write {file}: {exc.strerror or exc}") from None
        return [f"Wrote {file}."]
    assert file is not None
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InvalidArgument(f"cannot read {file}: {exc.strerror or exc}") from None
    return split_message(render_import(await services.sources.import_opml(data)))


async def stats_command(services: Services, args: argparse.Namespace) -> list[str]:
    """The admins' overview."""
    return [render_stats(await services.stats.stats())]
