"""The Content-Security-Policy breaks nothing: a real browser reports no violation on the
pages each role uses, htmx's live search and the print button included."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser import wait_for_htmx

pytestmark = pytest.mark.browser


def _record_violations(page: Page) -> list[str]:
    """Chromium reports each blocked script, style or image on the console."""
    violations: list[str] = []

    def note(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", note)
    return violations


def test_the_desk_works_under_the_policy(new_page, office_staff, senior, office):
    page = new_page(office_staff)
    violations = _record_violations(page)

    page.goto("/buero/")
    search = page.get_by_label("Name oder Telefonnummer")
    expect(search).to_be_focused()
    wait_for_htmx(page)
    with page.expect_response(lambda response: response.url.endswith("/buero/suche/")):
        page.keyboard.type("6789")
    expect(page.locator("#search-status")).to_have_text("1 Person gefunden")

    page.goto(f"/buero/tagesliste/drucken/?office={office.pk}")
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    page.get_by_role("button", name="Drucken").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")

    assert violations == []


def test_helper_pages_and_the_admin_work_under_the_policy(new_page, helper, coordinator):
    page = new_page(helper.user)
    violations = _record_violations(page)
    page.goto("/ehrenamt/")
    expect(page.get_by_role("heading", name="Meine Termine")).to_be_visible()
    page.goto("/ehrenamt/kalender/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    admin = new_page(coordinator)
    violations += _record_violations(admin)
    admin.goto("/admin/neighborhoods/office/add/")
    expect(admin.get_by_label("Name")).to_be_visible()

    assert violations == []


def test_the_public_pages_and_the_poster_work_under_the_policy(page, office):
    violations = _record_violations(page)
    for path in ("/angebot/", "/angebot/bueros/", "/angebot/workshops/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"/angebot/bueros/{office.pk}/aushang/")
    expect(page.locator("svg.poster-qr")).to_be_visible()
    assert violations == []
