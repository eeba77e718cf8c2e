"""Bookings to rebook in a real browser: the list on /buero/ with the phone number and
the one-click hand-over to a free helper, checked with assert_accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bookings import services
from bookings.models import Appointment
from tests.browser import assert_accessible
from tests.conftest import at, make_helper

pytestmark = pytest.mark.browser


def test_it_hands_a_booking_over_from_the_list(
    new_page, office_staff, senior, helper, office, topic, monday
):
    make_helper(office, topic, first_name="Klaus")
    appointment = services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    services.helper_deactivate(helper=helper)
    page = new_page(office_staff)

    page.goto("/buero/")
    rebooking = page.get_by_role("region", name="Bitte anrufen: Termine neu vereinbaren")
    expect(rebooking).to_contain_text("01512 3456789")
    assert_accessible(page)

    page.goto(f"/buero/termine/{appointment.pk}/")
    expect(page.get_by_role("heading", name="Könnte übernehmen")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="An Klaus übergeben (gleiche Zeit)").click()
    expect(page.get_by_role("heading", name="Termin verlegt")).to_be_visible()
    assert_accessible(page)
    appointment.refresh_from_db()
    assert appointment.helper.first_name == "Klaus"
    assert not Appointment.objects.filter(needs_rebooking=True).exists()
