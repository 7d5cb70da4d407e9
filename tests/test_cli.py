"""bot.settings and the `newsbot` command line, run in-process against a SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import cli as cli_module
from bot.app import build_services
from bot.cli import EXIT_BROKEN_PIPE, ShortTelegramErrors, main
from bot.cli_parser import build_parser, parse_arguments
from bot.settings import DEFAULT_API_URL, DEFAULT_DATABASE_URL, ConfigError, Settings, load_environment
from news.query import QUERY_LANGUAGE
from services.sources import FILE_SUFFIXES

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TOKEN = "123456:ABC-def_ghi"
LATER = datetime(2030, 1, 1, tzinfo=UTC)  # after every seed and every ingest
SUBCOMMANDS = ["run", "demo", "ingest", "brief", "search", "digest", "sources", "db"]


# ---------------------------------------------------------------- settings


def test_settings_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.token is None
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.admins == frozenset()
    assert settings.api_url == DEFAULT_API_URL
    assert settings.timezone == "UTC"
    assert settings.allow_private_urls is False
    assert settings.tick_seconds == 60.0
    assert settings.log_level == "INFO"


@pytest.mark.parametrize(
    ("env", "field", "expected"),
    [
        ({"NEWSBOT_TOKEN": f"  {TOKEN}  "}, "token", TOKEN),
        ({"NEWSBOT_TOKEN": "   "}, "token", None),
        ({"NEWSBOT_DATABASE_URL": "sqlite+aiosqlite:///x.db"}, "database_url", "sqlite+aiosqlite:///x.db"),
        ({"NEWSBOT_DATABASE_URL": "postgresql+asyncpg://u:p@h/db"}, "database_url", "postgresql+asyncpg://u:p@h/db"),
        ({"NEWSBOT_ADMINS": "1, 2;3"}, "admins", frozenset({1, 2, 3})),
        ({"NEWSBOT_ADMINS": "-100123"}, "admins", frozenset({-100123})),
        ({"NEWSBOT_ADMINS": " , "}, "admins", frozenset()),
        ({"NEWSBOT_API_URL": "http://127.0.0.1:8081/bot"}, "api_url", "http://127.0.0.1:8081/bot"),
        ({"NEWSBOT_TIMEZONE": "europe/kyiv"}, "timezone", "Europe/Kyiv"),
        ({"NEWSBOT_TIMEZONE": ""}, "timezone", "UTC"),
        ({"NEWSBOT_ALLOW_PRIVATE_URLS": "1"}, "allow_private_urls", True),
        ({"NEWSBOT_ALLOW_PRIVATE_URLS": "YES"}, "allow_private_urls", True),
        ({"NEWSBOT_ALLOW_PRIVATE_URLS": " on "}, "allow_private_urls", True),
        ({"NEWSBOT_ALLOW_PRIVATE_URLS": "false"}, "allow_private_urls", False),
        ({"NEWSBOT_ALLOW_PRIVATE_URLS": "0"}, "allow_private_urls", False),
        ({"NEWSBOT_TICK_SECONDS": "0.05"}, "tick_seconds", 0.05),
        ({"NEWSBOT_TICK_SECONDS": "3600"}, "tick_seconds", 3600.0),
        ({"NEWSBOT_LOG_LEVEL": "debug"}, "log_level", "DEBUG"),
        ({}, "state_dir", None),
        ({"NEWSBOT_STATE_DIR": "/srv/newsbot"}, "state_dir", Path("/srv/newsbot")),
        ({"NEWSBOT_DATABASE_URL": "postgresql+asyncpg://u@h/db", "HOME": "/home/bot"}, "state_dir",
         Path("/home/bot/.local/state/newsbot")),
        ({"NEWSBOT_DATABASE_URL": "postgresql+asyncpg://u@h/db", "XDG_STATE_HOME": "/var/lib/x"}, "state_dir",
         Path("/var/lib/x/newsbot")),
    ],
)
def test_settings_good_values(env: dict[str, str], field: str, expected: object) -> None:
    assert getattr(Settings.from_env(env), field) == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NEWSBOT_TOKEN", "not-a-token"),
        ("NEWSBOT_TOKEN", "123456"),
        ("NEWSBOT_TOKEN", "abc:def"),
        ("NEWSBOT_TOKEN", "123:has space"),
        ("NEWSBOT_DATABASE_URL", "mysql://u:p@localhost/db"),
        ("NEWSBOT_DATABASE_URL", "sqlite:///plain-driver.db"),
        ("NEWSBOT_DATABASE_URL", "postgresql://u@h/db"),
        ("NEWSBOT_DATABASE_URL", "not a url"),
        ("NEWSBOT_ADMINS", "alice"),
        ("NEWSBOT_ADMINS", "1,two,3"),
        ("NEWSBOT_ADMINS", "12,³"),
        ("NEWSBOT_ADMINS", "1.5"),
        ("NEWSBOT_API_URL", "ftp://api.example/bot"),
        ("NEWSBOT_API_URL", "api.telegram.org/bot"),
        ("NEWSBOT_API_URL", "javascript:alert(1)"),
        ("NEWSBOT_TIMEZONE", "Mars/Olympus"),
        ("NEWSBOT_TIMEZONE", "../etc/passwd"),
        ("NEWSBOT_ALLOW_PRIVATE_URLS", "maybe"),
        ("NEWSBOT_ALLOW_PRIVATE_URLS", "2"),
        ("NEWSBOT_TICK_SECONDS", "soon"),
        ("NEWSBOT_TICK_SECONDS", "0"),
        ("NEWSBOT_TICK_SECONDS", "-5"),
        ("NEWSBOT_TICK_SECONDS", "3601"),
        ("NEWSBOT_TICK_SECONDS", "nan"),
        ("NEWSBOT_TICK_SECONDS", "inf"),
        ("NEWSBOT_LOG_LEVEL", "LOUD"),
        ("NEWSBOT_DIGEST_MAX_LATE_HOURS", "0"),
        ("NEWSBOT_DIGEST_MAX_LATE_HOURS", "0.5"),
        ("NEWSBOT_DIGEST_MAX_LATE_HOURS", "169"),
        ("NEWSBOT_STATE_DIR", "/etc/passwd"),
    ],
)
def test_settings_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_a_max_lateness_that_would_skip_every_digest_is_refused_with_the_reason() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"NEWSBOT_DIGEST_MAX_LATE_HOURS": "0"})
    assert str(caught.value) == (
        "NEWSBOT_DIGEST_MAX_LATE_HOURS must be a number from 1 to 168, not '0' (every digest goes out a little after "
        "its minute, so less than an hour would skip them)"
    )
    assert Settings.from_env({"NEWSBOT_DIGEST_MAX_LATE_HOURS": "1"}).digest_max_late_hours == 1.0


def test_require_token() -> None:
    assert Settings.from_env({"NEWSBOT_TOKEN": TOKEN}).require_token() == TOKEN
    with pytest.raises(ConfigError, match="NEWSBOT_TOKEN"):
        Settings.from_env({}).require_token()


def test_load_environment_merges_dotenv_under_environment(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# comment\nNEWSBOT_TIMEZONE=Europe/Kyiv\nNEWSBOT_ADMINS=1,2\nexport NEWSBOT_LOG_LEVEL=debug\n"
        "NEWSBOT_TOKEN='123:quoted'\nEMPTY\n"
    )
    env = load_environment({"NEWSBOT_ADMINS": "7", "OTHER": "x"}, dotenv=dotenv)
    assert env["NEWSBOT_TIMEZONE"] == "Europe/Kyiv"
    assert env["NEWSBOT_ADMINS"] == "7"  # the environment wins
    assert env["NEWSBOT_LOG_LEVEL"] == "debug"
    assert env["NEWSBOT_TOKEN"] == "123:quoted"
    assert env["OTHER"] == "x"
    assert "EMPTY" not in env
    settings = Settings.from_env(env)
    assert (settings.timezone, settings.admins, settings.log_level) == ("Europe/Kyiv", frozenset({7}), "DEBUG")


@pytest.mark.parametrize("exists", [False, True], ids=["missing-file", "directory"])
def test_load_environment_without_dotenv_file(tmp_path: Path, exists: bool) -> None:
    path = tmp_path / ".env"
    if exists:
        path.mkdir()
    assert load_environment({"A": "1"}, dotenv=path) == {"A": "1"}


def test_load_environment_defaults_to_cwd_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("NEWSBOT_TIMEZONE=Asia/Tokyo\n")
    assert load_environment({})["NEWSBOT_TIMEZONE"] == "Asia/Tokyo"
    monkeypatch.delenv("NEWSBOT_TIMEZONE", raising=False)
    assert load_environment()["NEWSBOT_TIMEZONE"] == "Asia/Tokyo"


# ---------------------------------------------------------------- command line


def _clear_newsbot_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("NEWSBOT_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int, str]]:
    """A database with the seeds ingested once for the module: (directory, exit code, ingest output)."""
    directory = tmp_path_factory.mktemp("cli")
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        _clear_newsbot_env(patch)
        patch.setenv("NEWSBOT_DATABASE_URL", f"sqlite+aiosqlite:///{directory}/x.db")
        patch.chdir(directory)
        with contextlib.redirect_stdout(err):
            code = main(["ingest", str(SEEDS)])
    yield directory, code, err.getvalue()


@pytest.fixture
def cli(seeded: tuple[Path, int, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = seeded[0]
    _clear_newsbot_env(monkeypatch)
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", f"sqlite+aiosqlite:///{directory}/x.db")
    monkeypatch.chdir(directory)
    return directory


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _clear_newsbot_env(monkeypatch)
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/x.db")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_ingest_seeds(seeded: tuple[Path, int, str]) -> None:
    _, code, err = seeded
    assert code == 0
    for line in ("World Wire: 3 new, 2 already known", "Europe Desk: 4 new", "Morning Briefs: 3 new", ": 18 new"):
        assert line in err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["search", "Kherson", "--page", "1"], ["1 match", "Kherson"]),
        (["--html", "search", "kherson"], ["<b>1 match</b>", "Kherson"]),
        (["brief", "--at", "2026-01-20T18:00Z"], ["Top stories", "20 Jan 2026", "Greenland"]),
        (["brief", "--at", "2026-01-20T18:00:00+00:00", "greenland"], ["Top stories", "Greenland"]),
        (["digest", "--at", "2026-01-20T18:00Z"], ["Daily digest", "20 Jan 2026"]),
        (["brief", "--at", "2026-01-20"], ["Top stories · 20 Jan 2026", "Greenland"]),  # a date: that whole day
        (["digest", "--at", "2026-01-20"], ["Daily digest · 20 Jan 2026", "Greenland"]),
        (["sources"], ["4 sources", "World Wire", "Europe Desk", "Morning Briefs", "ok, fetched"]),
        (["db", "upgrade"], ["Database schema is up to date."]),
    ],
)
def test_read_commands(cli: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: list[str]) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    for text in expected:
        assert text in out
    if "--html" not in argv:
        assert "<b>" not in out and "</i>" not in out


@pytest.mark.parametrize("argv", [["brief", "🇺🇦"], ["brief", "--at", "2026-01-20T18:00Z", "!!!"]])
def test_a_brief_topic_without_words_returns_2(cli: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "a topic needs a word" in captured.err and captured.out == ""


EXCLUSION_ALONE = "-word leaves a word out: add at least one word to look for, e.g. newsbot search greenland -ice"


@pytest.mark.parametrize(
    ("query", "reason"),
    [(["*"], f"usage: newsbot search [--page N] WORDS... - {QUERY_LANGUAGE}"),
     (["--", "-x"], EXCLUSION_ALONE),
     (["since:7d", "source:wire"], "Filters narrow a search: add at least one word, e.g. newsbot search greenland"
      " source:world"),
     (["-greenland"], EXCLUSION_ALONE)],
)
def test_useless_search_returns_2_with_what_it_lacks(
    cli: Path, capsys: pytest.CaptureFixture[str], query: list[str], reason: str
) -> None:
    assert main(["search", *query]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"newsbot: {reason}\n"
    assert "/search" not in captured.err and captured.out == ""


@pytest.mark.parametrize(
    "query",
    [["-trump", "greenland"], ["greenland", "-trump"], ["--page", "1", "-trump", "greenland"],
     ["greenland", "-trump", "--page", "1"], ["-hamas", "-page", "greenland", "-trump"], ["--", "-trump", "greenland"]],
)
def test_a_leading_minus_word_is_an_exclusion_not_an_option(
    cli: Path, capsys: pytest.CaptureFixture[str], query: list[str]
) -> None:
    assert main(["search", *query]) == 0
    out = capsys.readouterr().out
    assert "matches for greenland" in out and "-trump" in out


@pytest.mark.parametrize("argv", [["search", "-h"], ["search", "--help"]])
def test_search_help_quotes_the_query_language(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "usage: newsbot search [--page N] WORDS..." in out
    assert " ".join(QUERY_LANGUAGE.split()) in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(["ingest", "--help"], f"PATH_OR_URL an http(s) feed URL, a feed or story file ({' '.join(FILE_SUFFIXES)})"),
     (["brief", "--help"], "TOPIC words the stories must be about"),
     (["digest", "--help"], "from 1970-01-02 to 9998-12-31")],
)
def test_positional_arguments_are_explained(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(argv)
    assert expected in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("argv", [["search", "x", "--html"], ["search", "--pages", "2", "x"], ["brief", "-x"]])
def test_unknown_double_dash_options_are_still_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["sources"], ["search", "kherson"], ["brief"], ["digest"], ["db", "upgrade"], ["ingest", "nowhere"], ["demo"],
     ["run"]],
)
@pytest.mark.parametrize(
    ("name", "value"),
    [("NEWSBOT_TIMEZONE", "Mars/Olympus"), ("NEWSBOT_TICK_SECONDS", "soon"), ("NEWSBOT_DATABASE_URL", "mysql://x/y")],
)
def test_bad_environment_is_a_configuration_error(
    fresh: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], name: str,
    value: str,
) -> None:
    monkeypatch.setenv(name, value)
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("newsbot: configuration error: ")
    assert name in lines[0]
    assert captured.out == ""


def test_bad_dotenv_is_a_configuration_error(fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (fresh / ".env").write_text("NEWSBOT_ADMINS=alice\n")
    assert main(["sources"]) == 2
    assert "configuration error: NEWSBOT_ADMINS" in capsys.readouterr().err


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_subcommand_help_exits_0(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert f"usage: newsbot {command}" in capsys.readouterr().out


def test_every_subcommand_is_covered() -> None:
    listing = build_parser().format_help().split("COMMAND\n", 1)[1].split("\n\n", 1)[0]
    choices = [line.split()[0] for line in listing.splitlines() if line.startswith("    ") and line[4] != " "]
    assert set(SUBCOMMANDS) <= set(choices) and "stats" in choices


@pytest.mark.parametrize(
    ("argv", "reason"),
    [(["search", "x", "--page", "²"], "'²' is not a page number"),
     (["search", "x", "--page", "٣"], "'٣' is not a page number"),
     (["run", "--listen", "0.0.0.0:²"], "'0.0.0.0:²' is not HOST:PORT")],
)
def test_numbers_in_arguments_are_ascii_digits(
    argv: list[str], reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert f"error: argument {argv[-2]}: {reason}" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [[], ["frobnicate"], ["brief", "--at", "tomorrow"], ["db"], ["db", "downgrade"], ["search"], ["ingest"],
     ["search", "x", "--page", "one"]],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "usage: newsbot" in capsys.readouterr().err


def test_run_without_token_returns_2(fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "NEWSBOT_TOKEN" in err
    assert len(err.strip().splitlines()) == 1


def test_listen_without_a_webhook_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--listen", "0.0.0.0:8443"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: newsbot run" in err
    assert err.strip().endswith("error: --listen is where the webhook server listens: give --webhook URL too, or "
                                "drop --listen to long-poll")
    assert parse_arguments(["run", "--webhook", "https://bot.example/hook"]).listen is None  # the default applies


def test_the_job_scheduler_logs_only_warnings_at_the_info_level(
    fresh: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """apscheduler logs two INFO lines per job run, and the two jobs run every tick."""
    monkeypatch.setenv("NEWSBOT_LOG_LEVEL", "INFO")
    scheduler = logging.getLogger("apscheduler")
    previous = scheduler.level
    scheduler.setLevel(logging.NOTSET)
    try:
        assert main(["run"]) == 2  # no token: stops after the logging is set up
        assert scheduler.level == logging.WARNING  # whatever the root logger lets through
        assert logging.getLogger("apscheduler.executors.default").getEffectiveLevel() == logging.WARNING
    finally:
        scheduler.setLevel(previous)


def test_ingest_missing_path_reports_error(fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(fresh / "missing.rss")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsbot: ") and "missing.rss" in err
    assert len(err.strip().splitlines()) == 1


def test_demo(fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for text in ("newsbot demo", "/brief", "/search kherson", "Kherson", "/digest", "Daily digest"):
        assert text in out
    assert (fresh / "demo.db").is_file()


def test_ingest_failure_is_reported_with_exit_code_1(fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (fresh / "bad.json").write_text("{not json", encoding="utf-8")
    assert main(["ingest", str(fresh / "bad.json"), str(SEEDS / "feeds" / "briefs.json")]) == 1
    out, err = capsys.readouterr()
    assert "error: not valid JSON" in out and "Morning Briefs: 3 new" in out
    assert err.strip() == "newsbot: 1 of 2 sources could not be ingested"


@pytest.mark.parametrize(
    "url",
    ["sqlite+aiosqlite:////nonexistent/dir/x.db", "postgresql+asyncpg://user:secret@127.0.0.1:1/x"],
)
def test_unusable_database_is_one_line_and_exit_2(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _clear_newsbot_env(monkeypatch)
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", url)
    assert main(["sources"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("newsbot: ") and "database" in err.lower() and "\n" not in err and "secret" not in err


def test_grouping_setting_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import ConfigError, Settings
    from news import embeddings

    assert Settings.from_env({}).grouping == "lexical"
    with pytest.raises(ConfigError, match="NEWSBOT_GROUPING must be"):
        Settings.from_env({"NEWSBOT_GROUPING": "magic"})
    monkeypatch.setattr(embeddings, "available", lambda: False)
    with pytest.raises(ConfigError, match=r"newsbot\[embeddings\]"):
        Settings.from_env({"NEWSBOT_GROUPING": "mixed"})


def test_source_changes_answer_like_the_bot_naming_cli_commands(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(SEEDS / "feeds" / "briefs.json")]) == 0
    name = "Source #1 Morning Briefs"
    expected = [
        ("pause 1", f"⏸ {name} is paused: not fetched until newsbot sources resume 1."),
        ("pause 1", f"⏸ {name} was already paused: not fetched until newsbot sources resume 1."),
        ("resume 1", f"▶️ {name} is resumed: I will check it now."),
        ("resume 1", f"▶️ {name} was not paused; I will check it now."),
        ("interval 1 2h", f"✅ {name} is now checked every 2h."),
        ("fulltext 1 off", "✅ Full text for #1 Morning Briefs is off."),
        ("remove 1", "✅ Removed source #1 Morning Briefs. Its stories stay searchable."),
        ("list", "No sources yet. Admins add one with newsbot sources add URL."),
    ]
    capsys.readouterr()
    for argv, answer in expected:
        assert main(["sources", *argv.split()]) == 0
        assert capsys.readouterr().out.strip() == answer


@pytest.fixture
def ptb_loop() -> None:
    """An open event loop for Application.run_polling, which runs on (and then closes) the current one."""
    asyncio.set_event_loop(asyncio.new_event_loop())


def test_run_with_an_unreachable_bot_api_is_one_line_and_exit_1(
    fresh: Path, ptb_loop: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSBOT_TOKEN", "123456:unreachable")
    monkeypatch.setenv("NEWSBOT_API_URL", "http://127.0.0.1:9/bot")
    assert main(["run"]) == 1
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("newsbot: cannot reach the Telegram Bot API at http://127.0.0.1:9/bot")


def test_a_state_directory_that_cannot_be_made_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db", state_dir=tmp_path / "file" / "state")
    with pytest.raises(ConfigError, match="NEWSBOT_STATE_DIR: cannot create"):
        build_services(replace(settings, state_dir_set=True), delivering=True)


async def test_an_unusable_default_state_directory_only_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "file").write_text("")
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db", state_dir=tmp_path / "file" / "state")
    services = build_services(settings, delivering=True)
    assert services.digests.sent_log is None and "no sent log: cannot create" in caplog.text
    await services.close()


async def test_only_the_bot_itself_keeps_a_sent_log(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db")
    quiet = build_services(settings)
    delivering = build_services(settings, delivering=True)
    assert quiet.digests.sent_log is None
    assert delivering.digests.sent_log is not None and delivering.digests.sent_log.directory == tmp_path / "x.db.sent"
    await quiet.close()
    await delivering.close()


# ---------------------------------------------------------------- reviewer's findings, pinned


def test_a_closed_stdout_pipe_ends_quietly(cli: Path) -> None:
    """`newsbot search greenland | head -1`: the reader goes before the output is written."""
    env = {**os.environ, "NEWSBOT_DATABASE_URL": f"sqlite+aiosqlite:///{cli}/x.db"}
    command = [sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())", "search", "greenland"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cli)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == EXIT_BROKEN_PIPE
    assert err == ""


@pytest.mark.parametrize(
    ("error", "expected"),
    [(BrokenPipeError(32, "Broken pipe"), ""),
     (PermissionError(13, "Permission denied", "demo.db"), "newsbot: cannot use demo.db: Permission denied\n"),
     (OSError(28, "No space left on device"), "newsbot: system error: No space left on device\n")],
)
def test_an_oserror_that_is_not_the_databases_is_not_called_a_database_error(
    cli: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: OSError, expected: str
) -> None:
    def fail(messages: object, as_html: bool) -> None:
        raise error

    monkeypatch.setattr(cli_module, "_print", fail)
    assert main(["sources"]) == (EXIT_BROKEN_PIPE if isinstance(error, BrokenPipeError) else 2)
    assert capsys.readouterr().err == expected


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(["export", "/nonexistent/x.opml"], "newsbot: cannot write /nonexistent/x.opml: No such file or directory"),
     (["import", "/nonexistent/x.opml"], "newsbot: cannot read /nonexistent/x.opml: No such file or directory"),
     (["import", "."], "newsbot: cannot read .: Is a directory")],
)
def test_opml_files_that_cannot_be_used_are_named(
    cli: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    assert main(["sources", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.err == expected + "\n" and captured.out == ""


@pytest.mark.parametrize(
    "argv",
    [["brief", "--at", "0001-01-01"], ["brief", "--at", "9999-12-31T23:59:59"], ["digest", "--at", "0001-01-01"],
     ["digest", "--at", "0001-01-01T00:00+01:00"], ["brief", "--at", "1969-12-31T23:59Z"],
     ["digest", "--at", "9999-01-01"]],
)
def test_instants_outside_the_supported_years_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"argument --at: '{argv[2]}' is not an ISO 8601 time like 2026-01-20T18:00Z" in last
    assert "from 1970-01-02 to 9998-12-31" in last


@pytest.mark.parametrize("command", ["brief", "digest"])
@pytest.mark.parametrize("at", ["1970-01-02T00:00Z", "9998-12-31T23:59:59Z", "9998-12-31T23:59:59-00:00"])
def test_the_edges_of_the_supported_years_work(
    cli: Path, capsys: pytest.CaptureFixture[str], command: str, at: str
) -> None:
    assert main([command, "--at", at]) == 0
    assert "No " in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(["brief", "nothingatall"], "No stories about 'nothingatall' today."),
     (["brief", "--at", "2026-01-20T18:00Z", "nothing", "at", "all"],
      "No stories about 'nothing at all' in the day up to 20 Jan 2026 18:00 UTC."),
     (["brief", "--at", "2025-01-20T18:00Z"], "No stories in the day up to 20 Jan 2025 18:00 UTC."),
     (["brief"], "No stories in the last day yet."),
     (["brief", "--at", "2026-01-21"], "No stories on 21 Jan 2026."),
     (["brief", "--at", "2026-01-21", "greenland"], "No stories about 'greenland' on 21 Jan 2026.")],
)
def test_an_empty_brief_says_what_was_asked(
    cli: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    assert main(argv, clock=lambda: LATER) == 0
    assert capsys.readouterr().out.strip().endswith(expected)


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_the_bot_api_retry_loop_logs_one_warning_line_unless_debugging(
    fresh: Path, ptb_loop: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, level: str
) -> None:
    monkeypatch.setenv("NEWSBOT_TOKEN", "123456:unreachable")
    monkeypatch.setenv("NEWSBOT_API_URL", "http://127.0.0.1:9/bot")
    monkeypatch.setenv("NEWSBOT_LOG_LEVEL", level)
    caplog.set_level(logging.DEBUG, logger="telegram")
    assert main(["run"]) == 1
    record = next(r for r in caplog.records if "Aborting" in r.getMessage())
    if level == "DEBUG":
        assert record.levelname == "ERROR" and record.exc_info is not None
    else:
        assert record.levelname == "WARNING" and record.exc_info is None and "Traceback" not in caplog.text
        assert record.getMessage().endswith("(httpx.ConnectError: All connection attempts failed)")


def test_a_refused_private_address_names_the_setting_that_allows_it(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", "http://127.0.0.1:1/x"]) == 1
    out = capsys.readouterr().out
    assert "non-public address (127.0.0.1); refused (the setting NEWSBOT_ALLOW_PRIVATE_URLS=1 allows" in out
    assert Settings.from_env({"NEWSBOT_ALLOW_PRIVATE_URLS": "1"}).allow_private_urls is True


@pytest.fixture(autouse=True)
def _telegram_log_filters_removed() -> Iterator[None]:
    """main() shortens python-telegram-bot's error records; other modules' tests see them whole."""
    yield
    for name in ("telegram", "telegram.ext"):
        target = logging.getLogger(name)
        for installed in [f for f in target.filters if isinstance(f, ShortTelegramErrors)]:
            target.removeFilter(installed)
