"""Runs in a subprocess against a file database: the parts of the reminder tests that
need real processes (workers killed with SIGKILL, a real qcluster).

    python -m tests.reminder_world populate N [S]  # N confirmations due now (or in S s)
    python -m tests.reminder_world book         # one booking through the service
    python -m tests.reminder_world dispatch     # send until nothing is left
    python -m tests.reminder_world dispatch-through-outage  # the same, the database may vanish
    python -m tests.reminder_world qcluster     # the django-q2 cluster
    python -m tests.reminder_world mixed N      # N due rows: SMS, calls and helper e-mails,
                                                # several rows to each number and address
    python -m tests.reminder_world feed         # keep dispatch tasks queued while rows are open

Quiet hours are switched off here (they have their own tests with a frozen clock), so
these tests pass at any hour and on Sundays.
"""

from __future__ import annotations

import datetime
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from bookings.models import (  # noqa: E402
    Appointment,
    Helper,
    Reminder,
    Senior,
    Topic,
)
from bookings.outbox import claims, dispatch  # noqa: E402
from neighborhoods.models import Office  # noqa: E402

claims.quiet_until = lambda moment: None


def populate(count: int, due_in: float = 0.0) -> Office:
    from tests.conftest import a_working_monday, at, make_helper, make_office

    office = make_office("Stadtteilbüro Grübentälchen")
    topic = Topic.objects.create(name="Smartphone")
    helper = make_helper(office, topic)
    seniors = Senior.objects.bulk_create(
        Senior(
            first_name="Gertrud",
            last_name=f"Test{n}",
            phone=f"+4915123{n:06d}",
            phone_kind="mobile",
            reminder_consent=True,
            search_key=f"gertrud test{n}",
        )
        for n in range(count)
    )
    starts = at(a_working_monday(), 10)
    appointments = Appointment.objects.bulk_create(
        Appointment(
            office=office,
            helper=helper,
            senior=senior,
            topic=topic,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
        )
        for senior in seniors
    )
    due = timezone.now() + datetime.timedelta(seconds=due_in)
    Reminder.objects.bulk_create(
        Reminder(
            appointment=appointment,
            senior=appointment.senior,
            kind=Reminder.Kind.CONFIRMATION,
            channel=Reminder.Channel.SMS,
            due_at=due,
            dedupe_key=f"appointment:{appointment.pk}:confirmation:0",
        )
        for appointment in appointments
    )
    return office


