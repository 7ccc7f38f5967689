"""Quiet hours and wall-clock arithmetic in a local time zone, correct across DST.

Local times are always built with :func:`local_to_utc` from a calendar date and a wall
time, never by adding hours to a local datetime, so a reminder planned for 10:00 stays
at 10:00 on both sides of a daylight-saving change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def in_quiet_hours(t: time, quiet_start: time, quiet_end: time) -> bool:
    """Whether wall time ``t`` lies in ``[quiet_start, quiet_end)``, wrapping midnight."""
    if quiet_start <= quiet_end:
        return quiet_start <= t < quiet_end
    return t >= quiet_start or t < quiet_end


def local_to_utc(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall time ``wall`` on ``day`` in ``tz``.

    Deliberate DST choices:

    - nonexistent wall time (spring forward, e.g. 02:30 on 2026-03-29 in Brussels): moved
      forward by the length of the gap (02:30 -> 03:30 CEST), so it is never earlier
      than asked;
    - ambiguous wall time (fall back, e.g. 02:30 on 2026-10-25 in Brussels): the first
      occurrence (CEST), so it is never later than asked.

    Both follow from ``fold=0``, which :mod:`zoneinfo` resolves with the offset in force
    before the transition.
    """
    local = datetime.combine(day, wall.replace(tzinfo=None, fold=0), tzinfo=tz)
    return local.astimezone(UTC)


def require_aware(moment: datetime, name: str) -> None:
    """Raise when ``moment`` is naive: every instant crossing a module boundary is aware."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def next_allowed(
    due_utc: datetime,
    quiet_start: time,
    quiet_end: time,
    tz: ZoneInfo,
    preferred: time | None = None,
) -> datetime:
    """``due_utc`` if its local time is outside quiet hours, else the next allowed morning.

    The next morning is the end of the quiet hours on the following local day (or the
    same day when the quiet hours are entered after midnight), at ``preferred`` instead
    when that is later and itself outside quiet hours. The result is aware, in UTC.
    """
    require_aware(due_utc, "due_utc")
    local = due_utc.astimezone(tz)
    if not in_quiet_hours(local.time(), quiet_start, quiet_end):
        return due_utc.astimezone(UTC)
    day = local.date()
    wraps = quiet_start > quiet_end
    if wraps and local.time() >= quiet_start:
        day += timedelta(days=1)
    wall = quiet_end
    if (
        preferred is not None
        and preferred > quiet_end
        and not in_quiet_hours(preferred, quiet_start, quiet_end)
    ):
        wall = preferred
    return local_to_utc(day, wall, tz)
