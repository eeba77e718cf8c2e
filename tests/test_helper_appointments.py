"""My appointments: a helper's own schedule, by day, with the least personal data."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Appointment, Assignment, CancellationReason, Workshop
from tests.conftest import at, make_senior

URL = reverse("helpers:appointments")
PAST_URL = reverse("helpers:appointments_past")


def book(senior, helper, office, topic, starts_at, **extra):
    return services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=starts_at, **extra
    )


@pytest.fixture
def helper_client(client, helper):
    client.force_login(helper.user)
    return client


def test_it_shows_upcoming_appointments_by_day(
    helper_client, helper, senior, office, topic, monday
):
    book(senior, helper, office, topic, at(monday, 10), note="Möchte WhatsApp lernen")
    book(make_senior(first_name="Horst", last_name="Zimmer"), helper, office, topic, at(monday, 11))
    tuesday = monday + datetime.timedelta(days=1)
    book(make_senior(first_name="Ilse"), helper, office, topic, at(tuesday, 10))

    response = helper_client.get(URL)

    assert response.status_code == 200
    days = response.context["days"]
    assert [day for day, _ in days] == [monday, tuesday]
    assert [len(entries) for _, entries in days] == [2, 1]
    html = response.content.decode()
    assert "Gertrud M." in html
    assert "Horst Z." in html
    assert "Müller" not in html
    assert "Zimmer" not in html
    assert "Möchte WhatsApp lernen" in html
    assert "10:00–11:00" in html
    assert office.address in html
    assert "openstreetmap.org/search?query=Musterstra%C3%9Fe+1" in html


def test_it_shows_own_device_or_the_loan_device(
    helper_client, helper, senior, office, topic, monday, loan_device
):
    book(senior, helper, office, topic, at(monday, 10))
    book(make_senior(), helper, office, topic, at(monday, 11), loan_device_kind="ipad")

    html = helper_client.get(URL).content.decode()

    assert "bringt eigenes Gerät mit" in html
    assert "Leihgerät: iPad 1" in html


def test_it_shows_workshops(helper_client, helper, office, topic, monday):
    workshop = Workshop.objects.create(
        office=office,
        title="WhatsApp für Einsteiger",
        topic=topic,
        starts_at=at(monday, 14),
        ends_at=at(monday, 16),
    )
    Assignment.objects.create(helper=helper, workshop=workshop)

    html = helper_client.get(URL).content.decode()

    assert "WhatsApp für Einsteiger" in html
    assert "0 von 8 Plätzen belegt" in html


def test_it_strikes_through_recently_cancelled_and_hides_older_ones(
    helper_client, helper, senior, office, topic, monday
):
    recent = book(senior, helper, office, topic, at(monday, 10))
    services.appointment_cancel(appointment=recent, reason=CancellationReason.SENIOR)
    older = book(make_senior(first_name="Horst"), helper, office, topic, at(monday, 11))
    services.appointment_cancel(appointment=older, reason=CancellationReason.SENIOR)
    Appointment.objects.filter(pk=older.pk).update(
        cancelled_at=timezone.now() - datetime.timedelta(days=8)
    )

    response = helper_client.get(URL)

    html = response.content.decode()
    assert "<s>" in html
    assert "Gertrud M." in html
    assert "Horst" not in html


def test_it_lists_past_appointments_on_the_second_tab(
    helper_client, helper, senior, office, topic, monday
):
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    Appointment.objects.create(
        helper=helper,
        senior=make_senior(first_name="Paula"),
        office=office,
        topic=topic,
        starts_at=at(last_week, 10),
        ends_at=at(last_week, 11),
        status="attended",
    )
    book(senior, helper, office, topic, at(monday, 10))

    past = helper_client.get(PAST_URL).content.decode()
    upcoming = helper_client.get(URL).content.decode()

    assert "Paula M." in past
    assert "Gertrud M." not in past
    assert "Paula M." not in upcoming


def test_it_shows_only_own_appointments(
    helper_client, helper, other_helper, senior, other_office, topic, monday
):
    book(make_senior(first_name="Fremd"), other_helper, other_office, topic, at(monday, 10))

    html = helper_client.get(URL).content.decode()

    assert "Fremd" not in html
    assert "keine Termine" in html


def test_it_hides_phone_numbers_unless_allowed(
    helper_client, helper, senior, office, topic, monday
):
    book(senior, helper, office, topic, at(monday, 10))
    national = "01512 3456789"

    assert national not in helper_client.get(URL).content.decode()
    assert "+4915123456789" not in helper_client.get(URL).content.decode()

    helper.may_see_senior_phones = True
    helper.save()
    assert national in helper_client.get(URL).content.decode()


@pytest.mark.parametrize("url", [URL, PAST_URL])
def test_it_uses_a_fixed_number_of_queries(
    helper_client, helper, office, topic, monday, loan_device, django_assert_max_num_queries, url
):
    for week in range(6):
        day = monday + datetime.timedelta(weeks=week)
        for hour in (10, 11):
            book(make_senior(), helper, office, topic, at(day, hour), loan_device_kind="ipad")
    if url == PAST_URL:
        Appointment.objects.update(
            starts_at=F("starts_at") - datetime.timedelta(weeks=9),
            ends_at=F("ends_at") - datetime.timedelta(weeks=9),
        )
    # session, user, helper, appointments, workshops
    with django_assert_max_num_queries(5):
        response = helper_client.get(url)
    assert sum(len(entries) for _, entries in response.context["days"]) == 12


def test_it_sends_a_helper_from_home_to_my_appointments(helper_client):
    response = helper_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == URL


def test_it_sends_anonymous_users_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_users_without_helper_profile(client, office_staff):
    client.force_login(office_staff)
    assert client.get(URL).status_code == 403
    assert client.get(PAST_URL).status_code == 403
