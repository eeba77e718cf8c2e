"""Bad input gets a clear 400 or a German form error, never a 500 and never a partial write.

Each test here reproduces one defect that once answered with an error page; run on
SQLite and on PostgreSQL (which refuses NUL bytes and values longer than a column).
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from twilio.request_validator import RequestValidator

from bookings.models import Absence, InboundMessage, Registration, Reminder
from tests.conftest import at, make_workshop
from tests.fake_twilio import AUTH_TOKEN
from tests.reminder_fixtures import book

BASE = "https://hilfe.example.org"
MOBILE = "+4915123456789"
FAR = "9999-12-31"


@pytest.fixture
def twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.PUBLIC_BASE_URL = BASE


def signed_post(client, path: str, params: dict):
    signature = RequestValidator(AUTH_TOKEN).compute_signature(BASE + path, params)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.fixture
def staff_client(client, office_staff):
    client.force_login(office_staff)
    return client


@pytest.fixture
def sent(senior, helper, office, topic, monday):
    """A senior's confirmation SMS that went out and waits for its status."""
    appointment = book(senior, helper, office, topic, at(monday, 10))
    reminder = appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION)
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.SENT, provider_sid="SM" + "a" * 32, sent_at=timezone.now()
    )
    reminder.refresh_from_db()
    return reminder


# --- Desk pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "", "1.5", "9" * 30, "\x00", "-1"])
def test_it_refuses_a_workshop_registration_for_no_senior(
    staff_client, office, topic, senior, value
):
    workshop = make_workshop(office, topic)
    url = reverse("desk:workshop_register", args=[workshop.pk])

    response = staff_client.post(url, {"senior": value})

    assert response.status_code == 400
    assert "Bitte wählen Sie eine Person" in response.content.decode()
    assert not Registration.objects.exists()


def test_it_still_registers_a_senior_for_a_workshop(staff_client, office, topic, senior):
    workshop = make_workshop(office, topic)
    url = reverse("desk:workshop_register", args=[workshop.pk])

    response = staff_client.post(url, {"senior": str(senior.pk)})

    assert response.status_code == 302
    assert Registration.objects.get().senior == senior


@pytest.mark.parametrize("text", ["Mül\x00ler", "\x00", "0631\x00123", "x" * 500])
def test_the_caller_search_refuses_nul_bytes_and_overlong_text(staff_client, senior, text):
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = staff_client.post(reverse("desk:search"), {"q": text}, **headers)

        assert response.status_code == 200
        assert response.context["results"] == []
        assert response.context["search_form"].errors["q"]


def test_the_caller_search_still_finds_people(staff_client, senior):
    response = staff_client.post(reverse("desk:search"), {"q": "muller"})

    assert response.context["results"] == [senior]


@pytest.mark.parametrize("day", [FAR, "9999-12-30", "0001-01-01", "2999-01-01"])
def test_the_slot_search_refuses_days_out_of_range(staff_client, senior, topic, day):
    url = reverse("desk:senior", args=[senior.pk])

    response = staff_client.get(url, {"topic": topic.pk, "first_day": day})

    assert response.status_code == 200
    errors = response.context["slot_form"].errors["first_day"]
    assert "Bitte wählen Sie einen Tag" in errors[0]
    assert response.context["slot_groups"] == []


def test_a_cursor_out_of_range_starts_the_slot_list_over(staff_client, senior, helper, topic):
    url = reverse("desk:senior", args=[senior.pk])
    first_page = staff_client.get(url, {"topic": topic.pk}).context["slot_groups"]
    far_stamp = int(datetime.datetime(9999, 12, 31, 23, tzinfo=datetime.UTC).timestamp())

    for cursor in (f"{far_stamp}-1-1", f"-{far_stamp}-1-1", "1-99999999999999999999-1"):
        response = staff_client.get(url, {"topic": topic.pk, "after": cursor})

        assert response.status_code == 200, cursor
        assert response.context["slot_form"].cleaned_data["after"] == "", cursor
        assert [g.slots for g in response.context["slot_groups"]] == [g.slots for g in first_page]
    assert any(group.slots for group in first_page)


def test_booking_a_slot_with_ids_out_of_range_is_refused(staff_client, senior, topic):
    stamp = int(timezone.now().timestamp()) + 86400
    for slot in (f"{stamp}-99999999999999999999-1", f"{stamp}-1-99999999999999999999"):
        response = staff_client.post(
            reverse("desk:book", args=[senior.pk]), {"topic": topic.pk, "slot": slot}
        )

        assert response.status_code == 400, slot
    assert not senior.appointments.exists()


