"""A fake Telegram Bot API server, in process, as an httpx transport.

The real python-telegram-bot Application talks to it through HTTPXRequest. Tests
queue updates (as a patient would send them) and wait for the bot's calls. Waiting
is on asyncio conditions, never on wall-clock sleeps.

It keeps each chat's messages as the patient sees them: an edit changes the stored
message (text, keyboard), and answers as Telegram does when there is nothing to change
("message is not modified") or no such message ("message to edit not found").
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
from collections import Counter
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

import httpx

BOT_ID = 7000000001
BOT_USERNAME = "backpath_test_bot"
JSON_FIELDS = {
    "reply_markup",
    "commands",
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "allowed_updates",
    "scope",
    "show_alert",
    "drop_pending_updates",
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    path: str = ""  # the request's URL path (a test may give each bot process its own prefix)


class FakeBotApi(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.calls: list[Call] = []
        # each chat's deliveries, kept as they are recorded: tests ask for them in the
        # predicates of `wait_for`, which run at every call for every waiter
        self._delivered_to: dict[int, list[Call]] = {}
        self._updates: list[dict[str, Any]] = []
        self._delivered: set[int] = set()
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self.fail_next: dict[str, dict[str, Any]] = {}  # method -> error payload to return once
        self.lose_next: set[str] = set()  # methods whose next call is made but answered 502
        self.pushed: Counter[int] = Counter()  # deliveries per update id
        self.handled: Counter[int] = Counter()  # finished handlings (reported by the harness)
        self.webhook: dict[str, Any] = {"url": "", "secret": None}  # as set by setWebhook
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, id) -> as shown now
        self._latest: dict[int, int] = {}  # chat -> the message that last asked something

    # --- what a test does -------------------------------------------------------

    def _user(self, user_id: int, language: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Patient"}
        if language:
            user["language_code"] = language
        return user

    def new_update_id(self) -> int:
        return next(self._update_ids)

    async def push(self, update: dict[str, Any]) -> int:
        update.setdefault("update_id", self.new_update_id())
        async with self._changed:
            self.pushed[int(update["update_id"])] += 1
            self._updates.append(update)
            self._changed.notify_all()
        return int(update["update_id"])

    async def send_text(self, user_id: int, text: str, language: str | None = "nl") -> int:
        return await self.push(self.text_update(user_id, text, language))

    def text_update(self, user_id: int, text: str, language: str | None = "nl") -> dict[str, Any]:
        """A new update (its update_id not set yet) with a patient's text message."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": 0,
            "text": text,
            "chat": {"id": user_id, "type": "private"},
            "from": self._user(user_id, language),
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return {"message": message}

    async def send_sticker(self, user_id: int, language: str | None = "nl") -> int:
        message = {
            "message_id": next(self._message_ids),
            "date": 0,
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "u1",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            },
            "chat": {"id": user_id, "type": "private"},
            "from": self._user(user_id, language),
        }
        return await self.push({"message": message})

    async def tap(
        self, user_id: int, message: dict[str, Any], data: str, language: str | None = "nl"
    ) -> int:
        return await self.push(self.tap_update(user_id, message, data, language))

    def tap_update(
        self, user_id: int, message: dict[str, Any], data: str, language: str | None = "nl"
    ) -> dict[str, Any]:
        """A new update (its update_id not set yet): a tap on a button of `message`."""
        return {
            "callback_query": {
                "id": str(next(self._update_ids)),
                "chat_instance": "ci",
                "data": data,
                "from": self._user(user_id, language),
                "message": message,
            }
        }

    async def wait_for(self, predicate: Any, limit: float = 10.0) -> None:
        """Wait until predicate(self.calls) holds (the timeout only guards a hung test)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self.calls)), limit)

    async def mark_handled(self, update_id: int) -> None:
        async with self._changed:
            self.handled[update_id] += 1
            self._changed.notify_all()

    def deliveries(self) -> list[Call]:
        """Every chat's deliveries in order: each message sent, and each edit that puts a
        new keyboard on a message (the next question shown in place of the tapped one)."""
        return [c for c in self.calls if _delivers(c)]

    def sent(self, chat_id: int) -> list[Call]:
        """The chat's deliveries (`deliveries`)."""
        return list(self._delivered_to.get(chat_id, ()))

    def last_message(self, chat_id: int) -> dict[str, Any]:
        """The chat's last delivered message as it is shown now, as Telegram would put it
        in a tap (to tap its buttons): the last one sent or edited into a new question."""
        return copy.deepcopy(self.messages[(chat_id, self._latest[chat_id])])

    # --- the server side ----------------------------------------------------------

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        await request.aread()  # multipart uploads (sendPhoto, sendDocument) arrive as a stream
        params, files = self._parse(request)
        if method == "getUpdates":
            return self._ok(await self._get_updates(params))
        call = Call(method, params, files, request.url.path)
        if method in self.fail_next:
            error = self.fail_next.pop(method)
            await self._record(call)
            return httpx.Response(error.get("error_code", 400), json={"ok": False, **error})
        refused = self._refused(method, params)
        if refused is not None:
            await self._record(call)
            return httpx.Response(400, json={"ok": False, "error_code": 400, **refused})
        result = self._result(method, params)
        params["_result"] = copy.deepcopy(result)
        self._store(call, result)
        await self._record(call)
        if method in self.lose_next:  # done, but the answer is lost on the way back
            self.lose_next.discard(method)
            return httpx.Response(502, json={"ok": False, "description": "Bad Gateway"})
        return self._ok(result)

    def _refused(self, method: str, params: dict[str, Any]) -> dict[str, str] | None:
        """Telegram's answer to an edit it does not make, else None."""
        if method not in ("editMessageText", "editMessageReplyMarkup"):
            return None
        shown = self.messages.get((int(params["chat_id"]), int(params["message_id"])))
        if shown is None:
            return {"description": "Bad Request: message to edit not found"}
        text = params.get("text", shown.get("text"))
        markup = params.get("reply_markup") or None
        if text == shown.get("text") and markup == shown.get("reply_markup"):
            return {
                "description": "Bad Request: message is not modified: specified new "
                "message content and reply markup are exactly the same"
            }
        return None

    def _store(self, call: Call, result: Any) -> None:
        """Keep the chat's messages as shown: a new one, or an edit of a stored one."""
        if call.method == "editMessageReplyMarkup":
            shown = self.messages[(int(call.params["chat_id"]), int(call.params["message_id"]))]
            shown.pop("reply_markup", None)
            if call.params.get("reply_markup"):
                shown["reply_markup"] = call.params["reply_markup"]
        elif isinstance(result, dict) and "message_id" in result:
            chat = int(result["chat"]["id"])
            self.messages[(chat, int(result["message_id"]))] = copy.deepcopy(result)
            if _delivers(call):
                self._latest[chat] = int(result["message_id"])

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            if _delivers(call):
                self._delivered_to.setdefault(int(call.params["chat_id"]), []).append(call)
            self._changed.notify_all()

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        timeout = float(params.get("timeout", 0) or 0)
        async with self._changed:
            self.calls.append(Call("getUpdates", params))
            self._changed.notify_all()
            # Confirmed updates (below the offset) are dropped once delivered; a re-pushed
            # update (a duplicate delivery) is delivered again whatever its id.
            self._updates = [
                u for u in self._updates if u["update_id"] >= offset or id(u) not in self._delivered
            ]
            if not self._updates and timeout:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self._updates)), min(timeout, 1.0)
                    )
            batch = list(self._updates)
            self._delivered.update(id(u) for u in batch)
            return batch

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "BackPath",
                "username": BOT_USERNAME,
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "setWebhook":
            self.webhook = {"url": params.get("url", ""), "secret": params.get("secret_token")}
        if method == "deleteWebhook":
            self.webhook = {"url": "", "secret": None}
        if method == "getWebhookInfo":
            return {
                "url": self.webhook["url"],
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
        if method in ("sendMessage", "sendPhoto", "sendDocument", "editMessageText"):
            chat_id = int(params.get("chat_id", 0) or 0)
            message: dict[str, Any] = {
                "message_id": int(params.get("message_id") or next(self._message_ids)),
                "date": 0,
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "BackPath"},
            }
            if "text" in params:
                message["text"] = params["text"]
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return message
        return True

    @staticmethod
    def _ok(result: Any) -> httpx.Response:
        return httpx.Response(200, json={"ok": True, "result": result})

    @staticmethod
    def _parse(request: httpx.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        body = request.content
        ctype = request.headers.get("content-type", "")
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        if ctype.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {ctype}\r\n\r\n".encode() + body
            )
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                if part.get_filename():
                    files[str(name)] = payload
                else:
                    params[str(name)] = payload.decode()
        elif body:
            params = dict(parse_qsl(body.decode(), keep_blank_values=True))
        for key in JSON_FIELDS & params.keys():
            with contextlib.suppress(TypeError, ValueError):
                params[key] = json.loads(params[key])
        return params, files


