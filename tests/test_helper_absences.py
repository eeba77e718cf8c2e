"""My absences: a preview of the bookings they touch, then flags and a note to the office."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Absence, Appointment, AppointmentStatus, Assignment, Workshop
from bookings.services.helper_time import absence_record
from tests.conftest import at, make_senior, make_user

URL = reverse("helpers:absences")


@pytest.fixture
def helper_client(client, helper):
    client.force_login(helper.user)
    return client


@pytest.fixture
def booked(senior, helper, office, topic, monday):
    return services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )


def week_of(monday, **extra):
    return {
        "starts_on": monday.isoformat(),
        "ends_on": (monday + datetime.timedelta(days=4)).isoformat(),
        "reason": "Urlaub",
        **extra,
    }


def test_it_records_an_absence_without_bookings_at_once(helper_client, helper, monday):
    response = helper_client.post(URL, week_of(monday))

    assert response.status_code == 302
    absence = helper.absences.get()
    assert absence.starts_on == monday
    assert absence.reason == "Urlaub"


def test_it_shows_affected_bookings_before_confirming(helper_client, helper, booked, monday):
    response = helper_client.post(URL, week_of(monday))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Abwesenheit bestätigen" in html
    assert "Gertrud M." in html
    assert "Müller" not in html
    assert not helper.absences.exists()
    booked.refresh_from_db()
    assert not booked.needs_rebooking


def test_it_flags_bookings_and_tells_the_office_on_confirm(
    helper_client, helper, booked, office, office_staff, monday, django_capture_on_commit_callbacks
):
    office_staff.email = "buero@example.org"
    office_staff.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = helper_client.post(URL, week_of(monday, confirm="1"))

    assert response.status_code == 302
    assert helper.absences.count() == 1
    booked.refresh_from_db()
    assert booked.needs_rebooking
    assert booked.status == AppointmentStatus.BOOKED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["buero@example.org"]
    assert "Gertrud M." in message.body
    assert "+49" not in message.body
    assert "nichts abgesagt" in message.body


def test_it_mails_each_affected_office_once(
    helper, other_office, topic, booked, monday, office, django_capture_on_commit_callbacks
):
    helper.offices.add(other_office)
    staff = make_user(email="innenstadt@example.org")
    other_office.staff.add(staff)
    office.staff.add(make_user(email="gruebentaelchen@example.org"))
    workshop = Workshop.objects.create(
        office=other_office,
        title="Online-Banking",
        topic=topic,
        starts_at=at(monday, 14),
        ends_at=at(monday, 16),
    )
    Assignment.objects.create(helper=helper, workshop=workshop)

    with django_capture_on_commit_callbacks(execute=True):
        _absence, flagged = absence_record(helper=helper, starts_on=monday, ends_on=monday)

    assert flagged == [booked]
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["gruebentaelchen@example.org", "innenstadt@example.org"]
    workshop_mail = next(m for m in mail.outbox if m.to == ["innenstadt@example.org"])
    assert "Online-Banking" in workshop_mail.body


def test_it_sends_no_mail_if_the_transaction_rolls_back(
    helper, booked, monday, office, django_capture_on_commit_callbacks
):
    office.staff.add(make_user(email="buero@example.org"))

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        absence_record(helper=helper, starts_on=monday, ends_on=monday)
        raise RuntimeError

    assert callbacks == []
    assert mail.outbox == []
    assert not Absence.objects.exists()
    assert not Appointment.objects.get(pk=booked.pk).needs_rebooking


def test_it_leaves_other_helpers_bookings_alone(helper, other_helper, other_office, topic, monday):
    foreign = services.appointment_book(
        senior=make_senior(),
        helper=other_helper,
        office=other_office,
        topic=topic,
        starts_at=at(monday, 10),
    )

    absence_record(helper=helper, starts_on=monday, ends_on=monday)

    foreign.refresh_from_db()
    assert not foreign.needs_rebooking


def test_it_refuses_a_past_or_overlapping_absence(helper_client, helper, monday):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = helper_client.post(
        URL, {"starts_on": yesterday.isoformat(), "ends_on": yesterday.isoformat()}
    )
    assert "schon in der Vergangenheit" in response.content.decode()

    helper_client.post(URL, week_of(monday))
    response = helper_client.post(URL, week_of(monday + datetime.timedelta(days=2)))
    assert "schon eine Abwesenheit" in response.content.decode()
    assert helper.absences.count() == 1


def test_it_refuses_an_end_before_the_start(helper_client, helper, monday):
    response = helper_client.post(
        URL, {"starts_on": monday.isoformat(), "ends_on": (monday - datetime.timedelta(1))}
    )
    assert response.status_code == 200
    assert "vor ihrem Beginn" in response.content.decode()
    assert not helper.absences.exists()


def test_it_lists_only_own_absences(helper_client, helper, other_helper, monday):
    Absence.objects.create(helper=other_helper, starts_on=monday, ends_on=monday, reason="Kur")

    response = helper_client.get(URL)

    assert response.status_code == 200
    assert "Kur" not in response.content.decode()


def test_it_sends_anonymous_users_to_login(client, db, monday):
    response = client.post(URL, week_of(monday))
    assert response["Location"].startswith(reverse("login"))
    assert not Absence.objects.exists()


def test_it_refuses_office_staff(client, office_staff, monday):
    client.force_login(office_staff)
    assert client.post(URL, week_of(monday, confirm="1")).status_code == 403


def test_it_lists_workshops_in_the_preview(helper_client, helper, office, topic, monday):
    workshop = Workshop.objects.create(
        office=office,
        title="Sicher im Netz",
        topic=topic,
        starts_at=at(monday, 14),
        ends_at=at(monday, 16),
    )
    Assignment.objects.create(helper=helper, workshop=workshop)

    response = helper_client.post(URL, week_of(monday))

    assert "Sicher im Netz" in response.content.decode()
    assert not helper.absences.exists()
