"""The portal's shared machinery: templates in the clinician's language, and views that
run signed in, in one database transaction, with CSRF checked on every form."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from bot.clinic.portal_auth import Who, current
from bot.clinic.report import ReportContent
from bot.engine.model import Language, Text, language_from_hint
from bot.i18n.formatting import format_day, format_minute, format_number
from bot.runtime import Runtime
from bot.web.portal.security import SESSION_COOKIE, same

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def browser_language(request: Request) -> Language:
    """Before sign-in: the browser's first language if it is nl or fr, else nl."""
    first = request.headers.get("accept-language", "").split(",")[0].strip()
    return language_from_hint(first) or "nl"


@dataclass(frozen=True)
class Ctx:
    """One signed-in request: the clinician, their transaction and the time."""

    request: Request
    session: AsyncSession
    who: Who
    now: datetime
    form: FormData | None


@dataclass(frozen=True)
class AfterCommit:
    """What a view hands back to be made once its transaction has committed: drawing a
    chart or a PDF never holds the database's write lock that patients' messages wait for."""

    make: Callable[[], Awaitable[Response]]


View = Callable[[Ctx], Awaitable[Response | AfterCommit]]
Endpoint = Callable[[Request], Awaitable[Response]]


class Portal:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.templates = Jinja2Templates(directory=str(TEMPLATES))
        self.content = ReportContent(runtime.catalogs, runtime.engine.flows, runtime.instruments)

    def text(self, language: Language, key: str, **params: Any) -> str:
        return self.runtime.catalogs.render(language, Text(key, params))

    def render(
        self,
        request: Request,
        name: str,
        language: Language,
        context: Mapping[str, Any] | None = None,
        status: int = 200,
        who: Who | None = None,
    ) -> Response:
        def when(moment: datetime | None) -> str:
            return format_minute(moment, language) if moment else "–"

        def day(value: date) -> str:
            return format_day(value, language)

        def number(value: float) -> str:
            return format_number(value, language)

        def t(key: str, **params: Any) -> str:
            return self.text(language, key, **params)

        def label(group: str, key: str) -> str:
            """A report label (`report.<group>.<key>`) or the key itself when there is none."""
            msgid = f"report.{group}.{key}"
            return t(msgid) if self.runtime.catalogs.has(msgid) else key

        def named(group: str, key: str) -> str:
            """A portal label `portal.<group>_<key>`, or the key itself when there is none."""
            msgid = f"portal.{group}_{key}"
            return t(msgid) if self.runtime.catalogs.has(msgid) else key

        def path(name: str, **params: Any) -> str:
            """A route's path (relative to the host: right behind a TLS proxy too)."""
            return request.url_for(name, **params).path

        base = {
            "t": t,
            "named": named,
            "path": path,
            "label": label,
            "when": when,
            "day": day,
            "number": number,
            "lang": language,
            "who": who,
        }
        return self.templates.TemplateResponse(
            request, name, {**base, **(context or {})}, status_code=status
        )

    def not_found(self, ctx: Ctx) -> Response:
        """The same answer for "no such thing" and "not your clinic's"."""
        return self.render(
            ctx.request,
            "message.html",
            ctx.who.language,
            {"title": "portal.not_found_title", "body": "portal.not_found"},
            status=404,
            who=ctx.who,
        )

    def signed_in(self, view: View) -> Endpoint:
        """Wrap a view: no session → the sign-in explanation (401); a form without the
        session's CSRF token → 403; otherwise the view, in one transaction (what it hands
        back as AfterCommit is made after the commit)."""

        async def endpoint(request: Request) -> Response:
            now = self.runtime.clock.now()
            async with self.runtime.db.transaction() as session:
                who = await current(session, request.cookies.get(SESSION_COOKIE), now)
                if who is None:
                    return self.render(
                        request,
                        "message.html",
                        browser_language(request),
                        {"title": "portal.signed_out_title", "body": "portal.please_sign_in"},
                        status=401,
                    )
                form = None
                if request.method == "POST":
                    form = await request.form()
                    if not same(who.csrf, form.get("csrf")):
                        return self.render(
                            request,
                            "message.html",
                            who.language,
                            {"title": "portal.refused_title", "body": "portal.csrf_failed"},
                            status=403,
                            who=who,
                        )
                result = await view(Ctx(request, session, who, now, form))
            return await result.make() if isinstance(result, AfterCommit) else result

        return endpoint
