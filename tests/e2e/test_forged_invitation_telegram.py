"""A typed `/start invite:...` on the Telegram path is an ordinary /start (issue #17, item 1)."""

from __future__ import annotations

from sqlalchemy import select

from bot.store.models import Invitation
from tests.clinic_support import clinic, invite
from tests.e2e.conftest import Harness


async def test_a_typed_invitation_on_telegram_is_an_ordinary_start(harness: Harness) -> None:
    runtime = harness.runtime
    runtime_clinic = await clinic(runtime, "Praktijk De Brug")
    await invite(runtime, runtime_clinic, ["nrs"])
    await harness.say(5550, "/start invite:1:1:nrs:Evil Clinic", "nl")
    texts = harness.texts(5550)
    assert texts and not any("Evil Clinic" in t for t in texts)
    welcome = runtime.catalogs.message("nl", "onboarding.welcome").split("{")[0][:20]
    assert any(welcome in t for t in texts)
    async with runtime.db.session() as session:
        invitation = (await session.execute(select(Invitation))).scalar_one()
    assert invitation.used_at is None
