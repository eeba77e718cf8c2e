"""A booking that loses a deadlock (or a serialization failure) is run again as a whole,
and after the last try staff get the German message, never an error page.

PostgreSQL picks deadlock victims by timing; to make the loss certain, the `deadlocks`
fixture (tests/conftest.py) makes the database raise the real error.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from bookings import services
from bookings.models import Appointment, Assignment, Reminder
from bookings.services import _guards
from tests.conftest import at, needs_postgres

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


def book(senior, helper, office, topic, monday):
    return services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_it_books_on_a_later_try_after_losing_a_race(
    deadlocks, sqlstate, senior, helper, office, topic, monday
):
    deadlocks(_guards.ATTEMPTS - 1, sqlstate)

    appointment = book(senior, helper, office, topic, monday)

    assert Appointment.objects.get() == appointment
    assert Assignment.objects.get().appointment == appointment
    # The failed tries left nothing behind: one confirmation, one reminder, once each.
    keys = list(Reminder.objects.filter(senior=senior).values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys)) > 0
    assert all(f"appointment:{appointment.pk}:" in key for key in keys)


def test_it_gives_the_german_message_after_the_last_try(
    deadlocks, senior, helper, office, topic, monday
):
    deadlocks(_guards.ATTEMPTS)

    with pytest.raises(services.SlotTaken) as refused:
        book(senior, helper, office, topic, monday)

    assert refused.value.messages == ["Dieser Termin wurde gerade vergeben."]
    assert not Appointment.objects.exists()
    assert not Reminder.objects.exists()
    # The fifth insert would pass: the service stopped after ATTEMPTS tries.
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM test_lost_races")
        assert cursor.fetchone() == (_guards.ATTEMPTS,)


def test_it_refuses_at_once_inside_a_callers_transaction(
    deadlocks, senior, helper, office, topic, monday
):
    deadlocks(1)

    with transaction.atomic():
        with pytest.raises(services.SlotTaken):
            book(senior, helper, office, topic, monday)
        # The service's savepoint was rolled back: the caller's transaction still works.
        assert not Appointment.objects.exists()


def test_it_does_not_retry_other_database_errors(senior, helper, office, topic, monday):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION test_break() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'disk full (test)' USING ERRCODE = '53100'; END $$ "
            "LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER test_break BEFORE INSERT ON bookings_assignment "
            "FOR EACH ROW EXECUTE FUNCTION test_break()"
        )
    try:
        with pytest.raises(Exception) as failed:
            book(senior, helper, office, topic, monday)
        assert not isinstance(failed.value, services.BookingError)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER test_break ON bookings_assignment")
            cursor.execute("DROP FUNCTION test_break()")
