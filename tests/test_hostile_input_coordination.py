"""Random and hostile input into the coordinator's pages, data protection, walk-ins, the
contact person, the booking's kinds and video step, the public pages and the feedback
replies and call costs of Twilio's webhooks (hypothesis).

As in tests/test_hostile_input.py: every request goes through the test client as the
role that may use the page (so any exception fails the test), never a 5xx, and when
the answer refuses (4xx) no row changed. Run it on SQLite and on PostgreSQL, which
refuses NUL bytes in text and numbers beyond its columns.
"""

from __future__ import annotations

import pytest
from django.forms import BaseForm
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings import services
from bookings.models import (
    Appointment,
    AppointmentStatus,
    ContactPerson,
    InboundMessage,
    LoanDevice,
    Registration,
    Reminder,
    Senior,
    Topic,
    VideoCall,
    Workshop,
)
from coordination.models import AuditEntry, Feedback, WalkIn
from neighborhoods.models import Closure
from tests.conftest import at, make_senior, make_workshop
from tests.reminder_fixtures import book, travel
from tests.test_hostile_input import bounded, signed_post, twilio_settings, values  # noqa: F401

# Each example here sends several requests: fewer examples keep the file near a minute.
bounded = settings(bounded, max_examples=20)

TABLES = (
    Appointment,
    AuditEntry,
    Closure,
    ContactPerson,
    Feedback,
    InboundMessage,
    LoanDevice,
    Registration,
    Reminder,
    Senior,
    Topic,
    VideoCall,
    WalkIn,
    Workshop,
)

# Ids that name nothing, or more than a database column holds.
NO_IDS = [0, 999_999, 2**31, 2**63 - 1, 2**63, 2**70]
# A field sent twice: the form must read one value, never a list.
repeated = st.lists(values, min_size=2, max_size=3)
field = st.one_of(values, repeated)


def some_of(*names: str):
    """Forms with any of these fields left out, each hostile."""
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names, field))


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def assert_safe(response, before: dict[str, int]) -> None:
    assert response.status_code < 500, response.status_code
    if response.status_code >= 400:
        assert row_counts() == before, response.status_code


ENGLISH = ("This field", "Enter a", "Select a", "Ensure this", "is not", "is required", "valid")


def assert_refused_in_german(response) -> None:
    """A refusal names its reasons, in German: the errors of the page's forms, or the
    text of a page without one."""
    contexts = response.context or []
    forms_shown = [
        value
        for context in (contexts if isinstance(contexts, list) else [contexts])
        for value in context.flatten().values()
        if isinstance(value, BaseForm) and value.is_bound
    ]
    errors = [str(error) for form in forms_shown for error in form.errors.values()]
    reasons = " ".join(errors) if forms_shown else response.content.decode()
    assert reasons.strip(), response.status_code
    assert not any(word in reasons for word in ENGLISH), reasons


@pytest.fixture
def world(senior, helper, office, topic, monday, loan_device):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    return {
        "appointment": appointment,
        "workshop": make_workshop(office, topic),
        "senior": senior,
        "helper": helper,
        "topic": topic,
        "device": loan_device,
        "closure": Closure.objects.create(
            office=office, starts_on=monday, ends_on=monday, reason="Umzug"
        ),
    }


