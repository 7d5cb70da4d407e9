"""Schema upgrades: several bot processes starting together on one fresh database."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import PG_ADMIN_DSN

NEWSBOT = [sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())", "db", "upgrade"]


async def upgrade_concurrently(url: str, cwd: Path, processes: int = 3) -> list[int]:
    env = {**os.environ, "NEWSBOT_DATABASE_URL": url}
    procs = [await asyncio.create_subprocess_exec(*NEWSBOT, env=env, cwd=cwd) for _ in range(processes)]
    return [await proc.wait() for proc in procs]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
async def test_processes_upgrading_a_fresh_database_together_all_succeed(engine: str, tmp_path: Path) -> None:
    if engine == "sqlite":
        assert await upgrade_concurrently(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}", tmp_path) == [0, 0, 0]
        return
    name = f"newsbot_mig_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = PG_ADMIN_DSN.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0] + f"/{name}"
        assert await upgrade_concurrently(url, tmp_path) == [0, 0, 0]
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
