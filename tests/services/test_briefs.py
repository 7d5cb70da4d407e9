"""Briefs read the archive behind the day: earlier stories tell the grouping which words are common."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from news.errors import InvalidArgument
from news.models import Briefing, Entry
from services.container import Services
from services.fetch import Fetcher
from storage import sources, stories
from storage.db import Database
from tests.conftest import FakeClock

TODAY = [
    ("Senate passes farm bill after long debate", "The Senate passed the farm bill on Tuesday, officials said."),
    ("UK economy shrinks in third quarter", "Britain's economy shrank on Tuesday, officials said, as spending fell."),
    ("Wildfire forces thousands to flee", "A wildfire forced thousands to flee on Tuesday, officials said."),
    ("Apple unveils new iPhone", "Apple unveiled its new iPhone on Tuesday with a faster chip, officials said."),
    ("Flooding hits northern Italy", "Heavy rain flooded towns in northern Italy on Tuesday, officials said."),
    ("World chess champion to retire", "The world chess champion said on Tuesday he would retire, officials said."),
]
TOPICS = ["port", "school", "bridge", "museum", "airline", "hospital", "election", "harvest", "stadium", "railway"]


@pytest.fixture
async def services(db: Database, clock: FakeClock) -> AsyncIterator[Services]:
    fetcher = Fetcher()
    yield Services(db, fetcher, clock=clock, default_timezone="UTC")
    await fetcher.close()


async def store(db: Database, clock: FakeClock, items: list[tuple[str, str]], hours_ago: float) -> None:
    async with db.transaction() as session:
        source = await sources.add_source(session, f"https://{hours_ago}.example/rss", f"Wire {hours_ago}", clock())
        when = clock() - timedelta(hours=hours_ago)
        entries = [Entry(title, f"https://{hours_ago}.example/{i}", None, text, when) for i, (title, text) in
                   enumerate(items)]
        await stories.store_entries(session, source.id, entries, clock())


async def test_words_the_archive_finds_everywhere_do_not_make_one_event(
    services: Services, db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six unrelated reports 'on Tuesday, officials said': alone they look alike; the archive says those words are
    common, and the brief keeps the six apart."""
    await store(db, clock, TODAY, hours_ago=2)
    earlier = [(f"{topic.title()} plan {n} approved", f"The {topic} plan {n} was approved on Tuesday, officials said.")
               for n in range(6) for topic in TOPICS]
    monkeypatch.setattr("services.briefs.BACKGROUND_STORIES", 0)
    alone = await services.briefs.brief()
    await store(db, clock, earlier, hours_ago=48)
    monkeypatch.undo()
    informed = await services.briefs.brief()
    assert len(alone.groups) < len(informed.groups)
    assert len(informed.groups) >= 5 and informed.story_count == len(TODAY)


async def test_an_acronym_is_a_topic(services: Services, db: Database, clock: FakeClock) -> None:
    await store(db, clock, [*TODAY, ("US imposes tariffs on Canadian steel", "Washington said on Tuesday.")], 2)
    briefing = await services.briefs.brief(["US"])
    assert [group.headline for group in briefing.groups] == ["US imposes tariffs on Canadian steel"]
    with pytest.raises(InvalidArgument, match="a topic needs a word"):
        await services.briefs.brief(["us"])


async def test_a_brief_at_a_date_is_that_whole_day(services: Services, db: Database, clock: FakeClock) -> None:
    """The clock says 20 Jan 18:00: stories of the 19th at noon, the 20th at noon and the 20th at 23:30."""
    await store(db, clock, TODAY[:1], hours_ago=30)
    await store(db, clock, TODAY[1:2], hours_ago=6)
    await store(db, clock, TODAY[2:3], hours_ago=-5.5)
    day = await services.briefs.brief(at=date(2026, 1, 20))
    assert day.title == "Top stories · 20 Jan 2026"
    assert _titles(day) == {title for title, _ in TODAY[1:3]}
    assert _titles(await services.briefs.brief(at=date(2026, 1, 19))) == {TODAY[0][0]}
    at_midnight = await services.briefs.brief(at=datetime(2026, 1, 20, tzinfo=UTC))  # a time: the day up to it
    assert _titles(at_midnight) == {TODAY[0][0]}


def _titles(briefing: Briefing) -> set[str]:
    return {story.title for group in briefing.groups for story in group.stories}
