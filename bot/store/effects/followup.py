"""Writers of the follow-up effects: episodes, planned reminders and the patient's choices."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.engine.features.followup.effects import (
    EpisodeStarted,
    EpisodeTrackChanged,
    ReminderClosed,
    ReminderSettings,
    ReminderSnoozed,
    RemindersPlanned,
)
from bot.store.effects import WriteContext, writes
from bot.store.models import REMINDER_OPEN, Episode, Reminder


async def _active_episode(ctx: WriteContext) -> Episode | None:
    query = (
        select(Episode)
        .where(Episode.patient_id == ctx.patient.id, Episode.ended_at.is_(None))
        .order_by(Episode.id.desc())
        .limit(1)
    )
    return (await ctx.session.execute(query)).scalar_one_or_none()


async def _cancel(ctx: WriteContext, statuses: tuple[str, ...], reason: str) -> None:
    await ctx.session.execute(
        update(Reminder)
        .where(Reminder.patient_id == ctx.patient.id, Reminder.status.in_(statuses))
        .values(status="cancelled", last_error=reason)
    )


@writes(EpisodeStarted)
async def episode_started(ctx: WriteContext, effect: EpisodeStarted) -> None:
    """End the earlier episode (and its reminders), then open the new one."""
    await ctx.session.execute(
        update(Episode)
        .where(Episode.patient_id == ctx.patient.id, Episode.ended_at.is_(None))
        .values(ended_at=ctx.now, followup="done")
    )
    await _cancel(ctx, REMINDER_OPEN, "new_episode")
    ctx.session.add(
        Episode(
            patient_id=ctx.patient.id,
            onset=effect.onset,
            pain_type=effect.pain_type,
            recurrent=effect.recurrent,
            first_contact_at=effect.first_contact,
            followup="active",
        )
    )
    await ctx.session.flush()


@writes(EpisodeTrackChanged)
async def episode_track_changed(ctx: WriteContext, effect: EpisodeTrackChanged) -> None:
    """The current episode is on another track from now on (back pain became radicular);
    the RemindersPlanned that follows it replaces the planned moments."""
    episode = await _active_episode(ctx)
    if episode is not None:
        episode.pain_type = effect.pain_type


@writes(RemindersPlanned)
async def reminders_planned(ctx: WriteContext, effect: RemindersPlanned) -> None:
    """The plan replaces whatever was still planned (a new time of day, a restart), except
    the snoozed reminders it keeps, which move to their new due time."""
    kept = dict(effect.kept)
    await ctx.session.execute(
        update(Reminder)
        .where(
            Reminder.patient_id == ctx.patient.id,
            Reminder.status == "planned",
            Reminder.id.not_in(kept),
        )
        .values(status="cancelled", last_error="replanned")
    )
    for reminder_id, due in kept.items():
        await ctx.session.execute(
            update(Reminder)
            .where(
                Reminder.id == reminder_id,
                Reminder.patient_id == ctx.patient.id,
                Reminder.status == "planned",
            )
            .values(due_at=due)
        )
    episode = await _active_episode(ctx)
    for kind, due in effect.moments:
        ctx.session.add(
            Reminder(
                patient_id=ctx.patient.id,
                episode_id=episode.id if episode else None,
                kind=kind,
                due_at=due,
                status="planned",
                attempts=0,
                created_at=ctx.now,
            )
        )


@writes(ReminderClosed)
async def reminder_closed(ctx: WriteContext, effect: ReminderClosed) -> None:
    # A late answer still counts when the reminder expired meanwhile.
    closable = (*REMINDER_OPEN, "expired") if effect.status == "answered" else REMINDER_OPEN
    values: dict[str, object] = {"status": effect.status}
    if effect.status == "answered":
        values["answered_at"] = ctx.now
    await ctx.session.execute(
        update(Reminder)
        .where(
            Reminder.id == effect.reminder_id,
            Reminder.patient_id == ctx.patient.id,
            Reminder.status.in_(closable),
        )
        .values(**values)
    )


@writes(ReminderSnoozed)
async def reminder_snoozed(ctx: WriteContext, effect: ReminderSnoozed) -> None:
    await ctx.session.execute(
        update(Reminder)
        .where(
            Reminder.id == effect.reminder_id,
            Reminder.patient_id == ctx.patient.id,
            Reminder.status.in_(REMINDER_OPEN),
        )
        .values(
            status="planned", due_at=effect.until, sent_at=None, nudged_at=None, expires_at=None
        )
    )


@writes(ReminderSettings)
async def reminder_settings(ctx: WriteContext, effect: ReminderSettings) -> None:
    """On: clear a block (the patient writes to us again). Off: cancel what is open."""
    ctx.patient.preferred_time = effect.preferred_time
    ctx.patient.reminders_enabled = effect.enabled
    episode = await _active_episode(ctx)
    if effect.enabled:
        ctx.patient.blocked_at = None
    else:
        await _cancel(ctx, REMINDER_OPEN, "stopped")
    if episode is not None:
        episode.followup = "active" if effect.enabled else "stopped"
