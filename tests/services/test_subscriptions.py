"""Subscription service: refused arguments change nothing; 'all' alone clears the topics; Z is UTC."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import time

import pytest

from news.errors import InvalidArgument
from services.container import Services
from services.fetch import Fetcher
from storage.db import Database
from tests.conftest import FakeClock


@pytest.fixture
async def services(db: Database, clock: FakeClock) -> AsyncIterator[Services]:
    fetcher = Fetcher()
    yield Services(db, fetcher, clock=clock, default_timezone="Europe/Kyiv")
    await fetcher.close()


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["🇺🇦"], "'🇺🇦' has no word a story could be about"),
        (["07:30", "!!!"], "'!!!' has no word a story could be about"),
        (["all", "kazakhstan"], "'all' means every story, so it cannot go with topics"),
        (["07:30", "Etc/GMT+3"], "'Etc/GMT\\+3' is a UTC offset with its sign reversed \\(it means UTC-3\\)"),
    ],
)
async def test_a_refused_argument_keeps_the_subscription(services: Services, args: list[str], reason: str) -> None:
    before, _ = await services.subscriptions.subscribe(5, ["09:00", "Europe/Kyiv", "met", "gala"])
    with pytest.raises(InvalidArgument, match=reason):
        await services.subscriptions.subscribe(5, args)
    assert await services.subscriptions.get(5) == before
    assert sorted(before.topics) == ["gala", "met"]


async def test_all_alone_clears_the_topics(services: Services) -> None:
    await services.subscriptions.subscribe(5, ["kazakhstan"])
    cleared, changed = await services.subscriptions.subscribe(5, ["all"])
    assert changed and cleared.topics == ()


async def test_z_after_a_time_is_utc(services: Services) -> None:
    subscription, _ = await services.subscriptions.subscribe(5, ["07:30", "Z"])
    assert (subscription.at, subscription.timezone, subscription.topics) == (time(7, 30), "UTC", ())
