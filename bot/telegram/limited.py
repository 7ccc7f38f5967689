"""A Bot API request that waits for the bot-wide send rate (bot/delivery/shared_limit.py)
before every call that sends or edits a message, whoever makes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from telegram.request import BaseRequest, RequestData

from bot.telegram.metered import WrappedRequest


class Limiter(Protocol):
    async def acquire(self, chat: str) -> None:
        """Return when one more call to `chat` may be made."""


class LimitedRequest(WrappedRequest):
    """`send*` and `edit*` calls first take a slot from the limiter, when there is one
    (`limiter()` is asked at each call: the runtime that has it may be built later)."""

    def __init__(self, inner: BaseRequest, limiter: Callable[[], Limiter | None]) -> None:
        super().__init__(inner)
        self.limiter = limiter

    async def before(self, method: str, request_data: RequestData | None) -> None:
        limiter = self.limiter()
        if limiter is not None and method.startswith(("send", "edit")):
            chat = request_data.parameters.get("chat_id", "") if request_data else ""
            await limiter.acquire(str(chat))
