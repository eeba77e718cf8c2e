"""The audit trail: every change around a booking leaves one entry naming who made it
(a person from the desk, the helper pages or the coordinator's pages; a reply; a job),
what, to which object, and for a move the old and new time. Entries hold ids and field
names, never names, numbers or texts. Coordinators read them, filtered, on one page."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from bookings import roles, services
from bookings.models import Appointment, Reminder, Senior
from bookings.outbox import tasks
from coordination.models import AuditEntry
from tests.conftest import at, make_senior, make_user, make_workshop
from tests.fake_twilio import AUTH_TOKEN
from tests.test_staff_desk import slot_cursor
from tests.test_twilio_webhooks import BASE, MOBILE, signed_post

Action = AuditEntry.Action


@pytest.fixture
def appointment(senior, helper, office, topic, monday) -> Appointment:
    return services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )


def latest() -> AuditEntry:
    return AuditEntry.objects.latest("id")


def assert_no_personal_data(senior: Senior, *texts: str) -> None:
    """No entry holds the senior's name or number, nor any of `texts` typed by staff."""
    for entry in AuditEntry.objects.all():
        stored = json.dumps(
            [entry.action, entry.object_type, entry.via, entry.changes], ensure_ascii=False
        )
        for secret in (senior.first_name, senior.last_name, str(senior.phone), *texts):
            assert secret not in stored, f"{secret!r} in audit entry {entry.pk}: {stored}"


def test_it_records_booking_at_the_desk_with_the_staff_member(
    client, office_staff, senior, helper, office, topic, monday
):
    client.force_login(office_staff)
    client.post(
        reverse("desk:book", args=[senior.pk]),
        {"topic": topic.pk, "slot": slot_cursor(helper, office, at(monday, 10))},
    )

    entry = latest()
    appointment = Appointment.objects.get(senior=senior)
    assert (entry.action, entry.object_type, entry.object_id) == (
        Action.BOOKED,
        "appointment",
        appointment.pk,
    )
    assert (entry.actor, entry.via) == (office_staff, "web")
    assert (entry.office_id, entry.senior_id) == (office.pk, senior.pk)
    assert_no_personal_data(senior)


def test_it_records_a_move_with_the_old_and_new_time(
    client, office_staff, appointment, helper, office, monday
):
    tuesday = monday + datetime.timedelta(days=1)
    client.force_login(office_staff)
    client.post(
        reverse("desk:move", args=[appointment.pk]),
        {"topic": appointment.topic_id, "slot": slot_cursor(helper, office, at(tuesday, 10))},
    )

    entry = latest()
    assert entry.action == Action.MOVED
    assert entry.actor == office_staff
    assert datetime.datetime.fromisoformat(entry.changes["from"]) == at(monday, 10)
    assert datetime.datetime.fromisoformat(entry.changes["to"]) == at(tuesday, 10)
    assert entry.changes["fields"] == ["starts_at"]


def test_it_records_cancel_mark_and_note_without_the_texts(
    client, office_staff, appointment, senior, monday
):
    client.force_login(office_staff)
    client.post(reverse("desk:note", args=[appointment.pk]), {"note": "Enkel heißt Jonas"})
    client.post(
        reverse("desk:cancel", args=[appointment.pk]),
        {"reason": "senior", "note": "krank, Tochter rief an"},
    )

    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor", "changes"))
    assert actions[1:] == [
        (Action.NOTED, office_staff.pk, {"fields": ["note"]}),
        (Action.CANCELLED, office_staff.pk, {"fields": ["status"], "reason": "senior"}),
    ]
    assert_no_personal_data(senior, "Jonas", "Tochter")


def test_it_records_marking_on_the_day(client, office_staff, appointment, monday):
    with time_machine.travel(at(monday, 12), tick=False):
        client.force_login(office_staff)
        client.post(reverse("desk:mark", args=[appointment.pk]), {"status": "no_show"})

    entry = latest()
    assert (entry.action, entry.actor, entry.changes) == (
        Action.MARKED,
        office_staff,
        {"status": "no_show"},
    )


def test_it_records_workshop_seats(client, office_staff, senior, office, topic, monday):
    workshop = make_workshop(office, topic, starts_at=at(monday, 14))
    client.force_login(office_staff)
    client.post(reverse("desk:workshop_register", args=[workshop.pk]), {"senior": senior.pk})
    registration = workshop.registrations.get()
    client.post(reverse("desk:registration_cancel", args=[registration.pk]))

    entries = list(AuditEntry.objects.filter(object_type="registration").order_by("id"))
    assert [e.action for e in entries] == [Action.BOOKED, Action.CANCELLED]
    assert {(e.actor, e.senior_id, e.office_id) for e in entries} == {
        (office_staff, senior.pk, office.pk)
    }
    assert entries[0].changes == {"workshop": workshop.pk, "status": "registered"}


def test_it_records_the_helper_for_changes_on_the_helper_pages(client, helper, monday):
    client.force_login(helper.user)
    day = monday.isoformat()
    client.post(
        reverse("helpers:absences"),
        {"starts_on": day, "ends_on": day, "reason": "Kur in Bad Ems", "confirm": "1"},
    )

    entry = latest()
    assert (entry.action, entry.object_type, entry.actor) == (
        Action.CREATED,
        "absence",
        helper.user,
    )
    assert entry.changes["starts_on"] == day
    assert "Kur" not in json.dumps(entry.changes)


