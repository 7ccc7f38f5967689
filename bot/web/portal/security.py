"""Cookies, CSRF, the sign-in rate limit and the security headers of the clinic portal.

- The session cookie holds a random token (its hash is the `portal_sessions` row): Secure,
  HttpOnly, SameSite=Lax, `__Host-` prefixed (no Domain, Path=/); the server decides when it
  has expired.
- Every form carries a CSRF token: the session's own (server-side) once signed in; before
  that (the sign-in form) a double-submit value also set in a short-lived Strict cookie.
- Failed sign-ins (unknown, used or expired links) are counted per client address in the
  database (bot/clinic/sign_in_failures.py), so the limit holds across workers.
"""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "__Host-backpath_portal"
SIGNIN_COOKIE = "__Host-backpath_signin"
SIGNIN_COOKIE_AGE = 15 * 60

HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


def set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, path="/", secure=True, httponly=True, samesite="lax")


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")


def set_signin_cookie(response: Response, value: str) -> None:
    """The sign-in form's double-submit CSRF value, also as a short-lived Strict cookie."""
    response.set_cookie(
        SIGNIN_COOKIE,
        value,
        max_age=SIGNIN_COOKIE_AGE,
        path="/",
        secure=True,
        httponly=True,
        samesite="strict",
    )


def same(expected: str | None, given: object) -> bool:
    """A constant-time comparison of a CSRF token with what a form sent."""
    return (
        bool(expected) and isinstance(given, str) and secrets.compare_digest(expected or "", given)
    )


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class SecurityHeaders:
    """Adds HEADERS to every portal response (pages and files alike)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [
                    (name.encode(), value.encode())
                    for name, value in HEADERS.items()
                    if name.encode() not in present
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
