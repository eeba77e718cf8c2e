"""Workshops at the desk: register, waiting list, who to call when a seat frees up."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from bookings.models import Registration, RegistrationStatus, Workshop
from tests.conftest import at, make_senior, make_workshop


@pytest.fixture
def workshop(office, topic, monday) -> Workshop:
    return make_workshop(
        office, topic, seats=1, starts_at=at(monday, 14), title="WhatsApp für Einsteiger"
    )


def register(client, workshop, senior):
    return client.post(reverse("desk:workshop_register", args=[workshop.pk]), {"senior": senior.pk})


def test_it_lists_upcoming_workshops(client, office_staff, workshop):
    client.force_login(office_staff)
    html = client.get(reverse("desk:workshops")).content.decode()
    assert "WhatsApp für Einsteiger" in html
    assert "0 von 1" in html


def test_it_registers_then_waitlists(client, office_staff, workshop, senior):
    client.force_login(office_staff)
    second = make_senior(first_name="Otto", last_name="Weber", phone="+4915123456780")

    assert register(client, workshop, senior).url == reverse("desk:senior", args=[senior.pk])
    response = register(client, workshop, second)
    page = client.get(response.url).content.decode()

    assert "Warteliste" in page
    statuses = dict(Registration.objects.values_list("senior__first_name", "status"))
    assert statuses == {"Gertrud": "registered", "Otto": "waitlisted"}


def test_it_offers_a_freed_seat_and_shows_the_offer(client, office_staff, workshop, senior):
    client.force_login(office_staff)
    register(client, workshop, senior)
    register(client, workshop, make_senior(first_name="Otto", last_name="Weber"))
    first = Registration.objects.get(senior=senior)

    response = client.post(reverse("desk:registration_cancel", args=[first.pk]), follow=True)

    html = response.content.decode()
    assert "Otto Weber bekommt ihn als Nächste/r angeboten" in html
    assert "Angebotene Plätze" in html and "Antwort bis" in html
    # The offer holds the seat: nobody else is to be called meanwhile.
    assert "Bitte rufen Sie als Nächste/n an" not in html
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED


def test_it_shows_who_to_call_when_nobody_can_be_asked(client, office_staff, workshop, senior):
    client.force_login(office_staff)
    register(client, workshop, senior)
    register(
        client, workshop, make_senior(first_name="Otto", last_name="Weber", reminder_consent=False)
    )
    first = Registration.objects.get(senior=senior)

    response = client.post(reverse("desk:registration_cancel", args=[first.pk]), follow=True)

    html = response.content.decode()
    assert "Bitte rufen Sie Otto Weber an" in html
    assert "Bitte rufen Sie als Nächste/n an: Otto Weber" in html
    assert "nicht erreichbar" in html


def test_it_promotes_through_the_service(client, office_staff, workshop, senior):
    client.force_login(office_staff)
    register(client, workshop, senior)
    register(client, workshop, make_senior(first_name="Otto", last_name="Weber"))
    otto = Registration.objects.get(senior__first_name="Otto")
    url = reverse("desk:registration_promote", args=[otto.pk])

    full = client.post(url, follow=True).content.decode()
    assert "Kein Platz frei" in full
    Workshop.objects.filter(pk=workshop.pk).update(seats=2)
    client.post(url)

    otto.refresh_from_db()
    assert otto.status == RegistrationStatus.REGISTERED


def test_helpers_may_not_promote(client, helper, workshop, senior):
    client.force_login(helper.user)
    registration = Registration.objects.create(
        workshop=workshop, senior=senior, position=1, status=RegistrationStatus.WAITLISTED
    )
    response = client.post(reverse("desk:registration_promote", args=[registration.pk]))
    assert response.status_code == 403


def test_it_refuses_workshops_to_helpers(client, helper, workshop, senior):
    client.force_login(helper.user)
    assert client.get(reverse("desk:workshops")).status_code == 403
    assert client.get(reverse("desk:workshop", args=[workshop.pk])).status_code == 403
    assert register(client, workshop, senior).status_code == 403
    assert not Registration.objects.exists()


def test_it_says_cancel_registration_not_log_out_in_both_languages(
    client, settings, office_staff, workshop, senior
):
    client.force_login(office_staff)
    register(client, workshop, senior)
    url = reverse("desk:workshop", args=[workshop.pk])

    german = client.get(url).content.decode()
    assert german.count(">Abmelden<") == 1  # the logout only
    assert "Anmeldung stornieren<span" in german

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # The request switches this thread to English; the override switches it back afterwards.
    with translation.override("de"):
        english = client.get(url).content.decode()
    assert "Cancel registration<span" in english
    assert english.count("Log out") == 1
