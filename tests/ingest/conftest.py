"""A fake web serving the corpus (httpx.MockTransport) and services over each database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from services.container import Services
from services.fetch import Fetcher
from storage.db import Database
from tests.conftest import FakeClock

CORPUS = Path(__file__).resolve().parent / "corpus"
Route = Callable[[httpx.Request], httpx.Response]


class Web:
    """Serves corpus files at /NAME and extra routes; resolves every *.example host to a public address."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path in self.routes:
            return self.routes[path](request)
        file = CORPUS / path.lstrip("/")
        if file.is_file():
            return httpx.Response(200, content=file.read_bytes())
        return httpx.Response(404)


async def resolve(host: str, port: int) -> list[str]:
    """Public documentation-range-free addresses for the fake hosts, private ones for the hostile names."""
    return {"metadata.example": ["169.254.169.254"], "loopback.example": ["127.0.0.1"],
            "mapped.example": ["::ffff:10.0.0.1"]}.get(host, ["93.184.216.34"])


@pytest.fixture
def web() -> Web:
    return Web()


@pytest.fixture
async def services(db: Database, web: Web, clock: FakeClock) -> AsyncIterator[Services]:
    fetcher = Fetcher(transport=httpx.MockTransport(web), resolver=resolve, total_timeout=2.0, max_bytes=1024 * 1024)
    yield Services(db, fetcher, clock=clock, admins=[1])
    await fetcher.close()
