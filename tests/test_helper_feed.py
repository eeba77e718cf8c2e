"""The helper's calendar feed, parsed with icalendar, and its secret URL."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from icalendar import Calendar

from bookings import services
from bookings.models import Assignment, CancellationReason, Workshop
from tests.conftest import at, make_senior

SETTINGS_URL = reverse("helpers:feed_settings")
RENEW_URL = reverse("helpers:feed_renew")


def feed_url(helper) -> str:
    return reverse("helpers:feed", args=[helper.feed_token])


def book(senior, helper, office, topic, starts_at):
    return services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=starts_at
    )


def fetch(client, helper) -> Calendar:
    response = client.get(feed_url(helper))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_uid(calendar: Calendar) -> dict:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture(autouse=True)
def empty_cache():
    # Rendered feeds are cached by version; ids repeat between tests on SQLite.
    cache.clear()


@pytest.fixture
def booked(senior, helper, office, topic, monday):
    return book(senior, helper, office, topic, at(monday, 10))


def test_it_has_one_event_per_appointment_and_workshop(
    client, helper, booked, office, topic, monday
):
    book(make_senior(first_name="Horst"), helper, office, topic, at(monday, 11))
    workshop = Workshop.objects.create(
        office=office,
        title="Online-Banking",
        topic=topic,
        starts_at=at(monday, 14),
        ends_at=at(monday, 16),
    )
    Assignment.objects.create(helper=helper, workshop=workshop)

    events = fetch(client, helper).walk("VEVENT")

    assert len(events) == 3
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries == [
        "Smartphone mit Gertrud M.",
        "Smartphone mit Horst M.",
        "Workshop: Online-Banking",
    ]


def test_it_uses_berlin_time_with_a_vtimezone(client, helper, booked, monday):
    calendar = fetch(client, helper)

    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Berlin"]
    event = calendar.walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    starts = event.decoded("DTSTART")
    assert starts == at(monday, 10)
    assert starts.replace(tzinfo=None) == datetime.datetime.combine(monday, datetime.time(10))
    assert event.decoded("DTEND") == at(monday, 11)


def test_it_puts_the_office_address_in_location(client, helper, booked, office):
    event = fetch(client, helper).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == f"{office.name}, Musterstraße 1, 67655 Kaiserslautern"


def test_it_keeps_the_uid_and_raises_the_sequence_on_change(client, helper, booked, office, monday):
    before = events_by_uid(fetch(client, helper))
    (uid,) = before
    assert before[uid]["SEQUENCE"] == 0
    assert str(before[uid]["STATUS"]) == "CONFIRMED"

    services.appointment_move(
        appointment=booked, helper=helper, office=office, starts_at=at(monday, 11)
    )
    moved = events_by_uid(fetch(client, helper))

    assert list(moved) == [uid]
    assert moved[uid]["SEQUENCE"] == 1
    assert moved[uid].decoded("DTSTART") == at(monday, 11)


def test_it_marks_cancelled_appointments(client, helper, booked):
    services.appointment_cancel(appointment=booked, reason=CancellationReason.SENIOR)

    (event,) = fetch(client, helper).walk("VEVENT")

    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_it_holds_no_phone_numbers_surnames_or_notes(client, helper, office, topic, monday):
    senior = make_senior(first_name="Gertrud", last_name="Schwarzenberger")
    services.appointment_book(
        senior=senior,
        helper=helper,
        office=office,
        topic=topic,
        starts_at=at(monday, 10),
        note="Tochter erreichbar unter 0171 2345678",
    )
    helper.may_see_senior_phones = True
    helper.save()

    body = client.get(feed_url(helper)).content.decode()

    assert "Gertrud S." in body
    assert "Schwarzenberger" not in body
    assert "15123456789" not in body
    assert "0171" not in body


def test_it_shows_only_the_helpers_own_appointments(
    client, helper, other_helper, other_office, topic, booked, monday
):
    book(make_senior(first_name="Fremd"), other_helper, other_office, topic, at(monday, 10))

    summaries = [str(e["SUMMARY"]) for e in fetch(client, helper).walk("VEVENT")]

    assert summaries == ["Smartphone mit Gertrud M."]


def test_it_refuses_an_unknown_token(client, db):
    assert client.get(reverse("helpers:feed", args=["not-a-token"])).status_code == 404


def test_it_refuses_the_feed_of_an_inactive_helper(client, helper):
    helper.active = False
    helper.save()
    assert client.get(feed_url(helper)).status_code == 404


def test_it_shows_the_url_with_a_qr_code(client, helper):
    client.force_login(helper.user)

    response = client.get(SETTINGS_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert f"http://testserver{feed_url(helper)}" in html
    assert f"webcal://testserver{feed_url(helper)}" in html
    assert "<svg" in html
    assert "iPhone" in html and "Android" in html


def test_it_renews_the_token_and_the_old_url_stops_working(client, helper):
    old_url = feed_url(helper)
    client.force_login(helper.user)

    response = client.post(RENEW_URL)

    assert response.status_code == 302
    helper.refresh_from_db()
    assert feed_url(helper) != old_url
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(feed_url(helper)).status_code == 200
    assert client.head(feed_url(helper)).status_code == 200


def test_it_renews_only_by_post(client, helper):
    client.force_login(helper.user)
    token = helper.feed_token
    assert client.get(RENEW_URL).status_code == 405
    helper.refresh_from_db()
    assert helper.feed_token == token


def test_it_denies_the_settings_to_anonymous_and_office_staff(client, helper, office_staff):
    token = helper.feed_token
    for url in (SETTINGS_URL, RENEW_URL):
        response = client.post(url) if url == RENEW_URL else client.get(url)
        assert response["Location"].startswith(reverse("login"))
    client.force_login(office_staff)
    assert client.get(SETTINGS_URL).status_code == 403
    assert client.post(RENEW_URL).status_code == 403
    helper.refresh_from_db()
    assert helper.feed_token == token


def test_it_answers_not_modified_for_the_same_version(client, helper, booked, office, monday):
    etag = client.get(feed_url(helper))["ETag"]

    assert client.get(feed_url(helper), HTTP_IF_NONE_MATCH=etag).status_code == 304

    services.appointment_move(
        appointment=booked, helper=helper, office=office, starts_at=at(monday, 11)
    )
    response = client.get(feed_url(helper), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_it_serves_an_unchanged_feed_from_the_cache(
    client, helper, booked, django_assert_num_queries
):
    first = client.get(feed_url(helper)).content

    # helper by token, appointments' version, workshops' version: no rendering queries
    with django_assert_num_queries(3):
        again = client.get(feed_url(helper)).content

    assert again == first


def test_it_marks_cancelled_workshops(client, helper, office, topic, monday):
    workshop = Workshop.objects.create(
        office=office,
        title="Online-Banking",
        topic=topic,
        starts_at=at(monday, 14),
        ends_at=at(monday, 16),
    )
    Assignment.objects.create(helper=helper, workshop=workshop)
    (before,) = fetch(client, helper).walk("VEVENT")

    workshop.cancelled_at = at(monday - datetime.timedelta(days=3), 9)
    workshop.save()
    (after,) = fetch(client, helper).walk("VEVENT")

    assert str(before["STATUS"]) == "CONFIRMED"
    assert str(after["STATUS"]) == "CANCELLED"
    assert str(after["UID"]) == str(before["UID"])
    assert str(after["LOCATION"]).startswith(office.name)


def test_it_serves_an_empty_calendar_without_appointments(client, helper):
    calendar = fetch(client, helper)

    assert calendar.walk("VEVENT") == []
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
