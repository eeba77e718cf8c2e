"""How many SQL queries one booking through `appointment_book` makes, outbox rows
included (issue 13: at most 12), and a move or a cancellation. Counted inside the
test's transaction, so the service's own transaction is a SAVEPOINT/RELEASE pair here
(nothing on PostgreSQL and one BEGIN on SQLite outside a test)."""

from __future__ import annotations

import datetime

from bookings import services
from bookings.models import Appointment, Assignment, Helper, LoanDevice, Reminder
from neighborhoods.models import Office
from tests.conftest import at, make_helper


def _as_the_desk_loads_them(helper, office):
    """Fresh rows, as the desk's booking view reads them from the request."""
    helper.user.email = "sabine@example.org"
    helper.user.save()
    return Helper.objects.select_related("user").get(pk=helper.pk), Office.objects.get(pk=office.pk)


def test_it_books_with_an_own_device_in_twelve_queries(
    senior, helper, office, topic, monday, django_assert_max_num_queries
):
    helper, office = _as_the_desk_loads_them(helper, office)

    # Slot rules 1, the helper's times 1 (before the transaction, see appointment_book),
    # appointment 1, assignment 1, the senior's contact person 1 (for the copies), outbox
    # rows 1, audit entry 1, the savepoint pair 2.
    with django_assert_max_num_queries(12) as captured:
        appointment = services.appointment_book(
            senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
        )

    assert len(captured.captured_queries) <= 9
    kinds = set(appointment.reminders.values_list("kind", "helper_id"))
    assert kinds == {
        (Reminder.Kind.CONFIRMATION, None),
        (Reminder.Kind.CONFIRMATION, helper.pk),
        (Reminder.Kind.DAY_BEFORE, None),
    }


def test_it_books_with_a_loan_device_in_eleven_queries(
    senior, helper, office, topic, monday, django_assert_max_num_queries
):
    LoanDevice.objects.create(office=office, kind="ipad", label="iPad 1")
    helper, office = _as_the_desk_loads_them(helper, office)

    # Two more than with an own device: the free devices, the reservation.
    with django_assert_max_num_queries(11):
        appointment = services.appointment_book(
            senior=senior,
            helper=helper,
            office=office,
            topic=topic,
            starts_at=at(monday, 10),
            loan_device_kind="ipad",
        )

    assert appointment.loan_reservation.device.label == "iPad 1"
    assert appointment.reminders.count() == 3


def test_a_second_free_device_costs_a_savepoint(
    senior, helper, office, topic, monday, django_assert_max_num_queries
):
    LoanDevice.objects.create(office=office, kind="ipad", label="iPad 1")
    LoanDevice.objects.create(office=office, kind="ipad", label="iPad 2")
    helper, office = _as_the_desk_loads_them(helper, office)

    # With a device to fall back on, the first is tried in a savepoint.
    with django_assert_max_num_queries(13):
        appointment = services.appointment_book(
            senior=senior,
            helper=helper,
            office=office,
            topic=topic,
            starts_at=at(monday, 10),
            loan_device_kind="ipad",
        )

    assert appointment.loan_reservation.device.label == "iPad 1"


def _booked(senior, helper, office, topic, starts_at) -> Appointment:
    helper, office = _as_the_desk_loads_them(helper, office)
    appointment = services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=starts_at
    )
    return Appointment.objects.get(pk=appointment.pk)  # as the desk's view reads it


def test_it_moves_to_another_helper_in_ten_queries(
    senior, helper, office, topic, monday, django_assert_max_num_queries
):
    appointment = _booked(senior, helper, office, topic, at(monday, 10))
    other, office = _as_the_desk_loads_them(make_helper(office, topic, first_name="Otto"), office)
    tuesday = monday + datetime.timedelta(days=1)

    # Lock (with senior, contact person, topic and helper), slot rules, loan device,
    # appointment, assignment, withdraw the unsent messages, the new ones in one insert,
    # the audit entry; the savepoint pair.
    with django_assert_max_num_queries(10):
        services.appointment_move(
            appointment=appointment, helper=other, office=office, starts_at=at(tuesday, 10)
        )

    rows = set(appointment.reminders.values_list("kind", "helper_id", "status"))
    assert rows == {
        (Reminder.Kind.CONFIRMATION, None, Reminder.Status.CANCELLED),
        (Reminder.Kind.CONFIRMATION, helper.pk, Reminder.Status.CANCELLED),
        (Reminder.Kind.DAY_BEFORE, None, Reminder.Status.CANCELLED),
        (Reminder.Kind.MOVED, None, Reminder.Status.PENDING),
        (Reminder.Kind.MOVED, other.pk, Reminder.Status.PENDING),
        (Reminder.Kind.CANCELLED, helper.pk, Reminder.Status.PENDING),
        (Reminder.Kind.DAY_BEFORE, None, Reminder.Status.PENDING),
    }


def test_it_cancels_in_nine_queries(
    senior, helper, office, topic, monday, django_assert_max_num_queries
):
    appointment = _booked(senior, helper, office, topic, at(monday, 10))

    # Lock (with the contact person), appointment, assignment, loan device, withdraw the
    # unsent messages, the cancellation messages in one insert, the audit entry; the
    # savepoint pair.
    with django_assert_max_num_queries(9):
        services.appointment_cancel(appointment=appointment, reason="senior")

    assert not Assignment.objects.filter(appointment=appointment).exists()
    pending = set(
        appointment.reminders.filter(status=Reminder.Status.PENDING).values_list(
            "kind", "helper_id"
        )
    )
    assert pending == {(Reminder.Kind.CANCELLED, None), (Reminder.Kind.CANCELLED, helper.pk)}


def test_asking_the_worker_keeps_the_connection_open(transactional_db, monkeypatch):
    """dispatch_soon runs in a booking's on_commit hook: queueing the task must not close
    the request's connection, as django-q2's ORM broker does outside a transaction.
    (SQLite's in-memory test database is never closed: this one tells on PostgreSQL.)"""
    from django.db import connection
    from django_q.conf import Conf
    from django_q.models import OrmQ

    from bookings.outbox.tasks import dispatch_soon

    monkeypatch.setattr(Conf, "SYNC", False)
    connection.ensure_connection()
    before = connection.connection

    dispatch_soon()

    assert connection.connection is before
    assert OrmQ.objects.count() == 1
