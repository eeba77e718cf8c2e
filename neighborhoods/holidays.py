"""Public holidays close every office; which state's holidays is a setting."""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=64)
def _holidays_for(state: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("DE", subdiv=state, years=year, language="de")


def public_holiday_name(day: datetime.date) -> str | None:
    """The German name of the public holiday on `day`, or None on a working day."""
    return _holidays_for(settings.HOLIDAY_STATE, day.year).get(day)


def public_holidays_between(first: datetime.date, last: datetime.date) -> dict[datetime.date, str]:
    found: dict[datetime.date, str] = {}
    for year in range(first.year, last.year + 1):
        for day, name in _holidays_for(settings.HOLIDAY_STATE, year).items():
            if first <= day <= last:
                found[day] = name
    return found
