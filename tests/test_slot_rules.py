"""slot_problem's rules for one proposed time beyond opening hours and availability:
the helper must offer the topic, and the start must lie on the slot grid."""

from __future__ import annotations

import pytest

from bookings import services
from bookings.availability import SlotQuery, free_slots, slot_problem
from bookings.models import Topic
from tests.conftest import at, make_senior
from tests.reminder_fixtures import book


def test_a_helper_without_the_topic_is_refused(senior, helper, office, monday):
    email = Topic.objects.create(name="E-Mail", duration_minutes=60)

    problem = slot_problem(
        helper=helper, office=office, starts_at=at(monday, 10), ends_at=at(monday, 11), topic=email
    )
    assert problem == f"{helper} hilft nicht beim Thema E-Mail."
    with pytest.raises(services.BookingError, match="hilft nicht beim Thema E-Mail"):
        book(senior, helper, office, email, at(monday, 10))


@pytest.mark.parametrize(("hour", "minute"), [(10, 7), (10, 50), (10, 1)])
def test_a_start_off_the_grid_is_refused(senior, helper, office, topic, monday, hour, minute):
    with pytest.raises(services.BookingError) as refused:
        book(senior, helper, office, topic, at(monday, hour, minute))
    assert refused.value.messages == [
        "Diese Uhrzeit passt nicht in den Terminplan. "
        "Termine beginnen alle 15 Minuten ab 10:00 Uhr."
    ]


@pytest.mark.parametrize(("hour", "minute"), [(10, 0), (10, 15), (10, 30), (11, 0)])
def test_a_start_on_the_grid_is_accepted(senior, helper, office, topic, monday, hour, minute):
    appointment = book(senior, helper, office, topic, at(monday, hour, minute))
    assert appointment.pk


def test_moving_off_the_grid_is_refused(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    with pytest.raises(services.BookingError, match="passt nicht in den Terminplan"):
        services.appointment_move(
            appointment=appointment, helper=helper, office=office, starts_at=at(monday, 10, 37)
        )


def test_the_search_offers_only_grid_times_that_the_service_accepts(helper, office, monday):
    # 50 minutes do not divide the hour: the next slot waits for the next grid time.
    odd = Topic.objects.create(name="Videotelefonie", duration_minutes=50)
    helper.topics.add(odd)

    slots = free_slots(SlotQuery(topic=odd, first_day=monday), limit=2)

    assert [slot.starts_at for slot in slots] == [at(monday, 10), at(monday, 11)]
    for slot in slots:
        book(make_senior(), helper, office, odd, slot.starts_at)


def test_after_an_odd_booking_the_search_continues_on_the_grid(helper, office, monday):
    odd = Topic.objects.create(name="Videotelefonie", duration_minutes=50)
    helper.topics.add(odd)
    book(make_senior(), helper, office, odd, at(monday, 10))  # until 10:50

    (slot,) = free_slots(SlotQuery(topic=odd, first_day=monday), limit=1)

    assert slot.starts_at == at(monday, 11)
