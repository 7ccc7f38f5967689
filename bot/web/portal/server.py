"""`backpath portal`: the clinic portal on its own, for a clinic on one machine.

The runtime (database, catalogs, flows) is built when the server starts, in uvicorn's
event loop, and the portal's routes are added then.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette

from bot.clock import Clock
from bot.config import Settings
from bot.runtime import build_runtime
from bot.web.portal import routes


def portal_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    """An ASGI app serving only the portal."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runtime = await build_runtime(settings, clock)
        app.router.routes.extend(routes(runtime))
        try:
            yield
        finally:
            await runtime.close()

    return Starlette(lifespan=lifespan)


def serve_portal(settings: Settings, host: str, port: int) -> None:
    uvicorn.run(portal_app(settings), host=host, port=port, access_log=False, log_level="warning")
