"""Random text, numbers, days and Unicode into every form and every webhook (hypothesis).

Each test posts what hypothesis makes up through the test client, as the role that may
use the page, and asserts: never a 500 (the test client re-raises any exception), and
when the answer is an error, no row changed. Runs are bounded and derandomised so the
suite stays fast and the same everywhere; run it on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from bookings.models import (
    Absence,
    Appointment,
    Assignment,
    Availability,
    InboundMessage,
    Registration,
    Reminder,
    Senior,
)
from tests.conftest import at, make_workshop
from tests.fake_twilio import AUTH_TOKEN
from tests.reminder_fixtures import book

BASE = "https://hilfe.example.org"

bounded = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eRTL\u202c",
    "مرحبا",
    "שלום",
    "👵🏽📱",
    "Ä" * 5000,
    "x" * 100_000,
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "99999-01-01",
    "-1",
    "0",
    str(2**63),
    str(2**64 + 1),
    "1e309",
    "NaN",
    "<script>alert(1)</script>",
    "'; DROP TABLE bookings_senior; --",
    "%00",
    "\r\n",
]

# Any Unicode but lone surrogates (which no browser can send as UTF-8).
unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
numbers = st.integers(min_value=-(2**70), max_value=2**70).map(str)
days = st.dates().map(lambda day: day.isoformat())
values = st.one_of(st.sampled_from(NASTY), unicode_text, numbers, days)

TABLES = (
    Absence,
    Appointment,
    Assignment,
    Availability,
    InboundMessage,
    Registration,
    Reminder,
    Senior,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def assert_safe(response, before: dict[str, int]) -> None:
    assert response.status_code < 500
    if response.status_code >= 400:
        assert row_counts() == before, response.status_code


@pytest.fixture
def world(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    workshop = make_workshop(office, topic)
    return {"appointment": appointment, "workshop": workshop, "senior": senior}


@pytest.fixture
def staff(client, office_staff):
    client.force_login(office_staff)
    return client


# --- Desk (office staff) ------------------------------------------------------------------


@bounded
@given(q=values)
def test_caller_search(staff, world, q):
    before = row_counts()
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        assert_safe(staff.post(reverse("desk:search"), {"q": q}, **headers), before)


@bounded
@given(
    first_name=values,
    last_name=values,
    phone=values,
    district=values,
    channel=values,
    consent=values,
)
def test_senior_create(staff, world, first_name, last_name, phone, district, channel, consent):
    before = row_counts()
    data = {
        "first_name": first_name,
        "last_name": last_name,
        "phone": phone,
        "district": district,
        "preferred_channel": channel,
        "reminder_consent": consent,
    }
    assert_safe(staff.post(reverse("desk:senior_create"), data), before)


slot_search = st.fixed_dictionaries(
    {},
    optional={
        "topic": values,
        "device": values,
        "office": values,
        "weekdays": st.lists(values, max_size=3),
        "part_of_day": values,
        "first_day": values,
        "after": values,
        "others": values,
    },
)


@bounded
@given(query=slot_search)
def test_slot_search_and_move_search(staff, world, query):
    before = row_counts()
    assert_safe(staff.get(reverse("desk:senior", args=[world["senior"].pk]), query), before)
    move = reverse("desk:move", args=[world["appointment"].pk])
    assert_safe(staff.get(move, query), before)


@bounded
@given(query=slot_search, slot=values)
def test_book_and_move(staff, world, query, slot):
    data = {**query, "slot": slot}
    before = row_counts()
    assert_safe(staff.post(reverse("desk:book", args=[world["senior"].pk]), data), before)
    before = row_counts()
    assert_safe(staff.post(reverse("desk:move", args=[world["appointment"].pk]), data), before)


@bounded
@given(reason=values, note=values, status=values, back=values)
def test_appointment_changes(staff, world, reason, note, status, back):
    pk = world["appointment"].pk
    for name, data in (
        ("desk:note", {"note": note}),
        ("desk:mark", {"status": status, "back": back}),
        ("desk:cancel", {"reason": reason, "note": note}),
    ):
        before = row_counts()
        assert_safe(staff.post(reverse(name, args=[pk]), data), before)


@bounded
@given(office=values, day=values)
def test_day_list(staff, world, office, day):
    before = row_counts()
    for name in ("desk:dashboard", "desk:day_list", "desk:day_list_print"):
        assert_safe(staff.get(reverse(name), {"office": office, "day": day}), before)


@bounded
@given(senior=values)
def test_workshop_register(staff, world, senior):
    before = row_counts()
    url = reverse("desk:workshop_register", args=[world["workshop"].pk])
    assert_safe(staff.post(url, {"senior": senior}), before)


# --- Helpers' pages -----------------------------------------------------------------------


@bounded
@given(starts_on=values, ends_on=values, reason=values, confirm=st.booleans())
def test_absence(client, helper, world, starts_on, ends_on, reason, confirm):
    client.force_login(helper.user)
    data = {"starts_on": starts_on, "ends_on": ends_on, "reason": reason}
    if confirm:
        data["confirm"] = "1"
    before = row_counts()
    assert_safe(client.post(reverse("helpers:absences"), data), before)


@bounded
@given(
    office=values,
    weekday=values,
    starts=values,
    ends=values,
    valid_from=values,
    valid_until=values,
    last_day=values,
)
def test_availability(
    client, helper, world, office, weekday, starts, ends, valid_from, valid_until, last_day
):
    client.force_login(helper.user)
    data = {
        "office": office,
        "weekday": weekday,
        "starts": starts,
        "ends": ends,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    own = helper.availabilities.order_by("pk").first()
    before = row_counts()
    assert_safe(client.post(reverse("helpers:availability_add"), data), before)
    before = row_counts()
    assert_safe(client.post(reverse("helpers:availability_change", args=[own.pk]), data), before)
    before = row_counts()
    url = reverse("helpers:availability_end", args=[own.pk])
    assert_safe(client.post(url, {"last_day": last_day}), before)


# --- Login, language, feed ----------------------------------------------------------------


@bounded
@given(username=values, password=values, language=values, next_url=values)
def test_login_and_language(client, db, username, password, language, next_url):
    before = row_counts()
    assert_safe(client.post(reverse("login"), {"username": username, "password": password}), before)
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert_safe(response, before)


@bounded
@given(token=unicode_text)
def test_feed_token(client, helper, token):
    response = client.get("/ehrenamt/kalender/" + quote(token, safe="") + ".ics")
    assert response.status_code in (200, 404)


# --- Twilio webhooks ----------------------------------------------------------------------


@pytest.fixture
def twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.PUBLIC_BASE_URL = BASE


def signed_post(client, path: str, params: dict):
    signature = RequestValidator(AUTH_TOKEN).compute_signature(BASE + path, params)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def _sent(world, channel: str) -> Reminder:
    """The confirmation as just sent, and no replies: each example starts from here."""
    InboundMessage.objects.all().delete()
    reminder = world["appointment"].reminders.get(kind=Reminder.Kind.CONFIRMATION)
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.SENT,
        provider_sid=SID,
        provider_status="",
        error_code="",
        channel=channel,
    )
    return reminder


SID = "SM" + "a" * 32
sids = st.one_of(st.just(SID), st.just("CA" + "a" * 32), values)


status_fields = st.fixed_dictionaries(
    {},
    optional={
        "MessageSid": sids,
        "CallSid": sids,
        "MessageStatus": st.one_of(st.sampled_from(["delivered", "failed", "sent"]), values),
        "CallStatus": st.one_of(st.sampled_from(["completed", "busy", "no-answer"]), values),
        "ErrorCode": st.one_of(st.sampled_from(["30003", "30005", "30006"]), values),
    },
)
sms_fields = st.fixed_dictionaries(
    {},
    optional={
        "MessageSid": st.one_of(st.just("SM" + "b" * 32), values),
        "From": st.one_of(st.just("+4915123456789"), values),
        "To": values,
        "Body": st.one_of(st.sampled_from(["JA", "NEIN", "STOP"]), values),
    },
)
call_fields = st.fixed_dictionaries(
    {},
    optional={
        "CallSid": st.one_of(st.just("CA" + "c" * 32), values),
        "Digits": st.one_of(st.sampled_from(["1", "2", "3"]), values),
        "AnsweredBy": st.one_of(st.sampled_from(["human", "machine_end_beep"]), values),
    },
)


def assert_webhook_safe(response, before: dict[str, int], reminder: Reminder, state) -> None:
    assert response.status_code != 403  # signed: the signature must pass
    assert_safe(response, before)
    if response.status_code >= 400:
        reminder.refresh_from_db()
        assert (reminder.status, reminder.provider_status) == state


@bounded
@given(status=status_fields, sms=sms_fields)
def test_status_and_sms_webhooks(client, twilio_settings, world, status, sms):
    reminder = _sent(world, Reminder.Channel.SMS)
    for path, params in (
        (reverse("twilio_status", args=[reminder.pk]), status),
        (reverse("twilio_sms"), sms),
    ):
        reminder.refresh_from_db()
        state, before = (reminder.status, reminder.provider_status), row_counts()
        assert_webhook_safe(signed_post(client, path, params), before, reminder, state)
    # Whatever came before, a well-formed reply is recorded (an empty SID once made
    # every later reply look like a duplicate).
    good = {"MessageSid": "SM" + "f" * 32, "From": "+4915123456789", "Body": "Hallo"}
    assert signed_post(client, reverse("twilio_sms"), good).status_code == 200
    assert InboundMessage.objects.filter(provider_sid=good["MessageSid"]).exists()


@bounded
@given(params=call_fields)
def test_call_webhooks(client, twilio_settings, world, params):
    reminder = _sent(world, Reminder.Channel.VOICE)
    for name in ("twilio_call", "twilio_keypad"):
        reminder.refresh_from_db()
        state, before = (reminder.status, reminder.provider_status), row_counts()
        response = signed_post(client, reverse(name, args=[reminder.pk]), params)
        assert_webhook_safe(response, before, reminder, state)
