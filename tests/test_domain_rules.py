"""Rules that model validation explains in German before anything is saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bookings.models import Absence, Availability
from neighborhoods.models import OpeningHours


def test_availability_outside_opening_hours_is_refused(helper, office):
    availability = Availability(
        helper=helper, office=office, weekday=0, starts=datetime.time(12), ends=datetime.time(13)
    )
    with pytest.raises(ValidationError, match="nicht geöffnet"):
        availability.full_clean()


def test_availability_on_thursday_evening_is_fine(helper, office):
    availability = Availability(
        helper=helper, office=office, weekday=3, starts=datetime.time(16), ends=datetime.time(18)
    )
    availability.full_clean()


def test_availability_overlapping_own_range_is_refused(helper, office):
    # The helper fixture already has Monday 10–12.
    availability = Availability(
        helper=helper, office=office, weekday=0, starts=datetime.time(11), ends=datetime.time(12)
    )
    with pytest.raises(ValidationError, match="überschneidet sich"):
        availability.full_clean()


def test_availability_after_an_ended_range_is_fine(helper, office):
    last_day = timezone.localdate() + datetime.timedelta(days=30)
    helper.availabilities.filter(weekday=0).update(valid_until=last_day)
    availability = Availability(
        helper=helper,
        office=office,
        weekday=0,
        starts=datetime.time(11),
        ends=datetime.time(12),
        valid_from=last_day + datetime.timedelta(days=1),
    )
    availability.full_clean()


def test_absence_ending_before_it_starts_is_refused(helper):
    absence = Absence(
        helper=helper, starts_on=datetime.date(2026, 12, 10), ends_on=datetime.date(2026, 12, 1)
    )
    with pytest.raises(ValidationError, match="Ende der Abwesenheit liegt vor ihrem Beginn"):
        absence.full_clean()


def test_overlapping_opening_hours_are_refused(office):
    hours = OpeningHours(
        office=office, weekday=0, opens=datetime.time(11), closes=datetime.time(13)
    )
    with pytest.raises(ValidationError, match="überschneidet sich"):
        hours.full_clean()
