"""`newsbot sources ...` and subcommand usage errors: the reviewer's findings on the command line, pinned."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import build_services
from bot.cli import main
from bot.cli_parser import parse_arguments
from bot.settings import Settings
from news.errors import InvalidArgument
from news.health import MAX_INTERVAL, MIN_INTERVAL, parse_interval
from storage import sources as source_repo

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
HUGE = "99999999999999999999999"
ID_ERROR = "source id must be a number from 1 to 999999999"


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty database in a working directory of its own."""
    for name in list(os.environ):
        if name.startswith("NEWSBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/x.db")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The lines on standard error of a command line argparse refuses with exit code 2."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    return captured.err.strip().splitlines()


@pytest.mark.parametrize(
    "argv",
    [["interval", HUGE, "1h"], ["remove", HUGE], ["pause", HUGE], ["resume", HUGE], ["fulltext", HUGE, "on"],
     ["remove", "0"], ["pause", "-1"], ["resume", "abc"], ["remove", "1000000000"], ["pause", "²"],
     ["pause", "#²"], ["interval", "١", "1h"]],
)
def test_a_source_id_out_of_range_is_a_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    usage, reason = _usage_error(["sources", *argv], capsys)
    assert usage.startswith(f"usage: newsbot sources {argv[0]} ")
    assert ID_ERROR in reason and f"not '{argv[1]}'" in reason and "newsbot sources list" in reason


def test_an_unknown_id_in_range_is_one_line_and_ids_like_the_bot_are_accepted(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(SEEDS / "feeds" / "briefs.json")]) == 0
    capsys.readouterr()
    assert main(["sources", "remove", "999999999"]) == 2
    assert capsys.readouterr().err == "newsbot: no source has id 999999999\n"
    assert main(["sources", "pause", "#1"]) == 0
    assert "is paused" in capsys.readouterr().out


