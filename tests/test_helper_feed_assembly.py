"""The feed is assembled from rendered events kept between renders; it must stay what
icalendar writes, and show every change at once."""

from __future__ import annotations

import datetime
import functools

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bookings import services
from bookings.models import Assignment, CancellationReason, Workshop
from bookings.schedule import feed
from tests.conftest import at, make_senior


@pytest.fixture(autouse=True)
def empty_cache():
    # Rendered feeds and events are cached; ids repeat between tests on SQLite.
    cache.clear()


@pytest.fixture
def booked(helper, office, topic, monday):
    """Three appointments in the helper's feed, in order."""
    return [
        services.appointment_book(
            senior=make_senior(first_name=name),
            helper=helper,
            office=office,
            topic=topic,
            starts_at=at(monday + datetime.timedelta(days=days), hour),
        )
        for name, days, hour in [("Gertrud", 0, 10), ("Jürgen", 0, 11), ("Käthe", 1, 10)]
    ]


@pytest.fixture
def workshop(helper, office, topic, monday):
    workshop = Workshop.objects.create(
        office=office,
        title="Überweisungen am Smartphone",
        topic=topic,
        starts_at=at(monday, 14),
        ends_at=at(monday, 16),
    )
    Assignment.objects.create(helper=helper, workshop=workshop)
    return workshop


@pytest.fixture
def event_renders(monkeypatch):
    """Counts how many events are rendered with icalendar (the rest come from the cache)."""
    calls = []
    render = feed._event_ical

    @functools.wraps(render)
    def counted(properties):
        calls.append(properties)
        return render(properties)

    monkeypatch.setattr(feed, "_event_ical", counted)
    return calls


def fetch(client, helper) -> bytes:
    response = client.get(reverse("helpers:feed", args=[helper.feed_token]))
    assert response.status_code == 200
    return response.content


def events_by_uid(body: bytes) -> dict:
    return {str(event["UID"]): event for event in Calendar.from_ical(body).walk("VEVENT")}


def test_it_writes_the_bytes_icalendar_writes_for_the_same_calendar(helper, booked, workshop):
    now = timezone.now()
    services.appointment_cancel(appointment=booked[1], reason=CancellationReason.SENIOR)

    body = feed.helper_feed(helper, now=now)

    calendar = Calendar.from_ical(body)
    assert calendar.to_ical() == body
    assert len(calendar.walk("VEVENT")) == 4
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert body.endswith(b"END:VEVENT\r\nEND:VCALENDAR\r\n")


def test_it_assembles_the_same_feed_from_cached_events_as_from_scratch(
    helper, booked, workshop, office
):
    now = timezone.now()
    feed.helper_feed(helper, now=now)
    services.appointment_move(
        appointment=booked[0], helper=helper, office=office, starts_at=booked[0].starts_at
    )

    assembled = feed.helper_feed(helper, now=now)
    cache.clear()

    assert assembled == feed.helper_feed(helper, now=now)


def test_it_renders_again_only_the_changed_appointment(
    client, helper, booked, workshop, office, event_renders
):
    before = events_by_uid(fetch(client, helper))
    # The workshop has no change time: its DTSTAMP is the render's, so it is rendered anew.
    assert len(event_renders) == 4
    event_renders.clear()

    services.appointment_move(
        appointment=booked[2], helper=helper, office=office, starts_at=booked[2].ends_at
    )
    after = events_by_uid(fetch(client, helper))

    assert len(event_renders) == 2
    uid = next(uid for uid in after if uid.startswith(f"appointment-{booked[2].pk}@"))
    assert before[uid]["SEQUENCE"] == 0
    assert after[uid]["SEQUENCE"] == 1
    assert after[uid].decoded("DTSTART") == booked[2].starts_at + datetime.timedelta(hours=1)
    unchanged = [u for u in after if u != uid and u.startswith("appointment-")]
    assert len(unchanged) == 2
    assert all(after[u].to_ical() == before[u].to_ical() for u in unchanged)


def test_it_shows_a_cancellation_after_a_cached_render(client, helper, booked):
    fetch(client, helper)

    services.appointment_cancel(appointment=booked[0], reason=CancellationReason.HELPER_ILL)
    events = events_by_uid(fetch(client, helper))

    statuses = {uid.split("@")[0]: str(e["STATUS"]) for uid, e in events.items()}
    assert statuses[f"appointment-{booked[0].pk}"] == "CANCELLED"
    assert statuses[f"appointment-{booked[1].pk}"] == "CONFIRMED"
    assert (
        events[next(u for u in events if u.startswith(f"appointment-{booked[0].pk}@"))]["SEQUENCE"]
        == 1
    )


def test_it_shows_a_renamed_office_at_once(client, helper, booked, office):
    fetch(client, helper)

    office.name = "Stadtteilbüro Am Kotten"
    office.street = "Kottenstraße 7"
    office.save()
    locations = {str(e["LOCATION"]) for e in events_by_uid(fetch(client, helper)).values()}

    assert locations == {"Stadtteilbüro Am Kotten, Kottenstraße 7, 67655 Kaiserslautern"}


def test_it_shows_a_renamed_topic_at_once(client, helper, booked, topic):
    fetch(client, helper)

    topic.name = "Android-Smartphone"
    topic.save()
    events = events_by_uid(fetch(client, helper)).values()

    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries == [
        "Android-Smartphone mit Gertrud M.",
        "Android-Smartphone mit Jürgen M.",
        "Android-Smartphone mit Käthe M.",
    ]
    assert {str(e["DESCRIPTION"]).split(" · ")[0] for e in events} == {"Android-Smartphone"}


def test_it_keeps_only_the_events_of_the_last_render(helper, booked, workshop):
    now = timezone.now()
    feed.helper_feed(helper, now=now)
    booked[0].delete()

    feed.helper_feed(helper, now=now)

    assert len(cache.get(f"helpers.feed.parts:{helper.pk}")) == 1 + 3  # header, 3 events
