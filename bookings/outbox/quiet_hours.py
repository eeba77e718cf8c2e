"""When messages may reach people: not at night, not on Sundays and public holidays.

Quiet hours delay a message, they never drop it (DESIGN.md invariant 4).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from neighborhoods.holidays import public_holiday_name

SUNDAY = 6


def _quiet_day(day: datetime.date) -> bool:
    return day.weekday() == SUNDAY or public_holiday_name(day) is not None


def last_allowed_day_before(day: datetime.date) -> datetime.date:
    """The latest day before `day` on which messages may go out (not a Sunday or holiday)."""
    earlier = day - datetime.timedelta(days=1)
    while _quiet_day(earlier):
        earlier -= datetime.timedelta(days=1)
    return earlier


def quiet_until(moment: datetime.datetime) -> datetime.datetime | None:
    """None if a message may go out at `moment`, else the first moment it may."""
    local = timezone.localtime(moment)
    start, end = settings.QUIET_HOURS_START, settings.QUIET_HOURS_END
    if not _quiet_day(local.date()) and end <= local.hour < start:
        return None
    day = local.date() if local.hour < end else local.date() + datetime.timedelta(days=1)
    while _quiet_day(day):
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(end)))
