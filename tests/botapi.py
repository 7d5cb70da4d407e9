"""A loopback HTTP server that plays the Telegram Bot API for tests (and serves feed files)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

from news.messages import visible_length

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote",
                "span", "tg-spoiler", "tg-emoji"}


class _TelegramHtml(HTMLParser):
    """Parses like Telegram does: only its tags, properly nested; raises ValueError otherwise."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise ValueError(f"Unsupported start tag \"{tag}\"")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            raise ValueError(f"Unexpected end tag \"{tag}\"")


def check_html(text: str) -> str | None:
    """Telegram's complaint about an HTML message, or None when it would be accepted."""
    if "<" in text.replace("&lt;", ""):
        parser = _TelegramHtml()
        try:
            parser.feed(text)
            parser.close()
        except ValueError as exc:
            return f"Bad Request: can't parse entities: {exc}"
        if parser.stack:
            return f"Bad Request: can't parse entities: unclosed \"{parser.stack[-1]}\""
    for token in text.split("&")[1:]:
        name = token.split(";", 1)[0]
        if ";" not in token or not (name in ("lt", "gt", "amp", "quot") or name.startswith("#")):
            return "Bad Request: can't parse entities: unsupported entity"
    if not 1 <= visible_length(text) <= 4096:
        return "Bad Request: message is too long" if text else "Bad Request: message text is empty"
    return None


