"""Booking, cancelling and moving through the services (DESIGN.md invariants 3 and 5)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import services
from bookings.models import (
    Absence,
    AppointmentStatus,
    Assignment,
    CancellationReason,
    LoanReservation,
    Reminder,
)
from bookings.services import appointments
from neighborhoods.holidays import public_holidays_between
from neighborhoods.models import Closure
from tests.conftest import at, make_senior


def book(senior, helper, office, topic, starts_at, **extra):
    return services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=starts_at, **extra
    )


def test_it_books_inside_availability(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))

    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.ends_at - appointment.starts_at == datetime.timedelta(hours=1)
    assert Assignment.objects.get(appointment=appointment).helper == helper


def test_it_queues_confirmation_and_day_before_reminder(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))

    kinds = set(appointment.reminders.values_list("kind", flat=True))
    assert kinds == {Reminder.Kind.CONFIRMATION, Reminder.Kind.DAY_BEFORE}
    day_before = appointment.reminders.get(kind=Reminder.Kind.DAY_BEFORE)
    # Sunday is quiet: the reminder goes on the Saturday before.
    assert timezone.localtime(day_before.due_at) == at(monday - datetime.timedelta(days=2), 10)
    assert appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION).channel == "sms"


def test_it_queues_nothing_without_consent(helper, office, topic, monday):
    senior = make_senior(reminder_consent=False)
    appointment = book(senior, helper, office, topic, at(monday, 10))
    assert appointment.reminders.count() == 0


@pytest.mark.parametrize(
    ("hour", "message"),
    [
        (13, "nicht geöffnet"),  # lunch break
        (14, "keine Sprechzeit"),  # office open, helper not available
    ],
)
def test_it_refuses_outside_hours(senior, helper, office, topic, monday, hour, message):
    with pytest.raises(services.BookingError, match=message):
        book(senior, helper, office, topic, at(monday, hour))
    assert not Assignment.objects.exists()


def test_it_refuses_the_past(senior, helper, office, topic):
    with pytest.raises(services.BookingError, match="Vergangenheit"):
        book(senior, helper, office, topic, timezone.now() - datetime.timedelta(hours=1))


def test_it_refuses_a_closure(senior, helper, office, topic, monday):
    Closure.objects.create(office=office, starts_on=monday, ends_on=monday, reason="Renovierung")
    with pytest.raises(services.BookingError, match="Renovierung"):
        book(senior, helper, office, topic, at(monday, 10))


def test_it_refuses_a_public_holiday(senior, helper, office, topic):
    # Whit Monday is a public holiday in every German state.
    import holidays

    whit_mondays = [
        day
        for day, name in holidays.Germany(subdiv="RP", years=[2027, 2028], language="de").items()
        if name == "Pfingstmontag" and day > timezone.localdate()
    ]
    with pytest.raises(services.BookingError, match="Pfingstmontag"):
        book(senior, helper, office, topic, at(whit_mondays[0], 10))


def test_it_refuses_during_an_absence(senior, helper, office, topic, monday):
    Absence.objects.create(helper=helper, starts_on=monday, ends_on=monday)
    with pytest.raises(services.BookingError, match="abwesend"):
        book(senior, helper, office, topic, at(monday, 10))


def test_a_slot_taken_a_moment_ago_is_refused_before_anything_is_written(
    senior, helper, office, topic, monday
):
    book(senior, helper, office, topic, at(monday, 10))
    other = make_senior()
    # No transaction to roll back: at a rollback psycopg drops the prepared statements.
    with (
        CaptureQueriesContext(connection) as captured,
        pytest.raises(services.SlotTaken, match="gerade vergeben"),
    ):
        book(other, helper, office, topic, at(monday, 10, 30))
    statements = " ".join(query["sql"] for query in captured.captured_queries).upper()
    assert "SELECT" in statements
    assert not {"SAVEPOINT", "ROLLBACK", "INSERT"} & set(statements.split())
    assert Assignment.objects.count() == 1


def test_it_refuses_an_overlap_in_the_database(senior, helper, office, topic, monday, monkeypatch):
    book(senior, helper, office, topic, at(monday, 10))
    # As if the other booking came between the check and the insert.
    monkeypatch.setattr(appointments, "_check_helper_free", lambda *args: None)
    with pytest.raises(services.SlotTaken, match="gerade vergeben"):
        book(make_senior(), helper, office, topic, at(monday, 10, 30))
    assert Assignment.objects.count() == 1


def test_it_reserves_a_loan_device_and_refuses_a_second(
    senior, helper, other_helper, office, topic, monday, loan_device
):
    other_helper.offices.add(office)
    from bookings.models import Availability

    Availability.objects.create(
        helper=other_helper,
        office=office,
        weekday=0,
        starts=datetime.time(10),
        ends=datetime.time(12),
        valid_from=timezone.localdate(),
    )
    first = book(senior, helper, office, topic, at(monday, 10), loan_device_kind="ipad")
    assert first.loan_reservation.device == loan_device

    with pytest.raises(services.NoLoanDevice):
        book(make_senior(), other_helper, office, topic, at(monday, 10), loan_device_kind="ipad")
    assert LoanReservation.objects.count() == 1


def test_cancel_frees_the_slot_at_once(senior, helper, office, topic, monday, loan_device):
    appointment = book(senior, helper, office, topic, at(monday, 10), loan_device_kind="ipad")

    services.appointment_cancel(appointment=appointment, reason=CancellationReason.SENIOR)

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert not Assignment.objects.exists()
    assert not LoanReservation.objects.exists()
    statuses = dict(appointment.reminders.values_list("kind", "status"))
    assert statuses[Reminder.Kind.DAY_BEFORE] == Reminder.Status.CANCELLED
    assert statuses[Reminder.Kind.CANCELLED] == Reminder.Status.PENDING
    again = book(make_senior(), helper, office, topic, at(monday, 10), loan_device_kind="ipad")
    assert again.loan_reservation.device == loan_device


def test_move_takes_new_slot_and_reschedules_reminders(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    tuesday = monday + datetime.timedelta(days=1)

    services.appointment_move(
        appointment=appointment, helper=helper, office=office, starts_at=at(tuesday, 11)
    )

    assignment = Assignment.objects.get(appointment=appointment)
    assert assignment.starts_at == at(tuesday, 11)
    pending = appointment.reminders.filter(status=Reminder.Status.PENDING)
    assert set(pending.values_list("kind", flat=True)) == {
        Reminder.Kind.MOVED,
        Reminder.Kind.DAY_BEFORE,
    }
    assert timezone.localtime(pending.get(kind=Reminder.Kind.DAY_BEFORE).due_at) == at(monday, 10)


def test_move_to_a_taken_slot_keeps_the_old_one(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    book(make_senior(), helper, office, topic, at(monday, 11))

    with pytest.raises(services.SlotTaken):
        services.appointment_move(
            appointment=appointment, helper=helper, office=office, starts_at=at(monday, 11)
        )

    appointment.refresh_from_db()
    assert appointment.starts_at == at(monday, 10)
    assert Assignment.objects.get(appointment=appointment).starts_at == at(monday, 10)


def test_mark_refuses_a_future_appointment(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    with pytest.raises(services.BookingError, match="erst an seinem Tag"):
        services.appointment_mark(appointment=appointment, status=AppointmentStatus.ATTENDED)


def _first_working_day_after_switch(month: int) -> datetime.date:
    """The first weekday without a holiday after the last Sunday of `month` next year."""
    year = timezone.localdate().year + 1
    last_day = datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
    day = last_day - datetime.timedelta(days=(last_day.weekday() + 1) % 7)
    day += datetime.timedelta(days=1)
    while day.weekday() > 4 or public_holidays_between(day, day):
        day += datetime.timedelta(days=1)
    return day


@pytest.mark.parametrize(("month", "utc_hour"), [(3, 8), (10, 9)])
def test_daylight_saving_switch_keeps_wall_clock_times(
    senior, helper, office, topic, month, utc_hour
):
    # After the March switch 10:00 in Berlin is 08:00 UTC, after October's it is 09:00.
    day = _first_working_day_after_switch(month)
    appointment = book(senior, helper, office, topic, at(day, 10))

    assert appointment.starts_at.astimezone(datetime.UTC).hour == utc_hour
    assert timezone.localtime(appointment.starts_at).hour == 10
    day_before = appointment.reminders.get(kind=Reminder.Kind.DAY_BEFORE)
    assert timezone.localtime(day_before.due_at).hour == 10
