"""Shared steps of the reminder tests: book, make the clock a weekday morning, dispatch."""

from __future__ import annotations

import datetime

import time_machine
from django.utils import timezone

from bookings import services
from tests.conftest import at


def book(senior, helper, office, topic, starts_at, **extra):
    return services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=starts_at, **extra
    )


def a_weekday_morning() -> datetime.datetime:
    """Tomorrow (or the next working day) at 11:00 local time: outside quiet hours, and a
    weekday, so that a day a whole number of weeks later is one the offices open on."""
    from bookings.outbox.quiet_hours import quiet_until

    moment = at(timezone.localdate() + datetime.timedelta(days=1), 11)
    while moment.weekday() >= 5 or quiet_until(moment):
        moment += datetime.timedelta(days=1)
    return moment


def travel(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)
