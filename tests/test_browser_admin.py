"""The coordinator in Django's admin, in a real browser, checked for accessibility."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bookings import services
from tests.browser import assert_accessible
from tests.conftest import at, make_workshop

pytestmark = pytest.mark.browser


def test_it_lets_the_coordinator_administer_offices(new_page, coordinator, office):
    page = new_page(coordinator)
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Koordination")).to_be_visible()
    assert_accessible(page)

    page.goto("/admin/neighborhoods/office/")
    row_link = page.get_by_role("link", name=office.name)
    expect(row_link).to_be_visible()
    assert_accessible(page)

    page.goto(row_link.get_attribute("href"))
    expect(page.get_by_label("Name")).to_have_value(office.name)
    assert_accessible(page)


def test_it_lists_appointments_for_the_coordinator(
    new_page, coordinator, senior, helper, office, topic, monday
):
    services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    page = new_page(coordinator)
    page.goto("/admin/bookings/appointment/")

    expect(page.locator("#result_list")).to_contain_text(str(senior))
    assert_accessible(page)


def test_it_keeps_helpers_out_of_the_admin(new_page, live_server, helper):
    page = new_page(helper.user)
    page.goto("/admin/neighborhoods/office/")

    expect(page).to_have_url(f"{live_server.url}/admin/login/?next=/admin/neighborhoods/office/")


def test_it_keeps_office_staff_out_of_the_admin(new_page, live_server, office_staff):
    # Their pages are the desk; the admin would show every senior's phone number.
    page = new_page(office_staff)
    page.goto("/admin/bookings/senior/")

    expect(page).to_have_url(f"{live_server.url}/admin/login/?next=/admin/bookings/senior/")
    assert_accessible(page)


def test_the_change_forms_a_coordinator_uses_pass_axe(
    new_page, coordinator, senior, helper, office, topic, monday
):
    """Tabular inlines, split date-time fields and many-to-many fields name every input
    (helpdesk/admin_site.py); breadcrumbs are underlined (static/css/admin.css)."""
    appointment = services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    workshop = make_workshop(office, topic, starts_at=at(monday, 14))
    page = new_page(coordinator)
    for path in [
        f"/admin/bookings/workshop/{workshop.pk}/change/",
        "/admin/bookings/workshop/add/",
        f"/admin/bookings/helper/{helper.pk}/change/",
        f"/admin/bookings/senior/{senior.pk}/change/",
        f"/admin/bookings/appointment/{appointment.pk}/change/",
        f"/admin/neighborhoods/office/{office.pk}/change/",
    ]:
        page.goto(path)
        expect(page.locator("#content h1")).to_be_visible()
        assert_accessible(page)
