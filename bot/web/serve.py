"""`backpath serve`: one worker (the ASGI app on uvicorn) in webhook mode. Any number of
them may run behind a load balancer on one PostgreSQL database."""

from __future__ import annotations

import uvicorn

from bot.config import Settings
from bot.startup import connect_bot, worker_runtime
from bot.telegram.app import build_application
from bot.web.app import build_app


async def serve(settings: Settings) -> None:
    """Start the worker and serve until SIGINT or SIGTERM (uvicorn handles both)."""
    runtime = await worker_runtime(settings)
    try:
        application = build_application(settings, runtime=runtime)
        await connect_bot(application.initialize, settings.backpath_startup_attempts)
        config = uvicorn.Config(
            build_app(runtime, application),
            host=settings.backpath_host,
            port=settings.backpath_port,
            log_config=None,  # our logging (bot/logging_setup.py)
            access_log=False,  # request lines carry no ids we need, and paths may hold secrets
        )
        await uvicorn.Server(config).serve()
    finally:
        await runtime.close()
