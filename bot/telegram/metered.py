"""A Bot API request that counts every answer (bot/metrics.py) around another request."""

from __future__ import annotations

from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from bot import metrics


class MeteredRequest(BaseRequest):
    """Delegates to `inner` and counts each call by method and HTTP status. Only the last
    path segment of the URL (the method) is kept: the rest holds the token."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

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
        metrics.bot_api_call(url.rsplit("/", 1)[-1], status)
        return status, payload
