"""`newsbot demo`: the seeds loaded into a fresh SQLite file, and what a user would see."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from bot.settings import Settings
from news.messages import split_message
from news.render import render_briefing, render_search
from news.render_sources import ingested
from services.container import Services
from services.fetch import Fetcher
from storage.db import Database

DEMO_DB = Path("demo.db")
DEMO_NOW = datetime(2026, 1, 20, 18, 0, tzinfo=UTC)
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


async def run_demo(settings: Settings, seeds: str | None = None) -> list[str]:
    """Load the seeds into demo.db with the clock at the seeds' day; return the messages to show."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DEMO_DB}{suffix}").unlink(missing_ok=True)
    demo_settings = dataclasses.replace(settings, database_url=f"sqlite+aiosqlite:///{DEMO_DB}")
    services = Services(Database(demo_settings.database_url), Fetcher(), clock=lambda: DEMO_NOW)
    try:
        await services.start()
        results = await services.sources.ingest(str(Path(seeds) if seeds else SEEDS))
        loaded = [f"{r.name}: {r.error or ingested(r.new, r.duplicates, r.updated)}" for r in results]
        messages = [
            f"<b>newsbot demo</b>: seeds loaded into {DEMO_DB} with the clock at {DEMO_NOW:%Y-%m-%d %H:%M} UTC, "
            "the day of the sample headlines.\n" + "\n".join(loaded),
            "<b>&gt; /brief</b>",
            *split_message(render_briefing(await services.briefs.brief())),
            "<b>&gt; /search kherson</b>",
            render_search(await services.briefs.search("kherson")),
            "<b>&gt; /digest</b>",
            *services.digests.render(await services.digests.digest_for(DEMO_NOW)),
        ]
    finally:
        await services.close()
    return messages
