"""The follow-up plan of one episode (KCE pathway defaults from ``config.yaml``).

Everything is computed from plain values; nothing reads the clock. Due times are aware
UTC datetimes. Planned days land at the patient's preferred local time of day and are
then moved out of quiet hours; moments due "at once" keep the first-contact time
(moved only when that falls in quiet hours). The engine should treat moments due at
the first contact as part of the intake conversation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, get_args

from bot.pathway.config import PainType, PathwayConfig, ReviewKind
from bot.pathway.quiet_hours import local_to_utc, next_allowed, require_aware

MomentKind = Literal["risk_questionnaire", "checkin", "comi", ReviewKind]

_KIND_ORDER: dict[MomentKind, int] = {
    "risk_questionnaire": 0,
    "comi": 1,
    "checkin": 2,
    "review_severe_pain": 3,
    "review_multimodal": 4,
    "review_subacute": 5,
    "review_specialist": 6,
    "review_chronic": 7,
}


#: the moments that differ between the two tracks (the others are shared: COMI and the
#: risk questionnaire, whose only difference is its day)
TRACK_KINDS: frozenset[MomentKind] = frozenset({"checkin", *get_args(ReviewKind)})


@dataclass(frozen=True)
class PlannedMoment:
    """One pathway moment; ``due`` is aware and in UTC."""

    kind: MomentKind
    due: datetime


@dataclass(frozen=True)
class _Planner:
    config: PathwayConfig
    first_contact: datetime
    preferred: time

    @property
    def first_day(self) -> date:
        return self.first_contact.astimezone(self.config.tz).date()

    def at_once(self) -> datetime:
        return self._allowed(self.first_contact)

    def on_day(self, day: date) -> datetime:
        """At the preferred time on local ``day``; at once when that is not in the future."""
        due = self._allowed(local_to_utc(day, self.preferred, self.config.tz))
        return due if due > self.first_contact else self.at_once()

    def not_before(self, earliest: datetime, due: datetime) -> datetime:
        """``due``, or the first preferred time of day at or after ``earliest``."""
        if due >= earliest:
            return due
        day = earliest.astimezone(self.config.tz).date()
        while (pushed := self.on_day(day)) < earliest:
            day += timedelta(days=1)
        return pushed

    def _allowed(self, due: datetime) -> datetime:
        q = self.config.quiet_hours
        return next_allowed(due, q.start, q.end, self.config.tz, self.preferred)


def plan_episode(
    onset: date,
    first_contact: datetime,
    pain_type: PainType,
    recurrent: bool,
    config: PathwayConfig,
    preferred_time: time | None = None,
    horizon_weeks: int = 26,
) -> list[PlannedMoment]:
    """All moments due before ``first_contact + horizon_weeks``, sorted by due time.

    ``onset`` is the local calendar date the pain started; ``first_contact`` the aware
    instant of the first contact for this episode; ``preferred_time`` the patient's local
    time of day (default ``config.preferred_time``).
    """
    require_aware(first_contact, "first_contact")
    first_contact = first_contact.astimezone(UTC)
    planner = _Planner(
        config, first_contact, config.preferred_time if preferred_time is None else preferred_time
    )
    if onset > planner.first_day:
        raise ValueError("onset is after the first contact")
    horizon = first_contact + timedelta(weeks=horizon_weeks)
    moments = [
        _risk_questionnaire(onset, pain_type, recurrent, planner),
        *_checkins(pain_type, planner, horizon),
        *_comi(planner, horizon_weeks),
        *_reviews(onset, pain_type, planner),
    ]
    return sorted(
        (m for m in moments if m.due < horizon),
        key=lambda m: (m.due, _KIND_ORDER[m.kind]),
    )


def _risk_questionnaire(
    onset: date, pain_type: PainType, recurrent: bool, planner: _Planner
) -> PlannedMoment:
    rq = planner.config.risk_questionnaire
    days_since_onset = (planner.first_day - onset).days
    at_once = (recurrent and rq.at_once_if_recurrent) or (
        days_since_onset > rq.at_once_if_onset_over_days
    )
    if at_once:
        # Recurrent pain, or weeks of pain without suitable care: assess at once
        # (seed 001 l.649-653), also within 48 h of the onset.
        return PlannedMoment("risk_questionnaire", planner.at_once())
    due = planner.on_day(onset + timedelta(days=rq.after_onset_days.of(pain_type)))
    # The onset time within its day is unknown, so the 48 h run from the end of the
    # onset day: never earlier than that, whatever the hour the pain began.
    end_of_onset_day = local_to_utc(onset + timedelta(days=1), time(0), planner.config.tz)
    earliest = end_of_onset_day + timedelta(hours=rq.not_before_hours)
    return PlannedMoment("risk_questionnaire", planner.not_before(earliest, due))


def _checkins(pain_type: PainType, planner: _Planner, horizon: datetime) -> Iterator[PlannedMoment]:
    cadence = planner.config.checkins.of(pain_type)
    offset = cadence.first_after_first_contact_days
    while (due := planner.on_day(planner.first_day + timedelta(days=offset))) < horizon:
        yield PlannedMoment("checkin", due)
        offset += cadence.every_days


def _comi(planner: _Planner, horizon_weeks: int) -> Iterator[PlannedMoment]:
    comi = planner.config.comi
    weeks = list(comi.weeks_after_first_contact)
    while (week := weeks[-1] + comi.then_every_weeks) < horizon_weeks:
        weeks.append(week)
    for week in weeks:
        if week == 0:
            yield PlannedMoment("comi", planner.at_once())
        else:
            yield PlannedMoment("comi", planner.on_day(planner.first_day + timedelta(weeks=week)))


def _reviews(onset: date, pain_type: PainType, planner: _Planner) -> list[PlannedMoment]:
    """Reviews counted from onset, at least a minimum after the first contact.

    With a late first contact several reviews can be pulled to the same day; a review
    whose day is not before the next one's is then dropped (the later review, e.g. the
    chronic one, supersedes it).
    """
    reviews = planner.config.reviews
    track = reviews.back if pain_type == "back" else reviews.radicular
    days: list[tuple[MomentKind, date]] = [
        (
            kind,
            max(
                onset + timedelta(days=after),
                planner.first_day + timedelta(days=reviews.min_days(kind)),
            ),
        )
        for kind, after in track.after_onset_days()
    ]
    days.sort(key=lambda item: item[1])
    kept = [
        (kind, day)
        for i, (kind, day) in enumerate(days)
        if i + 1 == len(days) or day < days[i + 1][1]
    ]
    return [PlannedMoment(kind, planner.on_day(day)) for kind, day in kept]


def plan_switched_to_radicular(
    onset: date,
    first_contact: datetime,
    switched_at: datetime,
    recurrent: bool,
    config: PathwayConfig,
    preferred_time: time | None = None,
    horizon_weeks: int = 26,
) -> list[PlannedMoment]:
    """The plan of an episode begun as back pain that moved to the radicular track at
    ``switched_at`` (the pain now goes below the knee or into the front of the thigh).

    The radicular track starts at the switch, as if it were its first contact (seed 002
    l.303: re-evaluate radicular pain after a week): check-ins a week after the switch and
    then on the radicular cadence; reviews counted from onset, but not before their
    minimum after the switch, so there is a radicular pain score to compare with. The
    moments both tracks share keep the episode's own plan: the COMI schedule, and the
    risk questionnaire on the day it was planned for back pain (never lost by a switch
    after the earlier radicular day).
    """
    require_aware(switched_at, "switched_at")
    shared = plan_episode(
        onset, first_contact, "back", recurrent, config, preferred_time, horizon_weeks
    )
    track = plan_episode(
        onset,
        max(switched_at, first_contact),
        "radicular",
        recurrent,
        config,
        preferred_time,
        horizon_weeks,
    )
    moments = [m for m in shared if m.kind not in TRACK_KINDS]
    moments += [m for m in track if m.kind in TRACK_KINDS]
    return sorted(moments, key=lambda m: (m.due, _KIND_ORDER[m.kind]))