@pytest.fixture
def coordinating(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def staff(client, office_staff):
    client.force_login(office_staff)
    return client


# --- The coordinator's forms ------------------------------------------------------------


@bounded
@given(office=field, starts_on=field, ends_on=field, reason=field)
def test_closures(coordinating, world, office, starts_on, ends_on, reason):
    data = {"office": office, "starts_on": starts_on, "ends_on": ends_on, "reason": reason}
    before = row_counts()
    response = coordinating.post(reverse("coordinator:closures"), data)
    assert_safe(response, before)
    if response.status_code == 422:
        assert_refused_in_german(response)


@bounded
@given(active=field, offices=repeated, topics=repeated)
def test_helper_roster(coordinating, world, active, offices, topics):
    url = reverse("coordinator:helper", args=[world["helper"].pk])
    before = row_counts()
    data = {"active": active, "offices": offices, "topics": topics}
    assert_safe(coordinating.post(url, data), before)


workshop_fields = some_of(
    "office", "title", "topic", "description", "day", "starts", "ends", "seats", "helpers"
)


@bounded
@given(data=workshop_fields, confirm=values)
def test_workshop_forms(coordinating, world, data, confirm):
    pk = world["workshop"].pk
    for url, sent in (
        (reverse("coordinator:workshop_add"), data),
        (reverse("coordinator:workshop", args=[pk]), data),
        (reverse("coordinator:workshop_cancel", args=[pk]), {"confirm": confirm}),
    ):
        before = row_counts()
        response = coordinating.post(url, sent)
        assert_safe(response, before)
        if response.status_code == 422:
            assert_refused_in_german(response)


@bounded
@given(
    name=field,
    description=field,
    duration=st.one_of(field, st.integers().map(str)),
    active=field,
    office=field,
    kind=field,
    label=field,
)
def test_topics_and_devices(
    coordinating, world, name, description, duration, active, office, kind, label
):
    topic = {"name": name, "description": description, "duration_minutes": duration}
    device = {"office": office, "kind": kind, "label": label}
    for url, data in (
        (reverse("coordinator:topic_add"), topic),
        (reverse("coordinator:topic", args=[world["topic"].pk]), topic),
        (reverse("coordinator:device_add"), device),
        (reverse("coordinator:device", args=[world["device"].pk]), device),
    ):
        before = row_counts()
        response = coordinating.post(url, {**data, "active": active})
        assert_safe(response, before)
        if response.status_code == 422:
            assert_refused_in_german(response)


@pytest.mark.parametrize("pk", NO_IDS)
def test_ids_that_name_nothing_are_not_found(coordinating, world, pk):
    """Every page with an id in its path answers 404 for an id that names nothing, even
    one beyond a 64-bit column."""
    before = row_counts()
    for name, method in (
        ("coordinator:closure_remove", "post"),
        ("coordinator:helper", "get"),
        ("coordinator:helper", "post"),
        ("coordinator:workshop", "post"),
        ("coordinator:workshop_cancel", "post"),
        ("coordinator:topic", "post"),
        ("coordinator:device", "post"),
        ("privacy:information", "get"),
        ("privacy:information_json", "get"),
        ("privacy:erase", "post"),
        ("desk:contact_person", "post"),
        ("desk:contact_person_remove", "post"),
        ("desk:book", "post"),
    ):
        response = getattr(coordinating, method)(reverse(name, args=[pk]), {"confirm": "on"})
        assert response.status_code == 404, (name, method, pk)
    assert row_counts() == before


# --- Filters in GET parameters ------------------------------------------------------------


filters = some_of("office", "person", "since", "until", "seite", "first", "last")


@bounded
@given(query=filters)
def test_audit_trail_and_statistics_filters(coordinating, world, query):
    before = row_counts()
    for name in (
        "coordinator:audit_trail",
        "coordination:statistics",
        "coordination:statistics_csv",
        "coordination:coverage",
    ):
        response = coordinating.get(reverse(name), query)
        assert response.status_code in (200, 400), (name, response.status_code)
        if response.status_code == 400:
            assert_refused_in_german(response)
        if response.streaming:
            b"".join(response.streaming_content)  # the stream must not fail halfway
    assert row_counts() == before


@pytest.mark.parametrize(
    "query",
    [
        {"first": "0000-01-01"},
        {"first": "99999-01-01"},
        {"last": "2026-02-30"},
        {"first": "2026-01-01", "last": "2020-01-01"},
        {"first": "1990-01-01", "last": "2026-01-01"},
        {"office": "\x00"},
        {"office": str(2**70)},
    ],
)
def test_a_bad_period_is_refused_in_german(coordinating, db, query):
    response = coordinating.get(reverse("coordination:statistics_csv"), query)

    assert response.status_code == 400
    assert "Zeitraum ist ungültig" in response.content.decode()
    page = coordinating.get(reverse("coordination:statistics"), query)
    assert page.status_code == 200
    assert page.context["form"].errors


# --- Data protection ----------------------------------------------------------------------


@bounded
@given(confirm=field, query=filters)
def test_information_and_erasure(coordinating, world, confirm, query):
    senior = make_senior()
    for name in ("privacy:information", "privacy:information_json"):
        assert coordinating.get(reverse(name, args=[senior.pk]), query).status_code == 200
        assert coordinating.post(reverse(name, args=[senior.pk])).status_code == 405
    before = row_counts()
    response = coordinating.post(reverse("privacy:erase", args=[senior.pk]), {"confirm": confirm})
    assert_safe(response, before)
    senior.refresh_from_db()
    if response.status_code == 400:
        assert senior.anonymised_at is None
        assert_refused_in_german(response)
    else:
        assert (response.status_code, bool(senior.anonymised_at)) == (302, True)


# --- Walk-ins and the contact person ------------------------------------------------------


walk_in_fields = some_of("office", "minutes", "device", "topic")


@bounded
@given(data=walk_in_fields)
def test_walk_ins(client, world, office_staff, data):
    for user, name in (
        (office_staff, "desk:walk_in"),
        (world["helper"].user, "helpers:walk_in"),
    ):
        client.force_login(user)
        before = row_counts()
        response = client.post(reverse(name), data)
        assert_safe(response, before)
        if response.status_code == 422:
            assert_refused_in_german(response)


contact_fields = some_of("name", "relation", "phone", "consent", "copies_wished")


@bounded
@given(data=contact_fields)
def test_contact_person(staff, world, data):
    pk = world["senior"].pk
    before = row_counts()
    response = staff.post(reverse("desk:contact_person", args=[pk]), data)
    assert_safe(response, before)
    if response.status_code == 422:
        assert_refused_in_german(response)
    before = row_counts()
    assert_safe(staff.post(reverse("desk:contact_person_remove", args=[pk]), data), before)


# --- Kinds of appointment and the video relative's step ----------------------------------


def _first_slot(client, senior: Senior, kind: str) -> str | None:
    response = client.get(reverse("desk:senior", args=[senior.pk]), {"kind": kind})
    slots = [slot for group in response.context["slot_groups"] for slot in group.slots]
    return slots[0].cursor if slots else None


booking_fields = st.fixed_dictionaries(
    {"kind": st.one_of(st.sampled_from(["phone", "video", "office"]), field)},
    optional=dict.fromkeys(
        ("device", "relative_name", "relative_phone", "relative_email", "office"), field
    ),
)


@bounded
@given(data=booking_fields, real_slot=st.booleans())
def test_book_with_kinds_and_the_video_relative(staff, world, data, real_slot):
    senior = make_senior(first_name="Ilse", phone="+4915199999999")
    kind = data["kind"] if isinstance(data["kind"], str) else "office"
    slot = _first_slot(staff, senior, kind if kind in ("phone", "video") else "office")
    post = {**data, "topic": str(world["topic"].pk), "slot": slot if real_slot else "x"}
    before = row_counts()
    response = staff.post(reverse("desk:book", args=[senior.pk]), post)
    # A Senior row was made above; a refusal adds none.
    assert_safe(response, before)
    if response.status_code == 302:
        assert Appointment.objects.filter(senior=senior).count() == 1


# --- Public pages -------------------------------------------------------------------------


@bounded
@given(query=st.dictionaries(st.sampled_from(["next", "language", "q", "page"]), field))
def test_public_pages(client, world, query):
    office = world["appointment"].office_id
    before = row_counts()
    for url in (
        reverse("public:start"),
        reverse("public:offices"),
        reverse("public:office", args=[office]),
        reverse("public:poster", args=[office]),
        reverse("public:workshops"),
    ):
        assert client.get(url, query).status_code == 200
        assert client.post(url, query).status_code == 405
    response = client.get(reverse("public:language"), query)
    assert response.status_code == 302
    # Never away from this site, whatever `next` says.
    assert url_has_allowed_host_and_scheme(response.url, allowed_hosts={"testserver"})
    assert row_counts() == before


# --- Twilio: feedback replies and call costs ---------------------------------------------

MOBILE = "+4915123456789"
BODIES = ["4", "Note 3", " 5 ", "👍", "⭐⭐⭐", "3\x00", "\x00", "x" * 1600, "4" * 1601, "0", "6"]


@pytest.fixture
def asked(world, monday):
    """The feedback question after an attended appointment, sent a moment ago."""
    appointment = world["appointment"]
    with travel(at(monday, 12)):
        services.appointment_mark(appointment=appointment, status=AppointmentStatus.ATTENDED)
    return appointment.reminders.get(kind=Reminder.Kind.FEEDBACK)


@bounded
@given(body=st.one_of(st.sampled_from(BODIES), values), segments=values)
def test_feedback_replies(client, twilio_settings, asked, body, segments):  # noqa: F811
    InboundMessage.objects.all().delete()
    Feedback.objects.all().delete()
    Reminder.objects.filter(pk=asked.pk).update(status=Reminder.Status.SENT, sent_at=timezone.now())
    params = {"MessageSid": "SM" + "e" * 32, "From": MOBILE, "Body": body, "NumSegments": segments}
    before = row_counts()
    response = signed_post(client, reverse("twilio_sms"), params)
    assert response.status_code != 403
    assert_safe(response, before)
    if response.status_code == 200:
        (message,) = InboundMessage.objects.all()
        assert message.body == body[:1600]
        assert all(1 <= score <= 5 for score in Feedback.objects.values_list("score", flat=True))
    else:
        assert "\x00" in body or "\x00" in segments


@pytest.mark.parametrize(("body", "score"), [("4", 4), ("Note 3", 3), ("x" * 1600, None)])
def test_a_feedback_score_is_kept(client, twilio_settings, asked, body, score):  # noqa: F811
    Reminder.objects.filter(pk=asked.pk).update(status=Reminder.Status.SENT, sent_at=timezone.now())
    params = {"MessageSid": "SM" + "d" * 32, "From": MOBILE, "Body": body}

    assert signed_post(client, reverse("twilio_sms"), params).status_code == 200
    assert list(Feedback.objects.values_list("score", flat=True)) == ([score] if score else [])


CALL_SID = "CA" + "c" * 32


@bounded
@given(
    duration=st.one_of(
        st.sampled_from([" ", " 75", "75 ", "-1", "99999", "100000", "١٢"]),
        values,
        st.integers().map(str),
    ),
    segments=st.one_of(values, st.integers().map(str)),
)
def test_call_duration_and_segments(client, twilio_settings, world, duration, segments):  # noqa: F811
    reminder = world["appointment"].reminders.get(kind=Reminder.Kind.CONFIRMATION)
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.SENT,
        provider_sid=CALL_SID,
        provider_status="",
        channel=Reminder.Channel.VOICE,
        call_seconds=0,
    )
    params = {
        "CallSid": CALL_SID,
        "CallStatus": "completed",
        "CallDuration": duration,
        "NumSegments": segments,
    }
    response = signed_post(client, reverse("twilio_status", args=[reminder.pk]), params)
    assert response.status_code in (204, 400), response.status_code
    reminder.refresh_from_db()
    if response.status_code == 400:
        assert (reminder.status, reminder.call_seconds) == (Reminder.Status.SENT, 0)
    else:
        assert reminder.call_seconds == int(duration or 0) >= 0
