"""The start page of each role, in a real browser, checked for accessibility."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, screenshot

pytestmark = pytest.mark.browser


def test_it_shows_the_coordinator_the_administration(new_page, coordinator):
    page = new_page(coordinator)
    page.goto("/")

    link = page.get_by_role("link", name="Verwaltung: Büros, Ehrenamtliche")
    expect(link).to_have_attribute("href", "/admin/")
    assert_accessible(page)


def test_it_sends_office_staff_to_the_desk_with_the_search_focused(
    new_page, live_server, office_staff
):
    # Fixed names, so the screenshot in the README stays the same from run to run.
    office_staff.first_name, office_staff.last_name = "Petra", "Schneider"
    office_staff.save()
    page = new_page(office_staff)
    page.goto("/")

    expect(page).to_have_url(f"{live_server.url}/buero/")
    expect(page.get_by_label("Name oder Telefonnummer")).to_be_focused()
    expect(page.get_by_role("link", name="Verwaltung: Büros")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "home")


def test_it_sends_helpers_to_their_appointments_without_administration(new_page, helper):
    page = new_page(helper.user)
    page.goto("/")

    expect(page.get_by_role("heading", name="Meine Termine")).to_be_visible()
    expect(page.locator("a[href='/admin/']")).to_have_count(0)
    assert_accessible(page)


def test_it_tells_a_user_without_role_whom_to_ask(new_page, django_user_model):
    user = django_user_model.objects.create_user(username="ohne-rolle", first_name="Uwe")
    page = new_page(user)
    page.goto("/")

    expect(page.get_by_text("noch keine Rolle zugewiesen")).to_be_visible()
    assert_accessible(page)


def test_it_lets_keyboard_users_skip_to_the_content(new_page, coordinator):
    page = new_page(coordinator)
    page.goto("/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
