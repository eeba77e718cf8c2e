"""Quiet hours delay messages, never drop them; checked with a frozen clock (invariant 4)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bookings.models import Reminder
from bookings.outbox.dispatch import dispatch_due
from bookings.outbox.quiet_hours import quiet_until
from neighborhoods.holidays import public_holiday_name
from tests.conftest import at
from tests.reminder_fixtures import book, travel


def _last_sunday(year: int, month: int) -> datetime.date:
    last = datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=(last.weekday() + 1) % 7)


def _switch_sunday(month: int) -> datetime.date:
    """The next DST switch Sunday in `month` whose Monday is a working day (not Easter)."""
    year = timezone.localdate().year + 1
    while public_holiday_name(_last_sunday(year, month) + datetime.timedelta(days=1)):
        year += 1
    return _last_sunday(year, month)


def test_it_allows_a_working_day_between_nine_and_eight(monday):
    assert quiet_until(at(monday, 9)) is None
    assert quiet_until(at(monday, 19, 59)) is None


def test_it_delays_the_evening_to_the_next_morning(monday):
    assert quiet_until(at(monday, 20)) == at(monday + datetime.timedelta(days=1), 9)
    assert quiet_until(at(monday, 8, 59)) == at(monday, 9)


def test_it_skips_sunday_and_public_holidays():
    year = timezone.localdate().year + 1
    christmas_eve = datetime.date(year, 12, 24)
    # 25 and 26 December are public holidays; a Sunday after them is skipped too.
    allowed = quiet_until(at(christmas_eve, 21))
    day = allowed.date()
    assert day > datetime.date(year, 12, 26)
    assert day.weekday() != 6
    assert timezone.localtime(allowed).hour == 9


@pytest.mark.parametrize(("month", "utc_offset"), [(3, 2), (10, 1)])
def test_daylight_saving_switch_nights(month, utc_offset):
    # Saturday evening before the switch; the next allowed moment is Monday 09:00 local,
    # which is 07:00 UTC after the March switch and 08:00 UTC after October's.
    sunday = _switch_sunday(month)
    saturday = sunday - datetime.timedelta(days=1)
    allowed = quiet_until(at(saturday, 22))
    assert timezone.localtime(allowed).date() == sunday + datetime.timedelta(days=1)
    assert timezone.localtime(allowed).hour == 9
    assert allowed.astimezone(datetime.UTC).hour == 9 - utc_offset
    # At 02:30 UTC on the switch night it is quiet, whatever the wall clock says.
    switch_night = datetime.datetime.combine(sunday, datetime.time(1, 30), tzinfo=datetime.UTC)
    assert quiet_until(switch_night) == allowed


def test_a_due_message_waits_at_night_and_goes_in_the_morning(
    fake_twilio, senior, helper, office, topic, monday
):
    evening = at(monday - datetime.timedelta(days=7), 21)
    with travel(evening):
        appointment = book(senior, helper, office, topic, at(monday, 10))
        dispatch_due()
    confirmation = appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION)
    assert confirmation.status == Reminder.Status.PENDING
    assert not fake_twilio.messages()

    with travel(at(monday - datetime.timedelta(days=6), 8, 59)):
        dispatch_due()
    assert not fake_twilio.messages()

    with travel(at(monday - datetime.timedelta(days=6), 9)):
        dispatch_due()
    confirmation.refresh_from_db()
    assert confirmation.status == Reminder.Status.SENT
    assert len(fake_twilio.messages()) == 1


@pytest.mark.parametrize("month", [3, 10])
def test_the_day_before_reminder_across_a_switch_goes_on_saturday(
    fake_twilio, senior, helper, office, topic, month
):
    # Appointment on the Monday after the switch: Sunday is quiet, so the reminder goes
    # on Saturday at the reminder hour, exactly once, and never on the Monday itself.
    sunday = _switch_sunday(month)
    monday = sunday + datetime.timedelta(days=1)
    saturday = sunday - datetime.timedelta(days=1)
    appointment = book(senior, helper, office, topic, at(monday, 10))
    day_before = appointment.reminders.get(kind=Reminder.Kind.DAY_BEFORE)
    Reminder.objects.exclude(pk=day_before.pk).delete()
    assert day_before.due_at == at(saturday, 10)

    with travel(at(saturday, 9, 59)):
        dispatch_due()
    assert not fake_twilio.messages()
    for moment in (at(saturday, 10), at(sunday, 10), at(monday, 9)):
        with travel(moment):
            dispatch_due()
            dispatch_due()
    assert len(fake_twilio.messages()) == 1
    assert "am Montag" in fake_twilio.messages()[0]["Body"]
