"""The admin changes workshops and registrations through the services: people are told,
and a refusal is a German message, never an error page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import Assignment, Registration, RegistrationStatus, Reminder, SeatOffer
from bookings.services import workshop_register
from tests.conftest import at, make_senior, make_workshop
from tests.reminder_fixtures import book


@pytest.fixture
def workshop(office, topic, helper, monday):
    workshop = make_workshop(
        office, topic, seats=1, starts_at=at(monday, 14), title="WhatsApp für Einsteiger"
    )
    Assignment.objects.create(helper=helper, workshop=workshop)
    return workshop


@pytest.fixture
def seated(workshop, senior):
    return workshop_register(workshop=workshop, senior=senior)


@pytest.fixture
def waiting(workshop, seated):
    return workshop_register(workshop=workshop, senior=make_senior(first_name="Otto"))


def _split(moment: datetime.datetime | None, name: str) -> dict:
    local = timezone.localtime(moment) if moment else None
    return {
        f"{name}_0": f"{local:%d.%m.%Y}" if local else "",
        f"{name}_1": f"{local:%H:%M:%S}" if local else "",
    }


def workshop_form(workshop, **changes) -> dict:
    values = {
        "title": workshop.title,
        "topic": workshop.topic_id,
        "description": workshop.description,
        "starts_at": workshop.starts_at,
        "ends_at": workshop.ends_at,
        "seats": workshop.seats,
        "cancelled_at": workshop.cancelled_at,
        **changes,
    }
    data = {key: value for key, value in values.items() if key not in _DATES}
    for name in _DATES:
        data.update(_split(values[name], name))
    assignments = list(workshop.assignments.all())
    data.update(
        {
            "assignments-TOTAL_FORMS": len(assignments),
            "assignments-INITIAL_FORMS": len(assignments),
            "assignments-MIN_NUM_FORMS": 0,
            "assignments-MAX_NUM_FORMS": 1000,
            "registrations-TOTAL_FORMS": 0,
            "registrations-INITIAL_FORMS": 0,
            "registrations-MIN_NUM_FORMS": 0,
            "registrations-MAX_NUM_FORMS": 1000,
        }
    )
    for i, assignment in enumerate(assignments):
        data[f"assignments-{i}-id"] = assignment.pk
        data[f"assignments-{i}-workshop"] = workshop.pk
        data[f"assignments-{i}-helper"] = assignment.helper_id
    return data


_DATES = ("starts_at", "ends_at", "cancelled_at")


def post_workshop(client, workshop, **changes):
    url = reverse("admin:bookings_workshop_change", args=[workshop.pk])
    return client.post(url, workshop_form(workshop, **changes), follow=True)


def test_a_new_time_moves_the_workshop_through_the_service(
    client, coordinator, workshop, seated, monday
):
    client.force_login(coordinator)
    new_start = at(monday + datetime.timedelta(days=1), 14)

    response = post_workshop(
        client, workshop, starts_at=new_start, ends_at=new_start + datetime.timedelta(hours=2)
    )

    assert response.status_code == 200
    assert Assignment.objects.get(workshop=workshop).starts_at == new_start
    assert seated.reminders.filter(kind=Reminder.Kind.MOVED).exists()


def test_a_busy_helper_gives_a_german_message_not_an_error_page(
    client, coordinator, workshop, seated, helper, office, topic, monday
):
    client.force_login(coordinator)
    book(make_senior(first_name="Karl"), helper, office, topic, at(monday, 10))

    response = post_workshop(client, workshop, starts_at=at(monday, 10), ends_at=at(monday, 12))

    assert response.status_code == 200
    # The inline's own check sees the clash first; the service's guard stays behind it.
    assert "schon einen anderen Einsatz" in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.starts_at == at(monday, 14)


def test_cancelled_at_cancels_through_the_service(client, coordinator, workshop, seated):
    client.force_login(coordinator)
    post_workshop(client, workshop, cancelled_at=timezone.now())
    seated.refresh_from_db()
    assert seated.status == RegistrationStatus.CANCELLED
    assert seated.reminders.filter(kind=Reminder.Kind.CANCELLED).exists()
    assert not Assignment.objects.filter(workshop=workshop).exists()


def test_a_cancellation_cannot_be_taken_back(client, coordinator, workshop, seated):
    client.force_login(coordinator)
    post_workshop(client, workshop, cancelled_at=timezone.now())
    workshop.refresh_from_db()

    response = post_workshop(client, workshop, cancelled_at=None)

    assert response.status_code == 200
    assert "Eine Absage kann nicht zurückgenommen werden." in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.cancelled_at is not None


def test_a_new_title_is_told(client, coordinator, workshop, seated):
    client.force_login(coordinator)
    post_workshop(client, workshop, title="Messenger für Einsteiger")
    assert seated.reminders.filter(kind=Reminder.Kind.RETITLED).exists()


def test_more_seats_are_offered_to_the_waiting_list(client, coordinator, workshop, waiting):
    client.force_login(coordinator)
    post_workshop(client, workshop, seats=2)
    assert waiting.seat_offers.get().status == SeatOffer.Status.OPEN


def test_promoting_into_a_full_workshop_says_so(client, coordinator, waiting):
    client.force_login(coordinator)
    url = reverse("admin:bookings_registration_change", args=[waiting.pk])

    response = client.post(url, {"status": RegistrationStatus.REGISTERED}, follow=True)

    assert response.status_code == 200
    assert "Kein Platz frei" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITLISTED


def test_promoting_a_free_seat_confirms_it(client, coordinator, workshop, waiting):
    client.force_login(coordinator)
    workshop.seats = 2
    workshop.save()
    url = reverse("admin:bookings_registration_change", args=[waiting.pk])

    client.post(url, {"status": RegistrationStatus.REGISTERED})

    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.REGISTERED
    assert waiting.reminders.filter(dedupe_key=f"registration:{waiting.pk}:seat").exists()


def test_cancelling_in_the_admin_offers_the_seat(client, coordinator, seated, waiting):
    client.force_login(coordinator)
    url = reverse("admin:bookings_registration_change", args=[seated.pk])
    client.post(url, {"status": RegistrationStatus.CANCELLED})
    assert waiting.seat_offers.get().status == SeatOffer.Status.OPEN


def test_adding_to_a_full_workshop_waitlists(client, coordinator, workshop, seated):
    client.force_login(coordinator)
    newcomer = make_senior(first_name="Lotte")
    response = client.post(
        reverse("admin:bookings_registration_add"),
        {"workshop": workshop.pk, "senior": newcomer.pk},
    )
    assert response.status_code == 302
    registration = Registration.objects.get(senior=newcomer)
    assert registration.status == RegistrationStatus.WAITLISTED
    assert registration.reminders.filter(kind=Reminder.Kind.CONFIRMATION).exists()


def test_the_promote_action_reports_refusals(client, coordinator, waiting):
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:bookings_registration_changelist"),
        {"action": "promote_registrations", "_selected_action": [waiting.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Kein Platz frei" in response.content.decode()


def test_re_registering_in_the_admin_after_cancelling_works(
    client, coordinator, workshop, seated, senior
):
    client.force_login(coordinator)
    client.post(
        reverse("admin:bookings_registration_change", args=[seated.pk]),
        {"status": RegistrationStatus.CANCELLED},
    )

    response = client.post(
        reverse("admin:bookings_registration_add"),
        {"workshop": workshop.pk, "senior": senior.pk},
        follow=True,
    )

    assert "bereits angemeldet" not in response.content.decode()
    statuses = sorted(senior.registrations.values_list("status", flat=True))
    assert statuses == [RegistrationStatus.CANCELLED, RegistrationStatus.REGISTERED]
