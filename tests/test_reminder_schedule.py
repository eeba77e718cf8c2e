"""The worker side in django-q2: the every-minute schedule and the immediate dispatch."""

from __future__ import annotations

from django_q.models import Schedule

from bookings.models import Reminder
from bookings.tasks import DISPATCH_SCHEDULE, ensure_dispatch_schedule
from tests.conftest import at
from tests.reminder_fixtures import a_weekday_morning, book, travel


def test_migrate_created_one_schedule_and_again_keeps_one(db):
    ensure_dispatch_schedule()
    ensure_dispatch_schedule()
    (schedule,) = Schedule.objects.filter(name=DISPATCH_SCHEDULE)
    assert schedule.func == "bookings.tasks.dispatch"
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)


def test_a_booking_sends_its_confirmation_right_after_commit(
    django_capture_on_commit_callbacks, fake_twilio, senior, helper, office, topic, monday
):
    with travel(a_weekday_morning()), django_capture_on_commit_callbacks(execute=True):
        appointment = book(senior, helper, office, topic, at(monday, 10))

    confirmation = appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION)
    assert confirmation.status == Reminder.Status.SENT
    assert len(fake_twilio.messages()) == 1
