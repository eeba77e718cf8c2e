"""Logging in with the keyboard alone, in a real browser, for every role."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import PASSWORD, assert_accessible, screenshot, type_login

pytestmark = pytest.mark.browser


def persona_user(request, persona: str):
    """The login account behind a persona fixture (a Helper wraps its user)."""
    found = request.getfixturevalue(persona)
    return getattr(found, "user", found)


def test_it_shows_an_accessible_login_page(page):
    page.goto("/anmelden/")

    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "login")


@pytest.mark.parametrize(
    ("persona", "landing", "heading"),
    [
        ("coordinator", "/", "Willkommen, Karin"),
        ("office_staff", "/buero/", "Heute: Stadtteilbüro Grübentälchen"),
        ("helper", "/ehrenamt/", "Meine Termine"),
    ],
)
def test_it_logs_in_with_the_keyboard_alone(request, page, live_server, persona, landing, heading):
    user = persona_user(request, persona)
    page.goto("/anmelden/")

    type_login(page, user.username, PASSWORD)

    expect(page).to_have_url(f"{live_server.url}{landing}")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()


def test_it_refuses_a_wrong_password_accessibly(page, live_server, office_staff):
    page.goto("/anmelden/")

    type_login(page, office_staff.username, "falsch")

    expect(page.get_by_role("alert")).to_contain_text("Passwort")
    expect(page).to_have_url(f"{live_server.url}/anmelden/")
    assert_accessible(page)


def test_it_sends_anonymous_visitors_to_the_login_page(page, live_server):
    page.goto("/")

    expect(page).to_have_url(f"{live_server.url}/anmelden/?next=/")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()


def test_it_explains_a_lockout_accessibly(page, live_server, office_staff):
    page.goto("/anmelden/")
    for _ in range(5):
        page.get_by_label("Benutzername").fill(office_staff.username)
        page.get_by_label("Passwort").fill("falsch")
        with page.expect_navigation():
            page.get_by_label("Passwort").press("Enter")

    expect(page.get_by_role("heading", name="Anmeldung vorübergehend gesperrt")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("15 Minuten gesperrt")
    assert_accessible(page)
    page.get_by_role("link", name="Zurück zur Anmeldung").click()
    expect(page).to_have_url(f"{live_server.url}/anmelden/")
