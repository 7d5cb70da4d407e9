"""Shared fixtures: a fake clock and real databases (SQLite and PostgreSQL), migrated by Alembic."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text

from storage.db import Database

os.environ.setdefault("PTB_TIMEDELTA", "1")  # opt in to python-telegram-bot's timedelta retry_after, as bot/cli.py does
PG_ADMIN_DSN = os.environ.get("NEWSBOT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TABLES = "deliveries, subscriptions, story_links, stories, sources"


def run_in_thread(make: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run a coroutine to completion on a loop of its own (session fixtures may start inside a test's loop)."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, make()).result()


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 1, 20, 18, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = Database(f"sqlite+aiosqlite:///{path}")

    async def build() -> None:
        await database.upgrade()
        await database.dispose()

    run_in_thread(build)
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"newsbot_test_{uuid.uuid4().hex[:10]}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    run_in_thread(lambda: admin(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_DSN.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0] + f"/{name}"

    async def migrate() -> None:
        database = Database(url)
        await database.upgrade()
        await database.dispose()

    run_in_thread(migrate)
    yield url
    run_in_thread(lambda: admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def empty_database(request: pytest.FixtureRequest, engine: str, tmp_path: Path) -> Database:
    """A migrated, empty database: a copy of the SQLite template, or the session's PostgreSQL one truncated."""
    if engine == "sqlite":
        path = tmp_path / "newsbot.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return Database(f"sqlite+aiosqlite:///{path}")
    database = Database(request.getfixturevalue("postgres_url"))
    async with database.transaction() as session:
        await session.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    return database


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database of each engine."""
    database = await empty_database(request, request.param, tmp_path)
    yield database
    await database.dispose()


@pytest.fixture
async def sqlite_db(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Database]:
    """A migrated, empty SQLite database, for tests that are not about the engine."""
    path = tmp_path / "newsbot.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite+aiosqlite:///{path}")
    yield database
    await database.dispose()
