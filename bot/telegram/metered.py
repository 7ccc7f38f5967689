"""Bot API requests wrapped around another request: `WrappedRequest` is the seam (a hook
after each call, which may change what python-telegram-bot is handed), `MeteredRequest`
counts every answer (bot/metrics.py)."""

from __future__ import annotations

from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from bot import metrics


def method_of(url: str) -> str:
    """The Bot API method of a call: only the URL's last segment (the rest holds the token)."""
    return url.rsplit("/", 1)[-1]


class WrappedRequest(BaseRequest):
    """Delegates to `inner`, with an `after` hook once each call has answered."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def after(self, method: str, status: int, payload: bytes) -> bytes:
        """Runs after the call answered; returns the payload PTB gets (here: as it came)."""
        return payload

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        status, payload = await self.inner.do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        return status, await self.after(method_of(url), status, payload)


class MeteredRequest(WrappedRequest):
    """Counts each call by method and HTTP status."""

    async def after(self, method: str, status: int, payload: bytes) -> bytes:
        metrics.bot_api_call(method, status)
        return payload
