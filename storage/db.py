"""The database handle: async engine, sessions, and schema upgrades through Alembic."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from news.errors import InvalidArgument

logger = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")
SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


def check_database_url(url: str) -> str:
    """Validate a SQLAlchemy URL for one of the supported async drivers; raise InvalidArgument."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InvalidArgument(f"not a database URL: {exc}") from None
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise InvalidArgument(
            f"unsupported database driver '{parsed.drivername}'; use one of {', '.join(SUPPORTED_DRIVERS)}"
        )
    folder = Path(parsed.database).expanduser().parent if parsed.database and parsed.database != ":memory:" else None
    if parsed.drivername.startswith("sqlite") and folder is not None and not folder.is_dir():
        raise InvalidArgument(f"the folder of the SQLite database does not exist: {folder}")
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class DatabaseUnavailable(Exception):
    """The database could not be reached or opened (an OSError of its driver, kept as the cause)."""


class Database:
    """One engine and its session factory; each service call opens its own session."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = check_database_url(url)
        remote = not url.startswith("sqlite")  # a file cannot drop the connection; a server can
        # Search plans depend on how common the words asked for are, which a generic plan cannot see.
        settings = {"server_settings": {"plan_cache_mode": "force_custom_plan"}} if remote else {}
        self.engine = create_async_engine(url, echo=echo, pool_pre_ping=remote, connect_args=settings)
        self.dialect = self.engine.dialect.name
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def upgrade(self) -> None:
        """Bring the schema to the newest Alembic revision; raise DatabaseUnavailable when it cannot connect."""
        try:
            async with self.engine.begin() as connection:
                await connection.run_sync(_run_upgrade)
        except OSError as exc:
            raise DatabaseUnavailable(str(exc) or type(exc).__name__) from exc
        logger.info("database schema is up to date (%s)", self.dialect)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


MIGRATION_LOCK = 7_215_020_260  # any constant: one migrating process at a time on a shared PostgreSQL


def _run_upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Several bot processes may start together: the lock makes the others wait, then find the schema at head.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock first: others wait (busy_timeout)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
