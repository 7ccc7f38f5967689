"""Sign-in with a single-use link, and sign-out.

The link is `/portal/signin#<token>`: GET shows a page with a button whose form the page's
script fills with the token from the fragment (link previews and scanners only ever GET and
never see the fragment, so they never use the link up); POST with the double-submit CSRF
value redeems it and sets the session cookie. Failures are counted per client address
(in the database, for every worker) and refused past the limit.
"""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.clinic import sign_in_failures
from bot.clinic.portal_auth import Opened, end, redeem_link
from bot.web.portal.core import Ctx, Endpoint, Portal, browser_language
from bot.web.portal.security import (
    SIGNIN_COOKIE,
    clear_session_cookie,
    client_key,
    same,
    set_session_cookie,
    set_signin_cookie,
)


def signin_page(portal: Portal) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        csrf = secrets.token_urlsafe(24)
        response = portal.render(request, "signin.html", browser_language(request), {"csrf": csrf})
        set_signin_cookie(response, csrf)
        return response

    return endpoint


def signin(portal: Portal) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        language = browser_language(request)
        key = client_key(request)

        def refused(body: str, status: int) -> Response:
            return portal.render(
                request,
                "message.html",
                language,
                {"title": "portal.refused_title", "body": body},
                status=status,
            )

        now = portal.runtime.clock.now()
        async with portal.runtime.db.transaction() as session:
            if await sign_in_failures.blocked(session, key, now):
                return refused("portal.too_many", 429)
        form = await request.form()
        token = form.get("token")
        async with portal.runtime.db.transaction() as session:
            if not same(request.cookies.get(SIGNIN_COOKIE), form.get("csrf")):
                await sign_in_failures.record_failure(session, key, now)
                return refused("portal.csrf_failed", 403)
            outcome = await redeem_link(session, token if isinstance(token, str) else "", now)
            if not isinstance(outcome, Opened):
                await sign_in_failures.record_failure(session, key, now)
                return refused(f"portal.link_{outcome}", 403)
        response = RedirectResponse(request.url_for("portal:patients").path, status_code=303)
        set_session_cookie(response, outcome.token)
        response.delete_cookie(SIGNIN_COOKIE, path="/", secure=True, httponly=True)
        return response

    return endpoint


def signout(portal: Portal) -> Endpoint:
    async def view(ctx: Ctx) -> Response:
        await end(ctx.session, ctx.who, ctx.now)
        response = portal.render(
            ctx.request,
            "message.html",
            ctx.who.language,
            {"title": "portal.signed_out_title", "body": "portal.signed_out"},
        )
        clear_session_cookie(response)
        return response

    return portal.signed_in(view)
