"""The database itself refuses double bookings, on SQLite and PostgreSQL alike.

These bypass the services on purpose: whatever code writes, the rows cannot overlap.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from bookings.models import Appointment, Assignment, LoanReservation, Registration, Workshop
from tests.conftest import at, make_senior, make_workshop


def _appointment(senior, helper, office, topic, starts_at):
    return Appointment.objects.create(
        senior=senior,
        helper=helper,
        office=office,
        topic=topic,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
    )


def test_it_refuses_overlapping_assignments_of_one_helper(senior, helper, office, topic, monday):
    first = _appointment(senior, helper, office, topic, at(monday, 10))
    second = _appointment(make_senior(), helper, office, topic, at(monday, 10, 30))
    Assignment.objects.create(
        helper=helper, appointment=first, starts_at=first.starts_at, ends_at=first.ends_at
    )

    with pytest.raises(IntegrityError, match="assignment_no_overlap"), transaction.atomic():
        Assignment.objects.create(
            helper=helper, appointment=second, starts_at=second.starts_at, ends_at=second.ends_at
        )
    # Back to back is fine: ranges are half-open.
    Assignment.objects.create(
        helper=helper, appointment=second, starts_at=first.ends_at, ends_at=at(monday, 12)
    )
    assert Assignment.objects.count() == 2


def test_it_refuses_a_workshop_over_an_appointment(senior, helper, office, topic, monday):
    appointment = _appointment(senior, helper, office, topic, at(monday, 10))
    Assignment.objects.create(
        helper=helper, appointment=appointment, starts_at=at(monday, 10), ends_at=at(monday, 11)
    )
    workshop = Workshop.objects.create(
        office=office, title="Tablet", topic=topic, starts_at=at(monday, 9), ends_at=at(monday, 12)
    )
    with pytest.raises(IntegrityError, match="assignment_no_overlap"), transaction.atomic():
        Assignment.objects.create(helper=helper, workshop=workshop)


def test_it_refuses_lending_a_device_twice(senior, helper, office, topic, monday, loan_device):
    first = _appointment(senior, helper, office, topic, at(monday, 10))
    second = _appointment(make_senior(), helper, office, topic, at(monday, 10, 45))
    LoanReservation.objects.create(
        device=loan_device, appointment=first, starts_at=first.starts_at, ends_at=first.ends_at
    )
    with pytest.raises(IntegrityError, match="loan_reservation_no_overlap"), transaction.atomic():
        LoanReservation.objects.create(
            device=loan_device,
            appointment=second,
            starts_at=second.starts_at,
            ends_at=second.ends_at,
        )


def test_it_refuses_more_registrations_than_seats(office, topic):
    workshop = make_workshop(office, topic, seats=2)
    for position in (1, 2):
        Registration.objects.create(workshop=workshop, senior=make_senior(), position=position)
    with pytest.raises(IntegrityError, match="workshop_full"), transaction.atomic():
        Registration.objects.create(workshop=workshop, senior=make_senior(), position=3)
    # A waitlisted row is not a seat, and promoting it is refused while full.
    waiting = Registration.objects.create(
        workshop=workshop, senior=make_senior(), position=4, status="waitlisted"
    )
    waiting.status = "registered"
    with pytest.raises(IntegrityError, match="workshop_full"), transaction.atomic():
        waiting.save()
