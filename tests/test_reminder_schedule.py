"""The worker side in django-q2: the every-minute schedule and the immediate dispatch."""

from __future__ import annotations

from django.utils.module_loading import import_string
from django_q.models import Schedule

from bookings.models import Reminder
from bookings.outbox import tasks
from bookings.outbox.tasks import ANONYMISE_SCHEDULE, DISPATCH_SCHEDULE, ensure_dispatch_schedule
from tests.conftest import at
from tests.reminder_fixtures import a_weekday_morning, book, travel


def test_migrate_created_one_schedule_and_again_keeps_one(db):
    ensure_dispatch_schedule()
    ensure_dispatch_schedule()
    (schedule,) = Schedule.objects.filter(name=DISPATCH_SCHEDULE)
    assert schedule.func == "bookings.outbox.tasks.dispatch"
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)


def test_a_booking_sends_its_confirmation_right_after_commit(
    django_capture_on_commit_callbacks, fake_twilio, senior, helper, office, topic, monday
):
    with travel(a_weekday_morning()), django_capture_on_commit_callbacks(execute=True):
        appointment = book(senior, helper, office, topic, at(monday, 10))

    confirmation = appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION)
    assert confirmation.status == Reminder.Status.SENT
    assert len(fake_twilio.messages()) == 1


def test_it_moves_schedules_stored_under_the_old_task_paths(db):
    Schedule.objects.filter(name__in=[DISPATCH_SCHEDULE, ANONYMISE_SCHEDULE]).delete()
    Schedule.objects.create(name=DISPATCH_SCHEDULE, func="bookings.tasks.dispatch", minutes=1)
    Schedule.objects.create(name=ANONYMISE_SCHEDULE, func="bookings.tasks.anonymise_seniors")

    ensure_dispatch_schedule()

    funcs = dict(Schedule.objects.values_list("name", "func"))
    assert funcs[DISPATCH_SCHEDULE] == "bookings.outbox.tasks.dispatch"
    assert funcs[ANONYMISE_SCHEDULE] == "bookings.outbox.tasks.anonymise_seniors"


def test_tasks_queued_under_the_old_paths_still_run():
    # django-q2 keeps queued tasks as dotted paths; the shim in bookings/tasks.py serves them.
    assert import_string("bookings.tasks.dispatch") is tasks.dispatch
    assert import_string("bookings.tasks.anonymise_seniors") is tasks.anonymise_seniors
