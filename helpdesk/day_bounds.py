"""How far from today a typed day may lie.

Date arithmetic near 0001-01-01 or 9999-12-31 overflows (a day list adds a day, the slot
search adds a year), so every form with a day checks it here and names the range in German.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Bookings, absences and availability are planned at most this far ahead.
YEARS_AHEAD = 2
# Day lists and ongoing absences may look back this far.
YEARS_BACK = 10


def _years_from(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def day_bounds(*, years_back: int = YEARS_BACK, years_ahead: int = YEARS_AHEAD):
    """The first and last day a person may type today."""
    today = timezone.localdate()
    return _years_from(today, -years_back), _years_from(today, years_ahead)


def check_day(
    day: datetime.date | None, *, years_back: int = YEARS_BACK, years_ahead: int = YEARS_AHEAD
) -> None:
    """Raise a ValidationError with the allowed range unless `day` lies within it."""
    if day is None:
        return
    first, last = day_bounds(years_back=years_back, years_ahead=years_ahead)
    if not first <= day <= last:
        raise ValidationError(
            _("Bitte wählen Sie einen Tag zwischen dem %(first)s und dem %(last)s.")
            % {"first": date_format(first, "d.m.Y"), "last": date_format(last, "d.m.Y")},
            code="out_of_range",
        )
