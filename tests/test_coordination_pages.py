"""The coordinator's pages under /koordination/: each change goes through its service
(flags, messages, audit entries follow), and bad input is refused in German, never 500."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from bookings import services
from bookings.models import (
    Appointment,
    LoanDevice,
    LoanReservation,
    Reminder,
    Topic,
    Workshop,
)
from coordination.models import AuditEntry
from tests.conftest import at, make_workshop


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def appointment(senior, helper, office, topic, monday) -> Appointment:
    return services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )


def workshop_data(office, topic, on, **changes) -> dict:
    return {
        "office": office.pk,
        "title": "Fotos vom Handy",
        "topic": topic.pk,
        "description": "",
        "day": on.isoformat(),
        "starts": "14:00",
        "ends": "16:00",
        "seats": "6",
        **changes,
    }


def test_it_plans_a_workshop_with_its_helper(coordinator_client, office, topic, helper, monday):
    data = workshop_data(office, topic, monday, helpers=[helper.pk])
    response = coordinator_client.post(reverse("coordinator:workshop_add"), data)

    workshop = Workshop.objects.get()
    assert response.url == reverse("coordinator:workshop", args=[workshop.pk])
    assert (workshop.starts_at, workshop.ends_at, workshop.seats) == (
        at(monday, 14),
        at(monday, 16),
        6,
    )
    assert list(workshop.assignments.values_list("helper", flat=True)) == [helper.pk]
    assert AuditEntry.objects.get().changes == {"helpers": [helper.pk]}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"day": "2020-01-06"}, "nur in der Zukunft"),
        ({"ends": "13:00"}, "beginnen, bevor er endet"),
        ({"day": "2026-02-30", "seats": "viele"}, "gültige"),
        ({"office": "999999"}, "gültige Auswahl"),
    ],
)
def test_it_refuses_a_bad_workshop_in_german(
    coordinator_client, office, topic, monday, changes, message
):
    data = {**workshop_data(office, topic, monday), **changes}
    response = coordinator_client.post(reverse("coordinator:workshop_add"), data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Workshop.objects.exists()


def test_it_refuses_a_helper_busy_at_the_workshop(
    coordinator_client, office, topic, helper, appointment, monday
):
    data = workshop_data(office, topic, monday, starts="10:00", ends="11:00", helpers=[helper.pk])
    response = coordinator_client.post(reverse("coordinator:workshop_add"), data)

    assert response.status_code == 422
    assert "hat zu dieser Zeit schon einen anderen Einsatz" in response.content.decode()
    assert not Workshop.objects.exists()


def test_it_changes_a_workshop_through_its_services(coordinator_client, office, topic, monday):
    workshop = make_workshop(office, topic, starts_at=at(monday, 14))
    tuesday = monday + datetime.timedelta(days=1)
    data = workshop_data(office, topic, tuesday, title="Fotos teilen", seats="10")
    response = coordinator_client.post(reverse("coordinator:workshop", args=[workshop.pk]), data)

    assert response.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.title, workshop.seats, workshop.starts_at) == (
        "Fotos teilen",
        10,
        at(tuesday, 14),
    )
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        AuditEntry.Action.CHANGED,
        AuditEntry.Action.MOVED,
        AuditEntry.Action.CHANGED,
    ]


def test_it_cancels_a_workshop_only_when_confirmed(
    coordinator_client, office, topic, senior, monday
):
    workshop = make_workshop(office, topic, starts_at=at(monday, 14))
    services.workshop_register(workshop=workshop, senior=senior)
    url = reverse("coordinator:workshop_cancel", args=[workshop.pk])

    unconfirmed = coordinator_client.post(url, follow=True)
    workshop.refresh_from_db()
    assert "Bitte bestätigen Sie die Absage" in unconfirmed.content.decode()
    assert workshop.cancelled_at is None

    coordinator_client.post(url, {"confirm": "1"})
    workshop.refresh_from_db()
    assert workshop.cancelled_at is not None
    told = Reminder.objects.filter(registration__workshop=workshop, kind=Reminder.Kind.CANCELLED)
    assert told.count() == 1
    assert AuditEntry.objects.filter(object_type="workshop", action="cancelled").exists()


def test_it_adds_and_changes_topics(coordinator_client, topic):
    add = coordinator_client.post(
        reverse("coordinator:topic_add"), {"name": "Online-Banking", "duration_minutes": "45"}
    )
    twice = coordinator_client.post(
        reverse("coordinator:topic_add"), {"name": "Online-Banking", "duration_minutes": "45"}
    )
    off = coordinator_client.post(
        reverse("coordinator:topic", args=[topic.pk]),
        {"name": topic.name, "duration_minutes": "500"},
    )

    assert add.status_code == 302
    assert Topic.objects.get(name="Online-Banking").duration_minutes == 45
    assert twice.status_code == 422
    assert off.status_code == 422
    assert "zwischen 15 und 240 Minuten" in off.content.decode()


def test_a_device_switched_off_hands_its_reservation_to_another(
    senior, helper, office, topic, monday
):
    first = LoanDevice.objects.create(office=office, kind="ipad", label="iPad 1")
    second = LoanDevice.objects.create(office=office, kind="ipad", label="iPad 2")
    appointment = services.appointment_book(
        senior=senior,
        helper=helper,
        office=office,
        topic=topic,
        starts_at=at(monday, 10),
        loan_device_kind="ipad",
    )
    assert appointment.loan_reservation.device == first

    first.active = False
    flagged = services.loan_device_save(device=first)

    assert flagged == []
    assert LoanReservation.objects.get(appointment=appointment).device == second
    appointment.refresh_from_db()
    assert not appointment.needs_rebooking


def test_it_takes_a_helper_off_an_office_and_changes_topics(
    coordinator_client, helper, office, other_office, topic, appointment
):
    other_topic = Topic.objects.create(name="Tablet")
    response = coordinator_client.post(
        reverse("coordinator:helper", args=[helper.pk]),
        {"active": "on", "offices": [other_office.pk], "topics": [other_topic.pk]},
        follow=True,
    )

    assert "1 Termin muss neu vereinbart werden" in response.content.decode()
    helper.refresh_from_db()
    assert set(helper.offices.all()) == {other_office}
    assert set(helper.topics.all()) == {other_topic}
    appointment.refresh_from_db()
    assert appointment.needs_rebooking


def test_removing_a_closure_releases_the_appointment(
    coordinator_client, office, appointment, monday
):
    closure, _flagged = services.closure_record(
        office=office, starts_on=monday, ends_on=monday, reason="Umzug"
    )
    response = coordinator_client.post(
        reverse("coordinator:closure_remove", args=[closure.pk]), follow=True
    )

    assert "1 markierter Termin ist wieder möglich" in response.content.decode()
    appointment.refresh_from_db()
    assert not appointment.needs_rebooking


def test_it_refuses_a_closure_ending_before_it_starts(coordinator_client, office, monday):
    data = {
        "office": office.pk,
        "starts_on": monday.isoformat(),
        "ends_on": (monday - datetime.timedelta(days=1)).isoformat(),
        "reason": "Umzug",
    }
    response = coordinator_client.post(reverse("coordinator:closures"), data)

    assert response.status_code == 422
    assert "Der erste Schließtag muss vor dem letzten liegen" in response.content.decode()
    assert not office.closures.exists()


def test_the_desk_shows_coordinators_their_pages_and_staff_not(client, coordinator, office_staff):
    client.force_login(coordinator)
    assert (
        reverse("coordinator:audit_trail") in client.get(reverse("desk:dashboard")).content.decode()
    )
    client.force_login(office_staff)
    page = client.get(reverse("desk:dashboard")).content.decode()
    assert reverse("coordinator:audit_trail") not in page
