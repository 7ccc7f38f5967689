"""Invitations in the portal: the list with status, create (link and printable QR code,
shown once: only the token's hash is kept), revoke."""

from __future__ import annotations

import base64

from starlette.responses import RedirectResponse, Response

from bot.clinic.admin import AdminError, create_invitation, parse_duration
from bot.clinic.invitations import EXPIRY_CHOICES, list_invitations, revoke_invitation
from bot.reports.qr import qr_png
from bot.web.portal.core import Ctx, Endpoint, Portal

DEFAULT_EXPIRY = "14d"
NOTE_MAX = 500


def _instruments(portal: Portal) -> list[str]:
    return [f.id for f in portal.runtime.engine.flows.values() if f.instrument is not None]


async def _list_page(
    portal: Portal, ctx: Ctx, error: str | None = None, status: int = 200
) -> Response:
    rows = await list_invitations(ctx.session, ctx.who.clinic_id, ctx.now)
    return portal.render(
        ctx.request,
        "invitations.html",
        ctx.who.language,
        {
            "rows": rows,
            "instruments": _instruments(portal),
            "expiries": EXPIRY_CHOICES,
            "default_expiry": DEFAULT_EXPIRY,
            "note_max": NOTE_MAX,
            "error": error,
        },
        status=status,
        who=ctx.who,
    )


def invitation_list(portal: Portal) -> Endpoint:
    async def view(ctx: Ctx) -> Response:
        return await _list_page(portal, ctx)

    return portal.signed_in(view)


def invitation_create(portal: Portal) -> Endpoint:
    async def view(ctx: Ctx) -> Response:
        assert ctx.form is not None
        username = (portal.runtime.settings.telegram_bot_username or "").lstrip("@")
        chosen = [i for i in ctx.form.getlist("instruments") if isinstance(i, str)]
        expiry = ctx.form.get("expires", DEFAULT_EXPIRY)
        note = ctx.form.get("note", "")
        note_text = note.strip()[:NOTE_MAX] if isinstance(note, str) else ""
        if not username:
            return await _list_page(portal, ctx, "portal.invite_no_bot", 503)
        if not chosen:
            return await _list_page(portal, ctx, "portal.invite_pick", 400)
        try:
            made = await create_invitation(
                ctx.session,
                ctx.who.clinic_id,
                chosen,
                _instruments(portal),
                parse_duration(expiry if expiry in EXPIRY_CHOICES else DEFAULT_EXPIRY),
                note_text or None,
                username,
                ctx.now,
                ctx.who.actor,
            )
        except AdminError:
            return await _list_page(portal, ctx, "portal.invite_pick", 400)
        return portal.render(
            ctx.request,
            "invitation_created.html",
            ctx.who.language,
            {
                "link": made.link,
                "qr": base64.b64encode(qr_png(made.link)).decode(),
                "instruments": chosen,
                "note": note_text,
                "expiry": expiry,
            },
            who=ctx.who,
        )

    return portal.signed_in(view)


def invitation_revoke(portal: Portal) -> Endpoint:
    async def view(ctx: Ctx) -> Response:
        invitation_id = ctx.request.path_params["invitation"]
        if not await revoke_invitation(
            ctx.session, ctx.who.clinic_id, invitation_id, ctx.now, ctx.who.actor
        ):
            return portal.not_found(ctx)
        return RedirectResponse(ctx.request.url_for("portal:invitations").path, status_code=303)

    return portal.signed_in(view)
