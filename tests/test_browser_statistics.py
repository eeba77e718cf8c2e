"""The coordinator's statistics and coverage pages and the walk-in form, in a real browser:
axe, 320 px without sideways scrolling, keyboard, and the two clicks of a walk-in."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Appointment, AppointmentStatus
from coordination.models import Feedback, WalkIn
from tests.browser import PHONE, assert_accessible, screenshot
from tests.conftest import make_senior

pytestmark = pytest.mark.browser


@pytest.fixture
def numbers(office, other_office, helper, topic):
    """A few months of appointments, walk-ins and feedback to draw."""
    today = timezone.localdate()
    for n in range(12):
        starts_at = timezone.now() - datetime.timedelta(days=20 * n + 1)
        Appointment.objects.create(
            office=office if n % 3 else other_office,
            helper=helper,
            senior=make_senior(),
            topic=topic,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=1),
            status=AppointmentStatus.NO_SHOW if n % 4 == 0 else AppointmentStatus.ATTENDED,
        )
        WalkIn.objects.create(office=office, topic=topic, visited_at=starts_at)
    Feedback.objects.create(office=office, topic=topic, score=5)
    return today


def test_it_shows_the_statistics_with_charts_and_tables(new_page, coordinator, numbers):
    page = new_page(coordinator)
    page.goto("/")
    page.get_by_role("link", name="Statistik").click()
    expect(page.get_by_role("heading", name="Statistik", level=1)).to_be_visible()
    expect(page.get_by_role("img", name="Termine je Monat")).to_be_visible()
    expect(page.get_by_role("table", name="Termine je Monat")).to_be_visible()
    expect(page.get_by_role("link", name="Als CSV herunterladen (für Excel)")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "coordination-statistics")


def test_a_bad_period_is_explained_and_focused(new_page, coordinator, numbers):
    page = new_page(coordinator)
    page.goto("/koordination/statistik/?first=2026-05-01&last=2026-04-01")
    expect(page).to_have_title("Fehler: Statistik – Digitale Hilfe")
    expect(page.get_by_text("Das Ende des Zeitraums liegt vor seinem Anfang.")).to_be_visible()
    # The field in error has the focus (static/js/focus-errors.js) before the Tab stops
    # are checked: on a busy machine the script ran after the first Tab otherwise.
    expect(page.locator('input[name="last"]')).to_be_focused()
    assert_accessible(page)


def test_it_shows_the_coverage_gaps(new_page, coordinator, helper, office):
    page = new_page(coordinator)
    page.goto("/koordination/abdeckung/")
    expect(page.get_by_role("heading", name="Abdeckung der Sprechstunden")).to_be_visible()
    assert_accessible(page)


def test_a_helper_on_the_phone_records_a_walk_in_in_two_clicks(new_page, helper, office, topic):
    page = new_page(helper.user, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/ehrenamt/besuch-ohne-termin/")
    assert_accessible(page)
    page.get_by_label("etwa eine halbe Stunde").check()
    page.get_by_role("button", name=topic.name).click()
    expect(page.get_by_text("Besuch ohne Termin erfasst")).to_be_visible()
    walk_in = WalkIn.objects.get()
    assert (walk_in.office, walk_in.minutes, walk_in.helper) == (office, 30, helper)
    assert_accessible(page)


def test_office_staff_record_a_walk_in_by_keyboard(new_page, office_staff, office, topic):
    page = new_page(office_staff)
    page.goto("/buero/besuch-ohne-termin/")
    page.get_by_role("button", name=topic.name).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Besuch ohne Termin erfasst")).to_be_visible()
    assert WalkIn.objects.get().minutes == WalkIn.Duration.QUARTER
    assert_accessible(page)