@pytest.mark.parametrize("day", [FAR, "0001-01-01"])
def test_the_day_list_refuses_days_out_of_range(staff_client, office, day):
    for name in ("desk:day_list", "desk:day_list_print", "desk:dashboard"):
        response = staff_client.get(reverse(name), {"office": office.pk, "day": day})

        assert response.status_code == 200, name
        assert "Bitte wählen Sie einen Tag" in response.context["day_form"].errors["day"][0]


def test_ids_out_of_range_in_urls_are_not_found(staff_client):
    huge = 2**63
    for name in ("desk:senior", "desk:appointment", "desk:workshop"):
        assert staff_client.get(reverse(name, args=[huge])).status_code == 404, name


# --- Helper pages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [(FAR, FAR), ("2026-12-01", FAR), ("0001-01-01", "0001-01-02"), ("9999-12-30", FAR)],
)
def test_an_absence_far_ahead_is_refused(client, helper, starts_on, ends_on):
    client.force_login(helper.user)

    response = client.post(
        reverse("helpers:absences"), {"starts_on": starts_on, "ends_on": ends_on, "reason": "x"}
    )

    assert response.status_code == 200
    assert "Bitte wählen Sie einen Tag zwischen" in response.content.decode()
    assert not Absence.objects.exists()


def test_an_availability_far_ahead_is_refused(client, helper, office):
    client.force_login(helper.user)
    before = helper.availabilities.count()

    response = client.post(
        reverse("helpers:availability_add"),
        {
            "office": office.pk,
            "weekday": 3,
            "starts": "16:00",
            "ends": "17:00",
            "valid_from": FAR,
            "valid_until": FAR,
        },
    )

    assert response.status_code == 200
    assert "Bitte wählen Sie einen Tag zwischen" in response.content.decode()
    assert helper.availabilities.count() == before


def test_ending_an_availability_far_ahead_is_refused(client, helper):
    client.force_login(helper.user)
    availability = helper.availabilities.first()

    response = client.post(
        reverse("helpers:availability_end", args=[availability.pk]), {"last_day": FAR}
    )

    assert response.status_code == 200
    assert "Bitte wählen Sie einen Tag zwischen" in response.content.decode()
    availability.refresh_from_db()
    assert availability.valid_until is None


@pytest.mark.parametrize("token", ["%00", "a%00b", "x" * 300])
def test_a_feed_token_with_odd_characters_is_not_found(client, helper, token):
    assert client.get(f"/ehrenamt/kalender/{token}.ics").status_code == 404


# --- Twilio webhooks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"MessageSid": "SM" + "a" * 32, "MessageStatus": "deliv\x00ered"},
        {"MessageSid": "SM" + "a" * 32, "MessageStatus": "x" * 100},
        {"MessageSid": "SM" + "a" * 100, "MessageStatus": "delivered"},
        {"MessageSid": "SM\x00" + "a" * 31, "MessageStatus": "delivered"},
        {"MessageSid": "SM" + "a" * 32, "MessageStatus": "failed", "ErrorCode": "3" * 40},
        {"CallSid": "CA" + "a" * 100, "CallStatus": "completed"},
        # Blanks around a value: the value checked must be the value used (a padded status
        # once reached its 20-character column, " " reached int()).
        {"MessageSid": "SM" + "a" * 32, "MessageStatus": " " + "x" * 20},
        {"MessageSid": " SM" + "a" * 62, "MessageStatus": "sent"},
        {"MessageSid": "SM" + "a" * 32, "MessageStatus": "failed", "ErrorCode": " " * 11},
        {"CallSid": "CA" + "a" * 32, "CallStatus": "completed", "CallDuration": " "},
        {"CallSid": "CA" + "a" * 32, "CallStatus": "completed", "CallDuration": " 75"},
    ],
)
def test_a_status_callback_with_bad_fields_gets_400(client, twilio_settings, sent, params):
    response = signed_post(client, reverse("twilio_status", args=[sent.pk]), params)

    assert response.status_code == 400
    sent.refresh_from_db()
    assert sent.status == Reminder.Status.SENT
    assert sent.provider_status == ""


