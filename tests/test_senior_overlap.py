"""A senior is never in two appointments at once (DESIGN.md invariant 1): the database
refuses it, the services say so in German, the slot search leaves such times out, and a
workshop seat over an appointment is allowed with a warning."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings import services
from bookings.availability import SlotQuery, free_slots, senior_clashes
from bookings.models import Appointment, AppointmentStatus, Assignment
from tests.conftest import at, make_helper, make_senior, make_workshop, needs_postgres
from tests.reminder_fixtures import book
from tests.test_booking_race import RACERS, race


def _raw(senior, helper, office, topic, starts_at, **extra):
    return Appointment.objects.create(
        senior=senior,
        helper=helper,
        office=office,
        topic=topic,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
        **extra,
    )


def test_the_database_refuses_a_raw_overlapping_appointment(
    senior, helper, other_helper, office, other_office, topic, monday
):
    _raw(senior, helper, office, topic, at(monday, 10))

    with pytest.raises(IntegrityError, match=services.SENIOR_GUARD), transaction.atomic():
        _raw(senior, other_helper, other_office, topic, at(monday, 10, 30))
    # Back to back, another senior at the same time, or a cancelled one are fine.
    _raw(senior, other_helper, other_office, topic, at(monday, 11))
    _raw(make_senior(), other_helper, other_office, topic, at(monday, 10))
    assert Appointment.objects.count() == 3


def test_the_database_refuses_an_update_into_overlap(senior, helper, office, topic, monday):
    _raw(senior, helper, office, topic, at(monday, 10))
    later = _raw(senior, helper, office, topic, at(monday, 14))
    cancelled = _raw(
        senior,
        helper,
        office,
        topic,
        at(monday, 10),
        status=AppointmentStatus.CANCELLED,
        cancelled_at=at(monday, 8),
    )

    with pytest.raises(IntegrityError, match=services.SENIOR_GUARD), transaction.atomic():
        Appointment.objects.filter(pk=later.pk).update(
            starts_at=at(monday, 10, 30), ends_at=at(monday, 11, 30)
        )
    with pytest.raises(IntegrityError, match=services.SENIOR_GUARD), transaction.atomic():
        Appointment.objects.filter(pk=cancelled.pk).update(status=AppointmentStatus.BOOKED)


def test_booking_says_the_person_is_busy(
    senior, helper, other_helper, office, other_office, topic, monday
):
    book(senior, helper, office, topic, at(monday, 10))

    with pytest.raises(services.SeniorBusy) as refused:
        book(senior, other_helper, other_office, topic, at(monday, 10))

    assert refused.value.messages == ["Diese Person hat zu dieser Zeit schon einen Termin."]
    assert Appointment.objects.filter(senior=senior).count() == 1
    assert not Assignment.objects.filter(helper=other_helper).exists()


def test_moving_onto_another_own_appointment_is_refused(senior, helper, office, topic, monday):
    first = book(senior, helper, office, topic, at(monday, 10))
    tuesday = monday + datetime.timedelta(days=1)
    second = book(senior, helper, office, topic, at(tuesday, 10))

    with pytest.raises(services.SeniorBusy):
        services.appointment_move(
            appointment=second,
            helper=make_helper(office, topic),
            office=office,
            starts_at=at(monday, 10),
        )
    second.refresh_from_db()
    assert second.starts_at == at(tuesday, 10)
    # Moving an appointment within its own time is no clash with itself.
    services.appointment_move(
        appointment=first, helper=helper, office=office, starts_at=at(monday, 11)
    )


def test_the_slot_search_leaves_out_times_the_caller_is_busy(
    senior, helper, other_helper, office, other_office, topic, monday
):
    book(senior, helper, office, topic, at(monday, 10))
    workshop = make_workshop(office, topic, starts_at=at(monday, 14))
    services.workshop_register(workshop=workshop, senior=senior)
    query = SlotQuery(topic=topic, first_day=monday, senior_id=senior.pk)

    slots = free_slots(query, limit=3)

    # Klaus at the other office is free at 10:00, but the caller is not.
    assert [(s.starts_at, s.helper_id) for s in slots] == [
        (at(monday, 11), helper.pk),
        (at(monday, 11), other_helper.pk),
        (at(monday + datetime.timedelta(days=1), 10), helper.pk),
    ]
    anyone = free_slots(SlotQuery(topic=topic, first_day=monday), limit=1)
    assert (anyone[0].starts_at, anyone[0].helper_id) == (at(monday, 10), other_helper.pk)


def test_cancelled_appointments_and_workshops_keep_the_caller_busy_no_more(
    senior, helper, office, topic, monday
):
    tuesday = monday + datetime.timedelta(days=1)
    appointment = book(senior, helper, office, topic, at(monday, 10))
    workshop = make_workshop(office, topic, starts_at=at(tuesday, 10))
    services.workshop_register(workshop=workshop, senior=senior)
    query = SlotQuery(topic=topic, first_day=monday, senior_id=senior.pk)
    busy = {at(monday, 10), at(tuesday, 10)}
    assert not busy & {slot.starts_at for slot in free_slots(query, limit=4)}

    services.appointment_cancel(appointment=appointment, reason="senior")
    services.workshop_cancel(workshop=workshop)

    assert busy <= {slot.starts_at for slot in free_slots(query, limit=4)}


def test_the_move_search_offers_the_appointments_own_time(
    senior, helper, other_helper, office, other_office, topic, monday
):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    query = SlotQuery(topic=topic, first_day=monday, senior_id=senior.pk, moving_id=appointment.pk)
    slots = free_slots(query, limit=1)
    assert (slots[0].starts_at, slots[0].helper_id) == (at(monday, 10), other_helper.pk)


def test_the_senior_costs_one_query_more(senior, helper, office, topic, monday):
    book(senior, make_helper(office, topic, first_name="Jonas"), office, topic, at(monday, 10))

    with CaptureQueriesContext(connection) as plain:
        free_slots(SlotQuery(topic=topic, first_day=monday))
    with CaptureQueriesContext(connection) as with_senior:
        free_slots(SlotQuery(topic=topic, first_day=monday, senior_id=senior.pk))

    assert len(with_senior) == len(plain) + 1


def test_the_desk_does_not_offer_busy_times(client, office_staff, senior, helper, topic, monday):
    book(senior, helper, office_staff.staffed_offices.first(), topic, at(monday, 10))
    client.force_login(office_staff)
    response = client.get(
        reverse("desk:senior", args=[senior.pk]),
        {"topic": topic.pk, "first_day": monday.isoformat()},
    )
    slots = [slot for group in response.context["slot_groups"] for slot in group.slots]
    assert slots
    assert at(monday, 10) not in {slot.starts_at for slot in slots}


def test_a_workshop_over_an_appointment_is_allowed_with_a_warning(
    client, office_staff, senior, helper, office, topic, monday
):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    workshop = make_workshop(office, topic, starts_at=at(monday, 10, 30))
    assert senior_clashes(
        senior=senior, starts_at=workshop.starts_at, ends_at=workshop.ends_at
    ) == [appointment]
    client.force_login(office_staff)

    response = client.post(
        reverse("desk:workshop_register", args=[workshop.pk]), {"senior": senior.pk}, follow=True
    )

    assert workshop.registrations.filter(senior=senior).exists()
    texts = [str(message) for message in response.context["messages"]]
    assert any("hat zu dieser Zeit schon einen Termin" in text for text in texts), texts


def test_a_workshop_without_clash_gives_no_warning(
    client, office_staff, senior, helper, office, topic, monday
):
    book(senior, helper, office, topic, at(monday, 10))
    workshop = make_workshop(office, topic, starts_at=at(monday, 14))
    client.force_login(office_staff)
    response = client.post(
        reverse("desk:workshop_register", args=[workshop.pk]), {"senior": senior.pk}, follow=True
    )
    texts = [str(message) for message in response.context["messages"]]
    assert not any("schon einen Termin" in text for text in texts), texts


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_desks_racing_to_book_one_senior_twice_get_one_booking(office, topic, monday):
    senior = make_senior()
    helpers = [make_helper(office, topic, first_name=f"H{i}") for i in range(RACERS)]

    results = race(
        lambda i: services.appointment_book(
            senior=senior, helper=helpers[i], office=office, topic=topic, starts_at=at(monday, 10)
        )
    )

    errors = [result for result in results if isinstance(result, Exception)]
    assert len(errors) == RACERS - 1
    assert all(isinstance(error, services.SeniorBusy) for error in errors), errors
    assert Appointment.objects.filter(senior=senior).count() == 1
    assert Assignment.objects.count() == 1


def test_the_same_caller_in_the_same_slot_again_is_a_taken_slot(
    senior, helper, office, topic, monday
):
    # What the slower of two desks booking one caller at once hears.
    book(senior, helper, office, topic, at(monday, 10))
    with pytest.raises(services.SlotTaken, match="Dieser Termin wurde gerade vergeben"):
        book(senior, helper, office, topic, at(monday, 10))