def test_it_records_a_reply_as_the_senior_s_not_a_user_s(client, settings, appointment, senior):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.PUBLIC_BASE_URL = BASE
    confirmation = appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION, senior=senior)
    Reminder.objects.filter(pk=confirmation.pk).update(
        status=Reminder.Status.SENT, sent_at=timezone.now(), provider_sid="SM" + "a" * 32
    )

    signed_post(
        client,
        "/twilio/sms/",
        {"From": MOBILE, "Body": "NEIN", "MessageSid": "SM" + "b" * 32, "To": "+49"},
    )

    entry = latest()
    assert (entry.action, entry.object_id, entry.actor, entry.via) == (
        Action.CANCELLED,
        appointment.pk,
        None,
        "reply",
    )
    assert_no_personal_data(senior, "NEIN")


def test_it_records_a_job_as_the_job(db, settings):
    old = make_senior(first_name="Hedwig", last_name="Alt", phone="+4915199988877")
    Senior.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=800)
    )

    assert tasks.anonymise_seniors() == 1

    entry = latest()
    assert (entry.action, entry.senior_id, entry.actor, entry.via) == (
        Action.ANONYMISED,
        old.pk,
        None,
        "job",
    )
    assert_no_personal_data(old)


def test_it_records_the_coordinator_s_closure_and_helper_changes(
    client, coordinator, appointment, helper, office, monday
):
    client.force_login(coordinator)
    day = monday.isoformat()
    client.post(
        reverse("coordinator:closures"),
        {"office": office.pk, "starts_on": day, "ends_on": day, "reason": "Umzug"},
    )
    client.post(
        reverse("coordinator:helper", args=[helper.pk]),
        {"offices": [office.pk], "topics": [t.pk for t in helper.topics.all()]},
    )

    closure_entry, helper_entry = AuditEntry.objects.filter(actor=coordinator).order_by("id")
    assert (closure_entry.action, closure_entry.object_type) == (Action.CREATED, "closure")
    assert closure_entry.changes["flagged"] == [appointment.pk]
    assert (helper_entry.action, helper_entry.object_id) == (Action.DEACTIVATED, helper.pk)


# --- The page -------------------------------------------------------------------------------


@pytest.fixture
def trail(appointment, office, other_office, office_staff, monday):
    """Three entries: the booking (set up by no user), a note by Erika today, and a move
    by Olga in the other office 40 days ago."""
    other_staff = make_user(group=roles.OFFICE_STAFF, first_name="Olga")
    AuditEntry.objects.create(
        actor=office_staff,
        via="web",
        action=Action.NOTED,
        object_type="appointment",
        object_id=appointment.pk,
        office=office,
        changes={"fields": ["note"]},
    )
    AuditEntry.objects.create(
        actor=other_staff,
        via="web",
        action=Action.MOVED,
        object_type="appointment",
        object_id=999,
        office=other_office,
        at=timezone.now() - datetime.timedelta(days=40),
        changes={
            "fields": ["starts_at"],
            "from": "2026-01-05T09:00:00+00:00",
            "to": "2026-01-06T09:00:00+00:00",
        },
    )
    return other_staff


def rows(response) -> list:
    return list(response.context["page"].object_list)


def test_the_page_shows_coordinators_readable_entries(client, coordinator, trail):
    client.force_login(coordinator)
    response = client.get(reverse("coordinator:audit_trail"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Notiz geändert" in page
    assert "verlegt" in page
    assert "Beginn" in page  # the field's German name
    assert "05.01.2026 10:00" in page  # the old time, local
    assert len(rows(response)) == 3


def test_the_page_filters_by_office_person_and_days(client, coordinator, office, trail):
    client.force_login(coordinator)
    url = reverse("coordinator:audit_trail")

    by_office = rows(client.get(url, {"office": office.pk}))
    by_person = rows(client.get(url, {"person": trail.pk}))
    recent = rows(client.get(url, {"since": (timezone.localdate() - datetime.timedelta(days=7))}))
    old = rows(client.get(url, {"until": (timezone.localdate() - datetime.timedelta(days=30))}))

    assert {e.office_id for e in by_office} == {office.pk}
    assert [e.object_id for e in by_person] == [999]
    assert 999 not in [e.object_id for e in recent] and len(recent) == 2
    assert [e.object_id for e in old] == [999]


def test_the_page_pages_and_refuses_bad_filters(client, coordinator, appointment):
    AuditEntry.objects.bulk_create(
        AuditEntry(action=Action.CHANGED, object_type="topic", object_id=n) for n in range(60)
    )
    client.force_login(coordinator)
    url = reverse("coordinator:audit_trail")

    first, second = client.get(url), client.get(url, {"seite": 2})
    bad = client.get(url, {"since": "2026-02-30", "until": "gestern"})

    assert len(rows(first)) == 50 and len(rows(second)) == 11
    assert "Ältere Einträge" in first.content.decode()
    assert bad.status_code == 400
    assert "Fehler:" in bad.content.decode()


def test_the_page_is_for_coordinators_only(client, office_staff, helper):
    for user in (office_staff, helper.user):
        client.force_login(user)
        assert client.get(reverse("coordinator:audit_trail")).status_code == 403