def _delivers(call: Call) -> bool:
    """A call that showed the patient a message: a send, or an edit with a new keyboard,
    that Telegram carried out (it has a result)."""
    if "_result" not in call.params:
        return False
    if call.method == "editMessageText":
        return bool(call.params.get("reply_markup"))
    return call.method in ("sendMessage", "sendPhoto", "sendDocument")


def buttons_of(message: dict[str, Any]) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    return [
        (b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row
    ]


class WebhookDelivery:
    """Telegram's side of webhook mode: POST each update to the bot's webhook with the
    secret header, and deliver it again until the answer is 2xx (another status, a refused
    or broken connection: Telegram tries again)."""

    def __init__(self, api: FakeBotApi, url: str, secret: str, attempts: int = 600) -> None:
        self.api, self.url, self.secret, self.attempts = api, url, secret, attempts
        self.redelivered = 0  # deliveries that did not get a 2xx and were tried again
        self.client = httpx.AsyncClient(timeout=30)

    async def deliver(self, update: dict[str, Any]) -> int:
        update.setdefault("update_id", self.api.new_update_id())
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.secret}
        for _ in range(self.attempts):  # bounded: a test never hangs on a dead bot
            with contextlib.suppress(httpx.TransportError):
                if (await self.client.post(self.url, json=update, headers=headers)).is_success:
                    return int(update["update_id"])
            self.redelivered += 1
            await asyncio.sleep(0.05)  # Telegram waits before it delivers again
        raise AssertionError(f"update {update['update_id']} never got a 2xx")

    async def close(self) -> None:
        await self.client.aclose()


async def serve_http(api: FakeBotApi, host: str = "127.0.0.1") -> asyncio.Server:
    """The fake Bot API over real HTTP/1.1 (keep-alive, Content-Length bodies), for bots in
    other processes: `TELEGRAM_API_BASE_URL=http://<host>:<port>/bot`. Returns the server,
    already listening on a free port; `async with` it closes it."""

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers: list[tuple[str, str]] = []
                while (header := await reader.readline()).strip():
                    name, _, value = header.decode("latin-1").partition(":")
                    headers.append((name.strip(), value.strip()))
                length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
                body = await reader.readexactly(length)
                request = httpx.Request(
                    method, f"http://fake-telegram{target}", headers=headers, content=body
                )
                response = await api.handle_async_request(request)
                content = await response.aread()
                head = (
                    f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(content)}\r\n\r\n"
                )
                writer.write(head.encode("latin-1") + content)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the bot's process went away (a SIGKILL, for example)
        finally:
            writer.close()

    return await asyncio.start_server(connection, host, 0)
