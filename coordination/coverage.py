"""Which opening hours of the coming days have no helper available (Sprechstunde gaps).

Built from the same facts and range arithmetic as the slot search (`bookings.availability`):
opening hours, minus closures and public holidays, minus the time covered by active
helpers' availability at that office, where the helper is not absent. Four queries for
every office and day together.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F

from bookings.availability import days_by_key, ranges_minus
from bookings.models import Absence, Availability
from neighborhoods.holidays import public_holidays_between
from neighborhoods.models import Closure, Office, OpeningHours

DAYS_AHEAD = 7


@dataclass(frozen=True)
class Gap:
    office: str
    day: datetime.date
    starts: datetime.time
    ends: datetime.time


def _opening(offices) -> dict[tuple[int, int], list[tuple[datetime.time, datetime.time]]]:
    found = defaultdict(list)
    rows = OpeningHours.objects.filter(office__in=offices).order_by("opens")
    for office_id, weekday, opens, closes in rows.values_list(
        "office_id", "weekday", "opens", "closes"
    ):
        found[(office_id, weekday)].append((opens, closes))
    return found


def _covering(first: datetime.date, last: datetime.date, offices) -> dict[tuple[int, int], list]:
    """Active helpers' weekly ranges at offices they (still) belong to, valid in the
    window, by (office, weekday)."""
    found = defaultdict(list)
    rows = (
        Availability.objects.filter(
            office__in=offices,
            helper__active=True,
            helper__offices=F("office"),
            valid_from__lte=last,
        )
        .exclude(valid_until__lt=first)
        .values_list(
            "office_id", "weekday", "helper_id", "starts", "ends", "valid_from", "valid_until"
        )
        .order_by()
    )
    for office_id, weekday, *rest in rows:
        found[(office_id, weekday)].append(rest)
    return found


def coverage_gaps(first: datetime.date, days: int = DAYS_AHEAD) -> list[Gap]:
    """Every stretch of opening hours from `first` on, for `days` days, when the office
    is open and no helper is available; by day, then office, then time."""
    last = first + datetime.timedelta(days=days - 1)
    offices = dict(Office.objects.filter(active=True).values_list("pk", "name"))
    opening = _opening(list(offices))
    closed = days_by_key(
        Closure.objects.filter(office__in=list(offices), starts_on__lte=last, ends_on__gte=first)
        .values_list("office_id", "starts_on", "ends_on")
        .order_by(),
        first,
        last,
    )
    absent = days_by_key(
        Absence.objects.filter(starts_on__lte=last, ends_on__gte=first)
        .values_list("helper_id", "starts_on", "ends_on")
        .order_by(),
        first,
        last,
    )
    holidays = public_holidays_between(first, last)
    covering = _covering(first, last, list(offices))
    gaps = []
    for offset in range(days):
        day = first + datetime.timedelta(days=offset)
        if day in holidays:
            continue
        for office_id, name in sorted(offices.items(), key=lambda item: item[1]):
            hours = opening.get((office_id, day.weekday()))
            if not hours or day in closed[office_id]:
                continue
            helpers_there = [
                (starts, ends)
                for helper, starts, ends, valid_from, valid_until in covering[
                    (office_id, day.weekday())
                ]
                if valid_from <= day
                and (valid_until is None or valid_until >= day)
                and day not in absent[helper]
            ]
            for starts, ends in ranges_minus(list(hours), helpers_there):
                gaps.append(Gap(name, day, starts, ends))
    return gaps
