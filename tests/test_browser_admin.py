"""The coordinator in Django's admin, in a real browser, checked for accessibility."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bookings import services
from tests.browser import assert_accessible
from tests.conftest import at

pytestmark = pytest.mark.browser

# Django's own change form breaks these rules, and no small template override fixes them:
# - "label", "select-name": tabular inlines (opening hours, closures) name their fields only
#   by the column header, so the inputs and selects have no label of their own;
# - "aria-prohibited-attr": the filter_horizontal widget (office staff) puts aria-label on a
#   plain <span> that its JavaScript (SelectFilter2.js) builds.
# The index and the change lists pass every rule.
ADMIN_CHANGE_FORM_SKIP_RULES = ["label", "select-name", "aria-prohibited-attr"]


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
    assert_accessible(page, skip_rules=ADMIN_CHANGE_FORM_SKIP_RULES)


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