def test_sources_add_takes_a_local_path_as_a_file_uri(fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (fresh / "feeds").mkdir()
    shutil.copy(SEEDS / "feeds" / "world-wire.rss", fresh / "feeds" / "a.rss")
    assert main(["--html", "sources", "add", "feeds/a.rss", "My", "Wire"]) == 0
    out = capsys.readouterr().out
    assert "Added source <b>#1</b>" in out and "My Wire" in out
    assert main(["ingest", str(fresh / "feeds" / "a.rss")]) == 0  # the same file:// source ingest makes of it
    assert capsys.readouterr().out.strip() == "My Wire: 0 new, 5 already known"
    assert main(["sources", "add", str(fresh / "feeds" / "a.rss")]) == 2
    uri = (fresh / "feeds" / "a.rss").resolve().as_uri()
    assert capsys.readouterr().err == f"newsbot: a source with this address is already registered: #1 My Wire ({uri})\n"


@pytest.mark.parametrize(
    ("target", "expected"),
    [("feeds/missing.rss", "newsbot: no such file: feeds/missing.rss (sources add takes an http(s) feed URL or a "
                           "feed file)"),
     ("example.org/feed", "newsbot: no such file: example.org/feed (sources add takes an http(s) feed URL or a "
                          "feed file)"),
     ("feeds", "newsbot: feeds is a directory; `newsbot ingest feeds` adds every feed file in it"),
     ("ftp://example.org/feed", "newsbot: 'ftp://example.org/feed' is not an http(s) address")],
)
def test_sources_add_names_a_path_it_cannot_use(
    fresh: Path, capsys: pytest.CaptureFixture[str], target: str, expected: str
) -> None:
    (fresh / "feeds").mkdir()
    assert main(["sources", "add", target]) == 2
    captured = capsys.readouterr()
    assert captured.err == expected + "\n" and captured.out == ""


def test_sources_add_requires_the_url_only(capsys: pytest.CaptureFixture[str]) -> None:
    usage, reason = _usage_error(["sources", "add"], capsys)
    assert usage == "usage: newsbot sources add [-h] URL [NAME ...]"
    assert reason.endswith("the following arguments are required: URL")
    assert parse_arguments(["sources", "add", "https://example.org/feed"]).name == []


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The --help text of a (sub)command, as printed."""
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def _help_entries(text: str) -> dict[str, str]:
    """The arguments a --help text lists, each with its help in one line ('' when it has none)."""
    entries: dict[str, str] = {}
    name = ""
    for line in text.splitlines():
        if line.startswith("  ") and not line.startswith("   ") and name != "ACTION":
            name, _, about = line.strip().partition("  ")
            entries[name] = about.strip()
        elif line.startswith("   ") and name:
            entries[name] = f"{entries[name]} {line.strip()}".strip()
        elif not line.startswith(" "):
            name = ""
    return entries


def _sources_actions(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The actions `newsbot sources --help` lists."""
    listing = _help(["sources"], capsys).split("ACTION\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in listing.splitlines() if line.startswith("    ") and line[4] != " "]


@pytest.mark.parametrize(
    ("action", "expected"),
    [("add", {"URL": "an http(s) feed URL, a web page that links a feed, or a feed file (.txt",
              "NAME": "the name to list it under (default: the feed's title)"}),
     ("remove", {"ID": "the source's number, as `newsbot sources list` shows it"}),
     ("interval", {"ID": "the source's number", "INTERVAL": "how often: a number with m, h or d, e.g. 30m, 2h, "
                                                            "1h30m or 1d (5 minutes to 7 days)"}),
     ("import", {"FILE": "an OPML file"}),
     ("export", {"FILE": "where to write (default: standard output); file sources are left out"})],
)
def test_sources_positional_arguments_are_explained(
    action: str, expected: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    entries = _help_entries(_help(["sources", action], capsys))
    for name, text in expected.items():
        assert text in entries[name]


def test_the_interval_help_promises_the_range_parse_interval_keeps(capsys: pytest.CaptureFixture[str]) -> None:
    about = _help_entries(_help(["sources", "interval"], capsys))["INTERVAL"]
    shortest, longest = map(int, re.findall(r"\((\d+) minutes to (\d+) days\)", about)[0])
    assert (timedelta(minutes=shortest), timedelta(days=longest)) == (MIN_INTERVAL, MAX_INTERVAL)
    for typed in (f"{shortest}m", f"{longest}d"):
        assert parse_interval(typed) in (MIN_INTERVAL.total_seconds(), MAX_INTERVAL.total_seconds())


def test_every_sources_argument_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    actions = _sources_actions(capsys)
    assert actions == ["list", "add", "remove", "pause", "resume", "interval", "fulltext", "import", "export"]
    for action in actions:
        text = _help(["sources", action], capsys)
        entries = _help_entries(text)
        usage = text.split("\n\n", 1)[0].split(f"sources {action} ", 1)[1]
        positionals = re.findall(r"\{[^}]*\}|\b[A-Z][A-Z_]*\b", usage)  # ID, [NAME ...], {on,off}
        assert positionals and set(positionals) <= set(entries), f"sources {action}: {positionals} not all listed"
        assert all(entries.values()), f"sources {action}: an argument without help in {entries}"


@pytest.mark.parametrize("interval", ["0m", "0", "1m", "8d", "1x", "10080m1"])
def test_a_bad_interval_is_quoted_as_typed_in_the_bots_words(interval: str, capsys: pytest.CaptureFixture[str]) -> None:
    usage, reason = _usage_error(["sources", "interval", "2", interval], capsys)
    assert usage == "usage: newsbot sources interval [-h] ID INTERVAL"
    with pytest.raises(InvalidArgument) as refused:  # what /setinterval answers
        parse_interval(interval)
    assert reason.endswith(f"error: argument INTERVAL: {refused.value}") and f"'{interval}'" in reason
    assert "5 minutes" in reason and "7 days" in reason


@pytest.mark.parametrize(
    ("argv", "usage"),
    [(["search", "--foo"], "usage: newsbot search [--page N] WORDS..."),
     (["search", "greenland", "--foo"], "usage: newsbot search [--page N] WORDS..."),
     (["brief", "greenland", "-trump"], "usage: newsbot brief [-h] [--at AT] [TOPIC ...]"),
     (["digest", "--foo"], "usage: newsbot digest [-h] [--at AT]"),
     (["sources", "interval", "1", "1h", "--x"], "usage: newsbot sources interval [-h] ID INTERVAL"),
     (["sources", "--x"], "usage: newsbot sources [-h] ACTION ..."),
     (["--foo", "brief"], "usage: newsbot [-h] [--html] COMMAND ...")],
)
def test_an_unknown_argument_shows_its_subcommands_usage(
    argv: list[str], usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _usage_error(argv, capsys)
    assert lines[0] == usage
    assert lines[-1].endswith(f"error: unrecognized arguments: {argv[-1] if argv[0] != '--foo' else '--foo'}")


@pytest.mark.parametrize(
    ("argv", "query"),
    [(["search", "-trump", "greenland"], ["-trump", "greenland"]),
     (["--html", "search", "greenland", "-trump", "--page", "2"], ["greenland", "-trump"])],
)
def test_minus_words_stay_search_exclusions(argv: list[str], query: list[str]) -> None:
    assert sorted(parse_arguments(argv).query) == sorted(query)  # words in any order: the query is a set


async def _add_web_source(database_url: str) -> None:
    """A web feed in the database, without fetching it."""
    services = build_services(Settings(database_url=database_url))
    await services.start()
    try:
        async with services.sources.db.transaction() as session:
            await source_repo.add_source(session, "https://example.org/feed.xml", "Example", datetime.now(UTC))
    finally:
        await services.close()


def test_export_counts_the_sources_written_and_left_out(fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(_add_web_source(f"sqlite+aiosqlite:///{fresh}/x.db"))
    assert main(["sources", "export", "only-web.opml"]) == 0
    assert capsys.readouterr().out.strip() == "Wrote 1 source to only-web.opml."
    assert main(["ingest", str(SEEDS / "feeds")]) == 0
    capsys.readouterr()
    assert main(["sources", "export", "out.opml"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Wrote 1 source to out.opml; 3 file sources left out (OPML carries feed URLs only)."
    )
    written = (fresh / "out.opml").read_text()
    assert "https://example.org/feed.xml" in written and "file://" not in written
    assert main(["sources", "export"]) == 0
    captured = capsys.readouterr()
    assert "https://example.org/feed.xml" in captured.out and "file://" not in captured.out
    assert captured.err == "newsbot: exported 1 source; 3 file sources left out (OPML carries feed URLs only)\n"


def test_ingest_says_how_many_stories_got_the_text_a_first_read_missed(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = fresh / "wire.rss"
    original = (SEEDS / "feeds" / "world-wire.rss").read_text(encoding="utf-8")
    start = original.index("<description>Russian drones and missiles hit energy facilities")
    end = original.index("</description>", start)
    feed.write_text(original[:start] + "<description>" + original[end:], encoding="utf-8")  # its body unread
    assert main(["ingest", str(feed)]) == 0
    capsys.readouterr()
    feed.write_text(original, encoding="utf-8")
    assert main(["ingest", str(feed)]) == 0
    assert capsys.readouterr().out.strip().endswith(": 0 new, 5 already known (1 updated)")
    assert main(["search", "energy", "facilities"]) == 0
    assert "Kyiv" in capsys.readouterr().out
