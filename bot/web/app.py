"""The ASGI app of a worker (`backpath serve`, Starlette on uvicorn).

- POST BACKPATH_WEBHOOK_PATH: Telegram's webhook. The secret header is compared in constant
  time; the answer is 200 only once the update is committed to the inbox
  (bot/delivery/inbox.py), so Telegram delivers again whatever did not get its 200 (a
  worker that died, a database away). Any worker then processes it from there, each
  patient's updates one at a time and in update_id order.
- GET /healthz: the process is up. GET /readyz: the database answers and its schema is
  the one this code needs (a load balancer sends nothing to a worker that is not ready).
- GET /metrics: Prometheus metrics of this process (bot/metrics.py).
- The clinic portal's pages (bot/web/portal), from `portal_routes`.
- GET /fhir/Questionnaire/<flow>: the FHIR Questionnaire our exported
  QuestionnaireResponses refer to, at its canonical URL (bot/clinic/exports.py).

The python-telegram-bot Application runs inside (started and stopped by the app's
lifespan, and with it the inbox worker) without an Updater, as in PTB's custom-webhook
example.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.clinic.exports import questionnaire_resource
from bot.clinic.report import ReportContent
from bot.metrics import INBOX_BACKLOG
from bot.runtime import Runtime
from bot.store.release import SchemaNotCurrent, check_schema
from bot.telegram.intake import InboxApplication
from bot.web.portal import routes

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def portal_routes(runtime: Runtime) -> list[BaseRoute]:
    """The clinic portal's routes (bot/web/portal exposes `routes(runtime)`): the one place
    where the portal is mounted into the worker's app, under /portal."""
    return routes(runtime)


def build_app(runtime: Runtime, application: InboxApplication) -> Starlette:
    settings = runtime.settings
    if settings.telegram_webhook_secret is None:
        raise ValueError("TELEGRAM_WEBHOOK_SECRET is not set")
    secret = settings.telegram_webhook_secret.get_secret_value().encode()

    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, secret):
            log.warning("webhook call without the right secret refused")
            return Response(status_code=403)
        try:
            payload = json.loads(await request.body())
        except ValueError:
            return Response(status_code=400)
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return Response(status_code=400)
        try:  # committed to the inbox (a duplicate: nothing new), processed from there
            await application.intake([payload])
        except (OSError, DBAPIError) as error:  # not stored: Telegram will deliver it again
            log.error("update %s not stored: %s", payload["update_id"], type(error).__name__)
            return Response(status_code=503)
        return Response(status_code=200)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "up"})

    async def readyz(_: Request) -> Response:
        try:
            await check_schema(runtime.db)
        except SchemaNotCurrent:
            return JSONResponse({"status": "schema not current"}, status_code=503)
        except (OSError, DBAPIError) as error:
            log.warning("not ready: database %s", type(error).__name__)
            return JSONResponse({"status": "database unreachable"}, status_code=503)
        return JSONResponse({"status": "ready"})

    async def fhir_questionnaire(request: Request) -> Response:
        content = ReportContent(runtime.catalogs, runtime.engine.flows, runtime.instruments)
        data = questionnaire_resource(content, request.path_params["flow"])
        if data is None:
            return Response(status_code=404)
        return JSONResponse(data, media_type="application/fhir+json")

    async def metrics(_: Request) -> Response:
        try:  # the whole bot's backlog, read now (every worker reports the same number)
            INBOX_BACKLOG.set(await runtime.inbox.backlog())
        except (OSError, DBAPIError) as error:
            log.warning("inbox backlog not read: %s", type(error).__name__)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await application.initialize()  # done already by `backpath serve` (with retries)
        await application.post_init(application)  # type: ignore[misc]
        await application.start()
        try:
            yield
        finally:
            await application.stop()
            await application.shutdown()

    routes: list[BaseRoute] = [
        Route(settings.backpath_webhook_path, webhook, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/fhir/Questionnaire/{flow}", fhir_questionnaire, methods=["GET"]),
        *portal_routes(runtime),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
