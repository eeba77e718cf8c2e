"""The coverage view: opening hours in the coming week with no helper available."""

from __future__ import annotations

import datetime

from django.urls import reverse

from bookings.models import Absence
from coordination.coverage import coverage_gaps
from neighborhoods.models import Closure

T = datetime.time


def _gaps_on(day, office):
    return [
        (gap.starts, gap.ends) for gap in coverage_gaps(day, days=1) if gap.office == office.name
    ]


def test_it_shows_the_hours_no_helper_covers(helper, office, monday):
    # The helper covers 10-12 on weekdays; the office is also open 14-16.
    assert _gaps_on(monday, office) == [(T(14), T(16))]


def test_an_absence_opens_a_gap_and_a_closure_closes_it(helper, office, monday):
    Absence.objects.create(helper=helper, starts_on=monday, ends_on=monday)
    assert _gaps_on(monday, office) == [(T(10), T(12)), (T(14), T(16))]
    Closure.objects.create(office=office, starts_on=monday, ends_on=monday, reason="Umzug")
    assert _gaps_on(monday, office) == []


def test_a_week_lists_every_open_office_day(helper, office, other_office, monday):
    gaps = coverage_gaps(monday)
    assert {gap.day for gap in gaps} == {monday + datetime.timedelta(days=n) for n in range(5)}
    # Thursday's evening hours are open too, and nobody covers them.
    thursday = monday + datetime.timedelta(days=3)
    assert (T(16), T(18)) in _gaps_on(thursday, office)


def test_only_coordinators_see_it(client, coordinator, office_staff, helper):
    client.force_login(coordinator)
    response = client.get(reverse("coordination:coverage"))
    assert response.status_code == 200
    assert "niemand eingeplant" in response.content.decode()
    client.force_login(office_staff)
    assert client.get(reverse("coordination:coverage")).status_code == 403
