"""The coordinator's data-protection duties for one senior: information (Art. 15 DSGVO)
as a page and as JSON, erasure on request (Art. 17) behind a confirmation, and the
public privacy notice."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import (
    AppointmentStatus,
    Assignment,
    InboundMessage,
    Registration,
    RegistrationStatus,
    Reminder,
    SeatOffer,
    Senior,
)
from coordination.models import AuditEntry, Feedback
from tests.conftest import at, make_senior, make_workshop
from tests.reminder_fixtures import book, travel


@pytest.fixture
def history(senior, helper, office, topic, monday):
    """Gertrud came on one Monday (and gave a 5), is booked for the next, holds the only
    seat of a workshop (Otto waits for it) and wrote a reply."""
    helper.user.email = "sabine@example.org"
    helper.user.save()
    past = book(senior, helper, office, topic, at(monday, 10))
    with travel(at(monday, 12)):
        services.appointment_mark(appointment=past, status=AppointmentStatus.ATTENDED)
    Feedback.objects.create(appointment=past, office=office, topic=topic, score=5)
    past.reminders.filter(kind=Reminder.Kind.CONFIRMATION, senior=senior).update(
        status=Reminder.Status.SENT, sent_at=timezone.now()
    )
    future = book(senior, helper, office, topic, at(monday, 11), note="WhatsApp einrichten")
    workshop = make_workshop(office, topic, seats=1, starts_at=at(monday, 14))
    seat = services.workshop_register(workshop=workshop, senior=senior)
    otto = make_senior(first_name="Otto", last_name="Weber", phone="+4915123456780")
    services.workshop_register(workshop=workshop, senior=otto)
    InboundMessage.objects.create(
        provider_sid="SM" + "7" * 32,
        senior=senior,
        appointment=future,
        channel="sms",
        body="Mein Enkel kommt mit",
        action=InboundMessage.Action.TO_READ,
    )
    return {"past": past, "future": future, "seat": seat, "otto": otto}


def test_the_information_page_shows_everything_stored(client, coordinator, senior, history):
    client.force_login(coordinator)
    client.get(reverse("privacy:information", args=[senior.pk]))  # an earlier export
    response = client.get(reverse("privacy:information", args=[senior.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Auskunft nach Art. 15 DSGVO: Gertrud Müller" in page
    for text in (
        "+4915123456789",
        "WhatsApp einrichten",  # the note on an appointment
        "Smartphone für Einsteiger",  # the workshop
        "Erinnerung am Vortag",  # a message to her
        "Ihr Termin bei der Digitalen Hilfe ist",  # the text of the sent confirmation
        "Mein Enkel kommt mit",  # her reply
        "exportiert",  # the audit entry of the earlier export
    ):
        assert text in page, text
    assert 'id="section-feedback">Rückmeldungen (1)' in page
    assert "Otto" not in page


def test_each_export_is_recorded_without_personal_data(client, coordinator, senior, history):
    client.force_login(coordinator)
    client.get(reverse("privacy:information", args=[senior.pk]))
    client.get(reverse("privacy:information_json", args=[senior.pk]))

    entries = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).order_by("pk")
    assert [entry.changes for entry in entries] == [{"format": "html"}, {"format": "json"}]
    for entry in entries:
        assert (entry.actor, entry.senior_id, entry.object_id) == (
            coordinator,
            senior.pk,
            senior.pk,
        )
        assert entry.object_type == "senior"


def test_the_json_download_holds_every_section(client, coordinator, senior, history):
    client.force_login(coordinator)
    response = client.get(reverse("privacy:information_json", args=[senior.pk]))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="auskunft-ratsuchende-{senior.pk}.json"'
    )
    data = json.loads(response.content)
    assert data["senior_id"] == senior.pk
    assert data["person"][0]["last_name"] == "Müller"
    assert data["person"][0]["phone"] == "+4915123456789"
    assert {row["id"] for row in data["appointments"]} == {
        history["past"].pk,
        history["future"].pk,
    }
    assert data["registrations"][0]["status"] == "angemeldet"
    assert data["replies"][0]["body"] == "Mein Enkel kommt mit"
    assert data["feedback"][0]["score"] == 5
    sent = [row for row in data["messages"] if row["text"]]
    assert len(sent) == 1 and "Gertrud" in sent[0]["text"]
    assert all(row["appointment"] or row["registration"] for row in data["messages"])
    assert "audit" in data


def test_office_staff_may_neither_export_nor_erase(client, office_staff, senior, history):
    client.force_login(office_staff)
    for name in ("privacy:information", "privacy:information_json", "privacy:erase"):
        assert client.get(reverse(name, args=[senior.pk])).status_code == 403
    assert (
        client.post(reverse("privacy:erase", args=[senior.pk]), {"confirm": "on"}).status_code
        == 403
    )
    senior.refresh_from_db()
    assert senior.anonymised_at is None
    assert not AuditEntry.objects.exists()


def test_the_senior_page_offers_the_coordinator_information_and_erasure(
    client, coordinator, office_staff, senior
):
    url = reverse("desk:senior", args=[senior.pk])
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert reverse("privacy:information", args=[senior.pk]) in page
    assert reverse("privacy:erase", args=[senior.pk]) in page
    client.force_login(office_staff)
    assert reverse("privacy:erase", args=[senior.pk]) not in client.get(url).content.decode()


def test_the_confirmation_page_says_what_will_happen_and_changes_nothing(
    client, coordinator, senior, history
):
    client.force_login(coordinator)
    response = client.get(reverse("privacy:erase", args=[senior.pk]))

    page = response.content.decode()
    assert "1 künftiger Termin wird abgesagt" in page
    assert "1 Workshop-Anmeldung wird storniert" in page
    assert "Endgültig löschen" in page
    history["future"].refresh_from_db()
    assert history["future"].status == AppointmentStatus.BOOKED


def test_without_the_tick_nothing_is_erased(client, coordinator, senior, history):
    client.force_login(coordinator)
    response = client.post(reverse("privacy:erase", args=[senior.pk]), {})

    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Fehler: Daten löschen" in page
    assert "Bitte bestätigen Sie die Löschung" in page
    senior.refresh_from_db()
    assert senior.anonymised_at is None


def test_erasure_cancels_the_future_first_then_anonymises(
    client, coordinator, senior, helper, history
):
    client.force_login(coordinator)
    response = client.post(reverse("privacy:erase", args=[senior.pk]), {"confirm": "on"})

    assert response.status_code == 302 and response.url == reverse("desk:search")
    future, past = history["future"], history["past"]
    future.refresh_from_db()
    past.refresh_from_db()
    # The future appointment is cancelled through the service: slot free, helper told.
    assert future.status == AppointmentStatus.CANCELLED
    assert not Assignment.objects.filter(appointment=future).exists()
    assert future.reminders.filter(
        helper=helper, kind=Reminder.Kind.CANCELLED, status=Reminder.Status.PENDING
    ).exists()
    # Nothing more goes to the senior.
    assert not Reminder.objects.filter(
        senior=senior, status__in=[Reminder.Status.PENDING, Reminder.Status.HELD]
    ).exists()
    # The workshop seat went back and was offered to Otto, who waited.
    history["seat"].refresh_from_db()
    assert history["seat"].status == RegistrationStatus.CANCELLED
    otto_waiting = Registration.objects.get(senior=history["otto"])
    assert SeatOffer.objects.filter(registration=otto_waiting).exists()
    # The person is gone; what the statistics count stays.
    senior = Senior.objects.get(pk=senior.pk)
    assert senior.anonymised_at is not None
    assert "Müller" not in str(senior) and str(senior.phone) == ""
    assert past.status == AppointmentStatus.ATTENDED and past.note == ""
    assert Feedback.objects.get().appointment == past
    assert InboundMessage.objects.get().body == ""
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ERASED)
    assert (entry.senior_id, entry.actor) == (senior.pk, coordinator)
    assert "Müller" not in json.dumps(entry.changes) and "Gertrud" not in json.dumps(entry.changes)


def test_an_anonymised_senior_has_nothing_left_to_erase(client, coordinator, senior):
    services.senior_erase(senior=senior)
    client.force_login(coordinator)
    response = client.post(reverse("privacy:erase", args=[senior.pk]), {"confirm": "on"})
    assert response.status_code == 200
    assert "Es gibt nichts mehr zu löschen" in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ERASED).count() == 1


def test_the_privacy_notice_is_public_and_names_the_controller(client, settings, db):
    settings.PRIVACY_CONTROLLER_NAME = "Stadtverwaltung Kaiserslautern"
    settings.PRIVACY_CONTROLLER_EMAIL = "datenschutz@kaiserslautern.example"
    settings.PRIVACY_DPO_CONTACT = "Frau Beispiel, Rathaus, Zimmer 101"
    settings.MESSAGE_RETENTION_DAYS = 90
    response = client.get(reverse("privacy_notice"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Datenschutzerklärung</h1>" in page
    assert "Stadtverwaltung Kaiserslautern" in page
    assert 'href="mailto:datenschutz@kaiserslautern.example"' in page
    assert "Frau Beispiel, Rathaus, Zimmer 101" in page
    assert "nach 90 Tagen" in page and "12 Monate nach Ihrem letzten Termin" in page


@pytest.mark.parametrize("name", ["login", "privacy_notice"])
def test_every_page_links_the_privacy_notice_in_its_footer(client, db, name):
    page = client.get(reverse(name)).content.decode()
    footer = page[page.index("<footer") :]
    assert f'href="{reverse("privacy_notice")}"' in footer
