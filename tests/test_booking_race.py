"""Many desks race for the last slot, seat or device: the database lets exactly one win.

These need PostgreSQL: SQLite takes one writer at a time, so there is no race to lose.
"""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection

from bookings import services
from bookings.models import (
    Assignment,
    Availability,
    LoanReservation,
    Registration,
    RegistrationStatus,
)
from tests.conftest import at, make_helper, make_senior, make_workshop, needs_postgres

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]

RACERS = 16


def race(attempt) -> list[object]:
    """Run attempt(i) in RACERS threads released at once; return each result or error."""
    barrier = threading.Barrier(RACERS)
    results: list[object] = [None] * RACERS

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = attempt(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_race_for_one_helper_slot_books_exactly_once(helper, office, topic, monday):
    seniors = [make_senior(last_name=f"Racer{i}") for i in range(RACERS)]

    results = race(
        lambda i: services.appointment_book(
            senior=seniors[i], helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
        )
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == RACERS - 1
    assert all(isinstance(e, services.SlotTaken) for e in errors), errors
    assert all("gerade vergeben" in e.messages[0] for e in errors)
    assert Assignment.objects.count() == 1
    assert helper.appointments.count() == 1


def test_race_for_last_workshop_seat_never_overbooks(helper, office, topic):
    workshop = make_workshop(office, topic, seats=3)
    seniors = [make_senior(last_name=f"Racer{i}") for i in range(RACERS)]

    results = race(lambda i: services.workshop_register(workshop=workshop, senior=seniors[i]))

    assert not [r for r in results if isinstance(r, Exception)]
    statuses = sorted(r.status for r in results)
    assert statuses.count(RegistrationStatus.REGISTERED) == 3
    assert statuses.count(RegistrationStatus.WAITLISTED) == RACERS - 3
    positions = sorted(Registration.objects.values_list("position", flat=True))
    assert positions == list(range(1, RACERS + 1))


def test_race_for_seats_is_refused_by_the_database_itself(helper, office, topic):
    # Bypass the service and its row lock: the trigger alone must hold the line.
    workshop = make_workshop(office, topic, seats=1)
    seniors = [make_senior(last_name=f"Racer{i}") for i in range(RACERS)]

    results = race(
        lambda i: Registration.objects.create(workshop=workshop, senior=seniors[i], position=i + 1)
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == RACERS - 1
    assert all(isinstance(e, IntegrityError) and "workshop_full" in str(e) for e in errors)
    assert Registration.objects.filter(status=RegistrationStatus.REGISTERED).count() == 1


def test_race_for_last_loan_device_lends_it_once(office, topic, monday, loan_device):
    helpers = []
    for i in range(RACERS):
        helper = make_helper(office, topic, first_name=f"Helfer{i}")
        helpers.append(helper)
    assert Availability.objects.filter(office=office, weekday=0).count() == RACERS
    seniors = [make_senior(last_name=f"Racer{i}") for i in range(RACERS)]

    results = race(
        lambda i: services.appointment_book(
            senior=seniors[i],
            helper=helpers[i],
            office=office,
            topic=topic,
            starts_at=at(monday, 10),
            loan_device_kind="ipad",
        )
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == RACERS - 1
    assert all(isinstance(e, services.NoLoanDevice) for e in errors), errors
    assert LoanReservation.objects.count() == 1
    # The losers' appointments were rolled back with their failed reservation.
    assert Assignment.objects.count() == 1
