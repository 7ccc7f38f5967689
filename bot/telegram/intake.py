"""Telegram updates go through the inbox (bot/delivery/inbox.py) in both modes.

- Webhook (`backpath serve`): the route stores the update, then answers 200
  (bot/web/app.py calls `InboxApplication.intake`).
- Polling (`backpath run`): python-telegram-bot acknowledges a batch by asking for the next
  offset, and hands the batch to its handlers before they have run. `InboxRequest` wraps
  the getUpdates request and commits the batch to the inbox before returning it, so
  nothing is acknowledged that is not stored; a batch that cannot be stored is reported as
  a NetworkError, and PTB asks again with the same offset. PTB is handed only the update
  ids (all it needs to acknowledge them and to wait for their processing): the worker
  reads each update from the inbox, so parsing the whole batch there too would be wasted.

Processing reads from the inbox only: the application's `InboxWorker` claims each chat's
next update and runs the bot's handler for it (on SQLite, where this process alone serves
the database, from memory: bot/delivery/heads.py). In polling mode PTB's own handler just
waits until its update is processed there (so PTB's per-user order and concurrency limit
hold as before).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import Application, CallbackContext
from telegram.request import BaseRequest

from bot.delivery.heads import LocalHeads
from bot.delivery.worker import InboxWorker
from bot.telegram.metered import WrappedRequest

Handler = Callable[[Update, Any], Awaitable[bool]]  # True: it marked the update processed
Store = Callable[[list[dict[str, Any]]], Awaitable[None]]
INBOX_POLL = 0.5  # seconds between looks for other workers' updates and retries


class InboxApplication(Application[Any, Any, Any, Any, Any, Any]):
    """The PTB Application, processing from the inbox: `start()` starts the worker,
    `stop()` stops it. `handler` and `runtime` are set by bot/telegram/app.py."""

    handler: Handler
    runtime: Callable[[], Any]  # the Runtime (built in post_init when not given)
    worker: InboxWorker | None = None
    local: LocalHeads | None = None  # SQLite: the pending updates, in memory

    async def intake(self, updates: list[dict[str, Any]]) -> None:
        """Store these updates durably (raises when that fails), then process them."""
        new = await self.runtime().inbox.store(updates)
        if self.local is not None:
            self.local.accept(updates, new)
        if self.worker is not None:
            self.worker.wake()

    async def start(self) -> None:
        await super().start()
        runtime = self.runtime()
        settings = runtime.settings
        if runtime.db.is_sqlite:  # one serving process per file: no claims needed
            self.local = LocalHeads(runtime.inbox)
            await self.local.load()
        self.worker = InboxWorker(
            runtime.inbox,
            self._process,
            concurrency=settings.backpath_inbox_concurrency,
            poll=INBOX_POLL,
            heads=self.local,
        )
        self.worker.start()

    async def stop(self) -> None:
        if self.worker is not None:
            await self.worker.stop()
            self.worker = self.local = None
        await super().stop()

    async def _process(self, payload: dict[str, Any]) -> bool:
        update = Update.de_json(payload, self.bot)
        return await self.handler(update, CallbackContext.from_update(update, self))

    async def wait_processed(self, update: object, _: object) -> None:
        """PTB's handler in polling mode: the update was stored by InboxRequest; return
        once the worker has processed it."""
        if isinstance(update, Update) and self.worker is not None:
            await self.worker.wait_processed(update.update_id)


class InboxRequest(WrappedRequest):
    """The getUpdates request: a batch is committed to the inbox before PTB sees it (and so
    before the next offset acknowledges it)."""

    def __init__(self, inner: BaseRequest, store: Store) -> None:
        super().__init__(inner)
        self.store = store

    async def after(self, method: str, status: int, payload: bytes) -> bytes:
        if status != 200 or method != "getUpdates":
            return payload
        answer = json.loads(payload)
        updates = answer.get("result") or []
        try:
            await self.store(updates)
        except Exception as error:  # not stored: not acknowledged either
            raise NetworkError(f"inbox unavailable ({type(error).__name__})") from None
        answer["result"] = [{"update_id": u["update_id"]} for u in updates]
        return json.dumps(answer).encode()
