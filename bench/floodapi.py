"""A loopback Bot API that enforces Telegram's flood limits and counts deliveries, duplicates and 429s."""

from __future__ import annotations

import collections
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

OVERALL_PER_SECOND = 30
PRIVATE_PER_SECOND = 1
GROUP_PER_MINUTE = 20


@dataclass
class Ledger:
    """What the server accepted and refused."""

    accepted: collections.Counter[tuple[int, str]] = field(default_factory=collections.Counter)
    times: list[float] = field(default_factory=list)
    seen: dict[tuple[int, str], list[float]] = field(default_factory=dict)
    too_many: int = 0
    forbidden: int = 0
    migrated: int = 0


class FloodApi:
    """sendMessage with Telegram's limits: 30/s overall, 1/s per private chat, 20/min per group or channel."""

    def __init__(self, blocked: set[int], migrations: dict[int, int]) -> None:
        self.blocked = blocked
        self.migrations = migrations
        self.ledger = Ledger()
        self._overall: collections.deque[float] = collections.deque()
        self._per_chat: dict[int, collections.deque[float]] = collections.defaultdict(collections.deque)
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        if method == "getMe":
            return _ok({"id": 1, "is_bot": True, "first_name": "bench", "username": "bench_bot"})
        if method != "sendMessage":
            return _ok(True)
        return self._send(int(str(form["chat_id"])), str(form["text"]))

    def _send(self, chat_id: int, text: str) -> web.Response:
        now = time.monotonic()
        wait = self._wait(self._overall, now, OVERALL_PER_SECOND, 1.0)
        limit, period = (PRIVATE_PER_SECOND, 1.0) if chat_id > 0 else (GROUP_PER_MINUTE, 60.0)
        wait = max(wait, self._wait(self._per_chat[chat_id], now, limit, period))
        if wait > 0:
            self.ledger.too_many += 1
            return _error(429, f"Too Many Requests: retry after {int(wait) + 1}", {"retry_after": int(wait) + 1})
        if chat_id in self.blocked:
            self.ledger.forbidden += 1
            return _error(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.migrations:
            self.ledger.migrated += 1
            return _error(400, "Bad Request: group chat was upgraded to a supergroup chat",
                          {"migrate_to_chat_id": self.migrations[chat_id]})
        self._overall.append(now)
        self._per_chat[chat_id].append(now)
        key = (chat_id, hashlib.sha1(text.encode()).hexdigest())
        self.ledger.accepted[key] += 1
        self.ledger.seen.setdefault(key, []).append(now)
        self.ledger.times.append(now)
        return _ok({"message_id": len(self.ledger.times), "date": int(time.time()), "text": text,
                    "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}})

    @staticmethod
    def _wait(window: collections.deque[float], now: float, limit: int, period: float) -> float:
        while window and window[0] <= now - period:
            window.popleft()
        return window[0] + period - now if len(window) >= limit else 0.0


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.Response(status=code, text=json.dumps(body), content_type="application/json")
