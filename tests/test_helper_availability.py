"""My availability: add, change and end own weekly ranges, inside opening hours."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Availability
from tests.conftest import at

LIST_URL = reverse("helpers:availability")
ADD_URL = reverse("helpers:availability_add")


@pytest.fixture
def helper_client(client, helper):
    client.force_login(helper.user)
    return client


def range_data(office, **changes):
    data = {
        "office": office.pk,
        "weekday": 1,
        "starts": "14:00",
        "ends": "16:00",
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": "",
    }
    data.update(changes)
    return data


def monday_range(helper):
    return helper.availabilities.get(weekday=0)


def test_it_lists_own_ranges(helper_client, helper, office, other_helper):
    response = helper_client.get(LIST_URL)

    assert response.status_code == 200
    assert list(response.context["availabilities"]) == list(
        helper.availabilities.order_by("weekday")
    )
    assert "Montag, 10:00–12:00" in response.content.decode()


def test_it_adds_a_range(helper_client, helper, office):
    response = helper_client.post(ADD_URL, range_data(office))

    assert response.status_code == 302
    added = helper.availabilities.get(weekday=1, starts=datetime.time(14))
    assert added.office == office
    assert added.ends == datetime.time(16)


def test_it_refuses_a_range_outside_opening_hours(helper_client, helper, office):
    response = helper_client.post(ADD_URL, range_data(office, starts="12:00", ends="14:00"))

    assert response.status_code == 200
    assert "nicht geöffnet" in response.content.decode()
    assert not helper.availabilities.filter(starts=datetime.time(12)).exists()


def test_it_refuses_an_overlap_with_an_own_range(helper_client, helper, office):
    response = helper_client.post(ADD_URL, range_data(office, starts="11:00", ends="12:00"))

    assert "überschneidet sich mit einer anderen Sprechzeit" in response.content.decode()
    assert helper.availabilities.filter(weekday=1).count() == 1


def test_it_offers_only_own_offices(helper_client, helper, office, other_office):
    response = helper_client.post(ADD_URL, range_data(other_office))

    assert response.status_code == 200
    assert "office" in response.context["form"].errors
    assert not helper.availabilities.filter(office=other_office).exists()


def test_it_changes_a_range(helper_client, helper, office):
    availability = monday_range(helper)
    url = reverse("helpers:availability_change", args=[availability.pk])

    response = helper_client.post(url, range_data(office, weekday=0, starts="10:30", ends="12:00"))

    assert response.status_code == 302
    availability.refresh_from_db()
    assert availability.starts == datetime.time(10, 30)


def test_it_refuses_a_change_that_strands_a_booking(
    helper_client, helper, senior, office, topic, monday
):
    services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    availability = monday_range(helper)
    url = reverse("helpers:availability_change", args=[availability.pk])

    response = helper_client.post(url, range_data(office, weekday=0, starts="11:00", ends="12:00"))

    assert response.status_code == 200
    assert "noch gebuchte Termine" in response.content.decode()
    availability.refresh_from_db()
    assert availability.starts == datetime.time(10)


def test_it_ends_a_range(helper_client, helper):
    availability = monday_range(helper)
    last_day = timezone.localdate() + datetime.timedelta(days=30)
    url = reverse("helpers:availability_end", args=[availability.pk])

    response = helper_client.post(url, {"last_day": last_day.isoformat()})

    assert response.status_code == 302
    availability.refresh_from_db()
    assert availability.valid_until == last_day


def test_it_deletes_a_range_ended_before_it_begins(helper_client, helper, office):
    starts = timezone.localdate() + datetime.timedelta(days=10)
    future = Availability.objects.create(
        helper=helper,
        office=office,
        weekday=1,
        starts=datetime.time(14),
        ends=datetime.time(16),
        valid_from=starts,
    )
    url = reverse("helpers:availability_end", args=[future.pk])

    helper_client.post(url, {"last_day": timezone.localdate().isoformat()})

    assert not Availability.objects.filter(pk=future.pk).exists()


def test_it_refuses_to_end_a_range_with_bookings_after_the_last_day(
    helper_client, helper, senior, office, topic, monday
):
    services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    availability = monday_range(helper)
    url = reverse("helpers:availability_end", args=[availability.pk])

    response = helper_client.post(url, {"last_day": timezone.localdate().isoformat()})

    assert "noch gebuchte Termine" in response.content.decode()
    availability.refresh_from_db()
    assert availability.valid_until is None


@pytest.mark.parametrize("name", ["helpers:availability_change", "helpers:availability_end"])
def test_it_gives_404_for_another_helpers_range(helper_client, other_helper, name):
    foreign = other_helper.availabilities.first()
    url = reverse(name, args=[foreign.pk])

    assert helper_client.get(url).status_code == 404
    assert helper_client.post(url, {"last_day": "2030-01-01"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.valid_until is None


def test_it_sends_anonymous_users_to_login(client, helper):
    for url in (LIST_URL, ADD_URL, reverse("helpers:availability_end", args=[1])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_refuses_office_staff(client, office_staff, office):
    client.force_login(office_staff)
    assert client.get(LIST_URL).status_code == 403
    assert client.post(ADD_URL, range_data(office)).status_code == 403


def test_it_refuses_to_end_a_range_in_the_past(helper_client, helper):
    availability = monday_range(helper)
    url = reverse("helpers:availability_end", args=[availability.pk])
    two_days_ago = timezone.localdate() - datetime.timedelta(days=2)

    response = helper_client.post(url, {"last_day": two_days_ago.isoformat()})

    assert response.status_code == 200
    assert "späteren Tag" in response.content.decode()
    availability.refresh_from_db()
    assert availability.valid_until is None
