"""Office pages: messages to read, not reached, the appointment's message partial."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from bookings.models import InboundMessage, Reminder
from tests.conftest import at, make_senior
from tests.reminder_fixtures import book

PAGES = ["/nachrichten/", "/nicht-erreicht/"]


@pytest.fixture
def appointment(senior, helper, office, topic, monday):
    return book(senior, helper, office, topic, at(monday, 10))


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_goes_to_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/")


@pytest.mark.parametrize("path", PAGES)
def test_helpers_are_refused(client, helper, path):
    client.force_login(helper.user)
    assert client.get(path).status_code == 403


def test_staff_read_replies_and_mark_them_read(client, office_staff, appointment):
    message = InboundMessage.objects.create(
        provider_sid="SM1",
        senior=appointment.senior,
        appointment=appointment,
        channel="sms",
        body="Kann ich meinen Enkel mitbringen?",
        action=InboundMessage.Action.TO_READ,
    )
    client.force_login(office_staff)
    page = client.get("/nachrichten/").content.decode()
    assert "Kann ich meinen Enkel mitbringen?" in page

    client.post(f"/nachrichten/{message.pk}/gelesen/")
    message.refresh_from_db()
    assert message.read_by == office_staff
    assert "Enkel" not in client.get("/nachrichten/").content.decode()


def test_stop_replies_show_on_the_list(client, office_staff, appointment):
    InboundMessage.objects.create(
        provider_sid="SM2",
        senior=appointment.senior,
        appointment=appointment,
        channel="sms",
        body="STOP",
        action=InboundMessage.Action.OPTED_OUT,
    )
    client.force_login(office_staff)
    page = client.get("/nachrichten/").content.decode()
    assert "Nachrichten abbestellt:" in page
    assert "STOP" in page


def test_helpers_cannot_mark_read(client, helper, appointment):
    message = InboundMessage.objects.create(
        provider_sid="SM2", channel="sms", body="?", action=InboundMessage.Action.TO_READ
    )
    client.force_login(helper.user)
    assert client.post(f"/nachrichten/{message.pk}/gelesen/").status_code == 403
    message.refresh_from_db()
    assert message.read_at is None


def test_not_reached_lists_own_office_only(
    client, office_staff, appointment, other_helper, other_office, topic, monday
):
    elsewhere = book(
        make_senior(first_name="Horst"), other_helper, other_office, topic, at(monday, 11)
    )
    Reminder.objects.filter(kind=Reminder.Kind.CONFIRMATION).update(
        status=Reminder.Status.NO_ANSWER, error_message="Nach drei Anrufen nicht erreicht."
    )
    client.force_login(office_staff)
    page = client.get("/nicht-erreicht/").content.decode()
    assert "Gertrud Müller" in page
    assert "Nach drei Anrufen nicht erreicht." in page
    assert str(elsewhere.senior) not in page


def test_coordinator_sees_all_offices(client, coordinator, appointment):
    Reminder.objects.filter(kind=Reminder.Kind.CONFIRMATION).update(status=Reminder.Status.FAILED)
    client.force_login(coordinator)
    assert "Gertrud Müller" in client.get("/nicht-erreicht/").content.decode()


def test_the_partial_shows_each_message_state(appointment):
    Reminder.objects.filter(kind=Reminder.Kind.CONFIRMATION).update(
        status=Reminder.Status.FAILED, error_message="Die Telefonnummer ist ungültig."
    )
    html = render_to_string("desk/_appointment_messages.html", {"appointment": appointment})
    assert "Bestätigung" in html and "fehlgeschlagen" in html
    assert "Die Telefonnummer ist ungültig." in html
    assert "Erinnerung am Vortag" in html and "wartet" in html


def test_the_desk_links_the_lists_for_staff_only(client, office_staff, helper):
    client.force_login(office_staff)
    assert "/nachrichten/" in client.get("/", follow=True).content.decode()
    client.force_login(helper.user)
    assert "/nachrichten/" not in client.get("/", follow=True).content.decode()


def test_staff_cannot_mark_another_offices_reply_read(
    client, office_staff, senior, other_helper, other_office, topic, monday
):
    elsewhere = book(senior, other_helper, other_office, topic, at(monday, 11))
    message = InboundMessage.objects.create(
        provider_sid="SM2",
        senior=senior,
        appointment=elsewhere,
        channel="sms",
        body="Ich komme etwas später.",
        action=InboundMessage.Action.TO_READ,
    )
    client.force_login(office_staff)

    response = client.post(f"/nachrichten/{message.pk}/gelesen/")

    assert response.status_code == 404
    message.refresh_from_db()
    assert message.read_at is None