class FakeBotApi:
    """Records every call; queues updates for getUpdates; answers like Telegram."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.sent: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self.failures: dict[int, tuple[int, str, dict[str, Any]]] = {}
        self.chats: dict[str, dict[str, Any]] = {}
        self.documents: list[dict[str, Any]] = []
        self.uploads: dict[str, bytes] = {}
        self.bot_status: dict[int, dict[str, Any]] = {}
        self.members: dict[tuple[int, int], str] = {}
        self._next_update = 1
        self._next_message = 100
        self._changed = asyncio.Event()
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._api)
        app.router.add_get("/files/{name}", self._file)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/files/{name}"

    def push_command(self, text: str, *, user_id: int, chat_id: int | None = None, chat_type: str = "private") -> None:
        """Queue a message with a command, as a user would send it."""
        self.push_text(text, user_id=user_id, chat_id=chat_id, chat_type=chat_type, command=True)

    def push_text(self, text: str, *, user_id: int, chat_id: int | None = None, chat_type: str = "private",
                  command: bool = False) -> None:
        """Queue a text message (a command when `command`, its first word), as a user would send it."""
        message: dict[str, Any] = {
            "message_id": self._message_id(), "date": int(time.time()), "text": text,
            "chat": {"id": chat_id or user_id, "type": chat_type, "first_name": "Tester"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Tester"},
        }
        if command:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self.updates.append({"update_id": self._next_update, "message": message})
        self._next_update += 1
        self._changed.set()

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """A user's status in a group: member (the default), administrator, creator, left..."""
        self.members[(chat_id, user_id)] = status

    def push_callback(self, data: str, message: dict[str, Any], *, user_id: int) -> None:
        """Queue a press on an inline button of a message the bot sent."""
        self.updates.append({
            "update_id": self._next_update,
            "callback_query": {
                "id": str(self._next_update), "chat_instance": "1", "data": data,
                "from": {"id": user_id, "is_bot": False, "first_name": "Tester"}, "message": message,
            },
        })
        self._next_update += 1
        self._changed.set()

    def texts(self, chat_id: int) -> list[str]:
        return [m["text"] for m in self.sent if m["chat"]["id"] == chat_id]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until the predicate holds, polling the recorded calls."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; bot sent: {[m['text'][:80] for m in self.sent]}")
            await asyncio.sleep(0.02)

    def _message_id(self) -> int:
        self._next_message += 1
        return self._next_message

    async def _file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self.files:
            return web.Response(status=404, text="not found")
        return web.Response(body=self.files[name], content_type="application/xml")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        params = {
            key: value.file.read() if isinstance(value, web.FileField) else _decode(str(value))
            for key, value in form.items()
        }
        self.calls.append((method, params))
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return _fail(404, "Not Found")
        result = await handler(params)
        return result if isinstance(result, web.Response) else web.json_response({"ok": True, "result": result})

    async def _m_getme(self, params: dict[str, Any]) -> Any:
        return {"id": 1, "is_bot": True, "first_name": "newsbot", "username": "newsbot_test_bot",
                "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}

    async def _m_deletewebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_setmycommands(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_setwebhook(self, params: dict[str, Any]) -> Any:
        return True

    def add_chat(self, chat_id: int, username: str, kind: str, status: str, **rights: bool) -> None:
        """Make a channel or group known, with the bot's membership in it."""
        chat = {"id": chat_id, "type": kind, "title": username.title(), "username": username,
                "accent_color_id": 0, "max_reaction_count": 11}
        self.chats[f"@{username}"] = self.chats[str(chat_id)] = chat
        bot_user = {"id": 1, "is_bot": True, "first_name": "newsbot"}
        self.bot_status[chat_id] = {"status": status, "user": bot_user, **rights}

    def push_document(self, name: str, content: bytes, *, user_id: int) -> None:
        """Queue a message carrying a file, as a user would send it."""
        file_id = f"file-{len(self.uploads) + 1}"
        self.uploads[file_id] = content
        self.updates.append({
            "update_id": self._next_update,
            "message": {
                "message_id": self._message_id(), "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": "Tester"},
                "from": {"id": user_id, "is_bot": False, "first_name": "Tester"},
                "document": {"file_id": file_id, "file_unique_id": file_id, "file_name": name,
                             "mime_type": "text/x-opml", "file_size": len(content)},
            },
        })
        self._next_update += 1
        self._changed.set()

    async def _m_getfile(self, params: dict[str, Any]) -> Any:
        file_id = str(params["file_id"])
        if file_id not in self.uploads:
            return _fail(400, "Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(self.uploads[file_id]),
                "file_path": f"documents/{file_id}"}

    async def _download(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if file_id not in self.uploads:
            return web.Response(status=404)
        return web.Response(body=self.uploads[file_id])

    async def _m_senddocument(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        self.documents.append({"chat_id": chat_id, "content": params["document"], "caption": params.get("caption")})
        document = {"file_id": "sent", "file_unique_id": "sent", "file_name": "export.opml"}
        message = {"message_id": self._message_id(), "date": int(time.time()), "document": document,
                   "chat": {"id": chat_id, "type": "private"}, "caption": params.get("caption", "")}
        return message

    async def _m_getchat(self, params: dict[str, Any]) -> Any:
        chat = self.chats.get(str(params["chat_id"]))
        return chat if chat else _fail(400, "Bad Request: chat not found")

    async def _m_getchatmember(self, params: dict[str, Any]) -> Any:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        if user_id != 1:
            return _member(self.members.get((chat_id, user_id), "member"), user_id)
        member = self.bot_status.get(chat_id)
        if member is None:
            return _fail(400, "Bad Request: chat not found")
        return {**_member(member["status"], user_id), **member}

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_getupdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates:
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(float(params.get("timeout") or 0), 0.5))
        return self.updates[:100]

    async def _m_sendmessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        if chat_id in self.failures:
            code, description, extra = self.failures[chat_id]
            return _fail(code, description, extra)
        problem = check_html(str(params.get("text", ""))) if params.get("parse_mode") == "HTML" else None
        if problem:
            return _fail(400, problem)
        message = {"message_id": self._message_id(), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                   "text": params["text"]}
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        self.sent.append(message)
        return message

    async def _m_editmessagetext(self, params: dict[str, Any]) -> Any:
        problem = check_html(str(params.get("text", "")))
        if problem:
            return _fail(400, problem)
        message = {"message_id": int(params["message_id"]), "date": int(time.time()),
                   "chat": {"id": int(params["chat_id"]), "type": "private"}, "text": params["text"]}
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        self.sent.append({**message, "edited": True})
        return message


def _member(status: str, user_id: int) -> dict[str, Any]:
    """A ChatMember as Telegram sends it, with the fields its status requires (rights all off)."""
    member: dict[str, Any] = {"status": status, "user": {"id": user_id, "is_bot": False, "first_name": "Tester"}}
    if status == "creator":
        member["is_anonymous"] = False
    if status == "administrator":
        rights = ("can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                  "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users",
                  "can_post_stories", "can_edit_stories", "can_delete_stories")
        member.update(dict.fromkeys(rights, False))
    return member


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _fail(code: int, description: str, extra: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if extra:
        body["parameters"] = extra
    return web.json_response(body, status=code)
