"""The clinic portal: Starlette routes with Jinja2 templates, texts from the catalogs.

`routes(runtime)` gives everything under `/portal` for the ASGI app to mount. The pages:
sign-in by link and sign-out, the clinic's patients (red flags first), one patient's
summary with downloads (PDF, FHIR, CSV), invitations (create with QR code, list, revoke).
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.runtime import Runtime
from bot.web.portal.auth import signin, signin_page, signout
from bot.web.portal.core import STATIC, Portal
from bot.web.portal.invitations import invitation_create, invitation_list, invitation_revoke
from bot.web.portal.patients import patient_file, patient_list, patient_page
from bot.web.portal.security import SecurityHeaders

PREFIX = "/portal"


async def _to_portal(request: Request) -> RedirectResponse:
    return RedirectResponse(request.url_for("portal:patients").path, status_code=307)


def routes(runtime: Runtime) -> list[BaseRoute]:
    """The portal's routes, all under /portal (names `portal:<name>`)."""
    portal = Portal(runtime)
    inner = [
        Route("/", patient_list(portal), name="patients"),
        Route("/patients/{ref:str}", patient_page(portal), name="patient"),
        Route("/patients/{ref:str}/summary.pdf", patient_file(portal, "pdf"), name="pdf"),
        Route("/patients/{ref:str}/fhir.json", patient_file(portal, "fhir"), name="fhir"),
        Route("/patients/{ref:str}/data.csv", patient_file(portal, "csv"), name="csv"),
        Route("/invitations", invitation_list(portal), name="invitations"),
        Route("/invitations", invitation_create(portal), methods=["POST"], name="invite"),
        Route(
            "/invitations/{invitation:int}/revoke",
            invitation_revoke(portal),
            methods=["POST"],
            name="revoke",
        ),
        Route("/signin", signin_page(portal), name="signin_page"),
        Route("/signin", signin(portal), methods=["POST"], name="signin"),
        Route("/signout", signout(portal), methods=["POST"], name="signout"),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return [
        Route(PREFIX, _to_portal),
        Mount(PREFIX, routes=inner, name="portal", middleware=[Middleware(SecurityHeaders)]),
    ]