def populate_mixed(count: int) -> None:
    """`count` due rows, a third each SMS, call and e-mail to a helper; three rows share
    each mobile number, four each landline, and the e-mails go to five helpers."""
    from bookings.models import Helper
    from tests.conftest import a_working_monday, at, make_helper, make_office

    office = make_office("Stadtteilbüro Grübentälchen")
    topic = Topic.objects.create(name="Smartphone")
    helpers = [make_helper(office, topic, first_name=f"Helfer{n}") for n in range(5)]
    for n, helper in enumerate(helpers):
        helper.user.email = f"helfer{n}@example.org"
        helper.user.save()
        Helper.objects.filter(pk=helper.pk).update(notify_by=Helper.NotifyBy.EMAIL)
    channels = [Reminder.Channel.SMS, Reminder.Channel.VOICE, Reminder.Channel.EMAIL]
    starts = at(a_working_monday(), 10)
    now = timezone.now()
    plan = [channels[n % 3] for n in range(count)]
    seniors = Senior.objects.bulk_create(
        Senior(
            first_name="Gertrud",
            last_name=f"Test{n}",
            phone=f"+49631{n // 12:06d}" if channel == "voice" else f"+4915123{n // 9:06d}",
            phone_kind="landline" if channel == "voice" else "mobile",
            reminder_consent=True,
            search_key=f"gertrud test{n}",
        )
        for n, channel in enumerate(plan)
    )
    appointments = Appointment.objects.bulk_create(
        Appointment(
            office=office,
            helper=helpers[n % 5],
            senior=senior,
            topic=topic,
            starts_at=starts + datetime.timedelta(days=7 * (n // 5)),
            ends_at=starts + datetime.timedelta(days=7 * (n // 5), hours=1),
        )
        for n, senior in enumerate(seniors)
    )
    rows = [
        Reminder(
            appointment=appointment,
            senior=None if channel == Reminder.Channel.EMAIL else appointment.senior,
            helper=appointment.helper if channel == Reminder.Channel.EMAIL else None,
            kind=Reminder.Kind.CONFIRMATION,
            channel=channel,
            due_at=now,
            dedupe_key=f"mixed:{n}",
        )
        for n, (channel, appointment) in enumerate(zip(plan, appointments, strict=True))
    ]
    Reminder.objects.bulk_create(rows)


def feed() -> None:
    """Keep two dispatch tasks queued while rows are open, as bookings and the minute
    schedule would; stands for the web app, so the tests do not kill it."""
    from django_q.brokers import get_broker
    from django_q.tasks import async_task

    broker = get_broker()
    open_rows = Reminder.objects.filter(
        status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING]
    )
    while open_rows.exists():
        if broker.queue_size() < 2:
            async_task("bookings.outbox.tasks.dispatch", task_name="reminders.dispatch_soon")
        time.sleep(0.2)  # a polling interval, not a synchronisation


def depopulate(office: Office) -> None:
    """Remove what `populate` made, for a benchmark run against a database that stays."""
    appointments = Appointment.objects.filter(office=office)
    seniors = list(appointments.values_list("senior_id", flat=True))
    helpers = list(appointments.values_list("helper_id", flat=True).distinct())
    Reminder.objects.filter(appointment__office=office).delete()
    appointments.delete()
    Senior.objects.filter(pk__in=seniors).delete()
    users = list(Helper.objects.filter(pk__in=helpers).values_list("user_id", flat=True))
    Helper.objects.filter(pk__in=helpers).delete()
    User.objects.filter(pk__in=users).delete()
    office.delete()
    office.district.delete()
    Topic.objects.filter(name="Smartphone", appointments__isnull=True).delete()


def book() -> None:
    from bookings import services
    from tests.conftest import a_working_monday, at, make_helper, make_office, make_senior

    office = make_office("Stadtteilbüro Grübentälchen")
    topic = Topic.objects.create(name="Smartphone")
    helper = make_helper(office, topic)
    services.appointment_book(
        senior=make_senior(),
        helper=helper,
        office=office,
        topic=topic,
        starts_at=at(a_working_monday(), 10),
    )


def dispatch_until_done() -> None:
    open_rows = Reminder.objects.filter(
        status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING]
    )
    while open_rows.exists():
        if not dispatch.dispatch_due():
            time.sleep(0.1)  # waiting for a dead worker's lease to run out


def dispatch_through_outage() -> None:
    """`dispatch_until_done`, for a test that cuts the database away for a while: this
    loop's own check must not end the process; dispatch_due has to cope by itself."""
    from django.db import Error, connection

    while True:
        try:
            left = Reminder.objects.filter(
                status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING]
            ).exists()
        except Error:  # OperationalError, or InterfaceError on a connection already lost
            connection.close()
            time.sleep(0.1)  # the database is away; ask again shortly
            continue
        if not left:
            return
        if not dispatch.dispatch_due():
            time.sleep(0.1)  # waiting for a lease to run out


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "populate":
        populate(int(sys.argv[2]), *(float(arg) for arg in sys.argv[3:4]))
    elif command == "book":
        book()
    elif command == "dispatch":
        dispatch_until_done()
    elif command == "dispatch-through-outage":
        dispatch_through_outage()
    elif command == "mixed":
        populate_mixed(int(sys.argv[2]))
    elif command == "feed":
        feed()
    elif command == "qcluster":
        call_command("qcluster")