def test_a_status_callback_still_records_delivery(client, twilio_settings, sent):
    params = {"MessageSid": sent.provider_sid, "MessageStatus": "delivered"}

    response = signed_post(client, reverse("twilio_status", args=[sent.pk]), params)

    assert response.status_code == 204
    sent.refresh_from_db()
    assert sent.status == Reminder.Status.DELIVERED


@pytest.mark.parametrize(
    "params",
    [
        {"From": MOBILE, "Body": "JA\x00", "MessageSid": "SM" + "b" * 32},
        {"From": MOBILE + "\x00", "Body": "JA", "MessageSid": "SM" + "b" * 32},
        {"From": MOBILE, "Body": "JA", "MessageSid": "SM" + "b" * 100},
        {"From": MOBILE, "Body": "JA", "MessageSid": ""},
        {"From": MOBILE, "Body": "JA"},
        {"From": "x" * 200, "Body": "JA", "MessageSid": "SM" + "b" * 32},
        {"From": MOBILE, "Body": "JA", "MessageSid": "SM" + "b" * 62 + " "},
    ],
)
def test_an_inbound_sms_with_bad_fields_gets_400(client, twilio_settings, sent, params):
    response = signed_post(client, reverse("twilio_sms"), params)

    assert response.status_code == 400
    assert not InboundMessage.objects.exists()
    sent.appointment.refresh_from_db()
    assert sent.appointment.confirmed_at is None


def test_an_empty_message_sid_does_not_make_later_replies_duplicates(client, twilio_settings, sent):
    signed_post(client, reverse("twilio_sms"), {"From": MOBILE, "Body": "Hallo", "MessageSid": ""})

    response = signed_post(
        client, reverse("twilio_sms"), {"From": MOBILE, "Body": "JA", "MessageSid": ""}
    )
    assert response.status_code == 400
    response = signed_post(
        client, reverse("twilio_sms"), {"From": MOBILE, "Body": "JA", "MessageSid": "SM" + "c" * 32}
    )

    assert response.status_code == 200
    assert InboundMessage.objects.get().action == InboundMessage.Action.CONFIRMED
    sent.appointment.refresh_from_db()
    assert sent.appointment.confirmed_at is not None


def test_a_keypad_press_with_a_bad_call_sid_gets_400(client, twilio_settings, sent):
    Reminder.objects.filter(pk=sent.pk).update(channel=Reminder.Channel.VOICE)
    url = reverse("twilio_keypad", args=[sent.pk])

    for call_sid in ("CA" + "d" * 100, "CA\x00" + "d" * 31, ""):
        response = signed_post(client, url, {"Digits": "2", "CallSid": call_sid})
        assert response.status_code == 400, call_sid
    assert not InboundMessage.objects.exists()
    sent.appointment.refresh_from_db()
    assert sent.appointment.status == "booked"


def test_a_call_with_a_nul_byte_gets_400(client, twilio_settings, sent):
    Reminder.objects.filter(pk=sent.pk).update(channel=Reminder.Channel.VOICE)

    response = signed_post(
        client, reverse("twilio_call", args=[sent.pk]), {"AnsweredBy": "human\x00"}
    )

    assert response.status_code == 400


# --- The coordinator's checkboxes ---------------------------------------------------------


@pytest.mark.parametrize("pk", [str(2**63), str(2**70), str(-(2**64))])
def test_a_ticked_id_beyond_the_database_is_refused(client, coordinator, helper, office, pk):
    """A checkbox value too large for an id once overflowed the query (a 500 on SQLite)."""
    client.force_login(coordinator)
    url = reverse("coordinator:helper", args=[helper.pk])

    response = client.post(url, {"active": "on", "offices": [str(office.pk), pk]})

    assert response.status_code == 422
    assert "ist keine gültige Auswahl" in str(response.context["form"].errors["offices"])
    assert list(helper.offices.all()) == [office]


# --- Login --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["login", "admin:login"])
def test_an_overlong_username_is_a_form_error(client, db, name):
    """Django checks the username's length only in the browser; the overlong name reached
    django-axes, whose 255-character column refused it on PostgreSQL (a 500)."""
    from axes.models import AccessAttempt

    response = client.post(reverse(name), {"username": "Ä" * 300, "password": "geheim"})

    assert response.status_code == 200
    assert "höchstens 150 Zeichen" in str(response.context["form"].errors["username"])
    assert not AccessAttempt.objects.exists()
