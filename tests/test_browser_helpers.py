"""The helpers' own pages (/ehrenamt/) in a real browser: on a phone, by keyboard, at desktop.

Every page and state a helper reaches is checked with assert_accessible, on a 360 px phone
(where nothing may scroll sideways) and on a desktop window.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.services import appointment_book
from tests.browser import DESKTOP, PHONE, assert_accessible, screenshot, tab_to
from tests.conftest import at

pytestmark = pytest.mark.browser

REBOOKING = "Sie sind abwesend; das Büro vereinbart diesen Termin neu."


def assert_accessible_on_phone(page: Page) -> None:
    """assert_accessible, and the page fits the phone's width without sideways scrolling."""
    assert_accessible(page)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways on the phone: {widths}"


@pytest.fixture
def booked(helper, office, topic, senior, monday):
    """Two of the helper's appointments on Monday and one on Tuesday, with fixed names
    so the screenshots stay the same from run to run."""
    helper.user.first_name, helper.user.last_name = "Sabine", "Becker"
    helper.user.save()
    tuesday = monday + datetime.timedelta(days=1)
    return [
        appointment_book(senior=senior, helper=helper, office=office, topic=topic, starts_at=when)
        for when in (at(monday, 10), at(monday, 11), at(tuesday, 10))
    ]


def fill_absence(page: Page, starts_on: datetime.date, ends_on: datetime.date) -> None:
    page.get_by_label("von").fill(starts_on.isoformat())
    page.get_by_label("bis einschließlich").fill(ends_on.isoformat())
    page.get_by_role("button", name="Weiter").click()


def test_it_lets_a_helper_on_the_phone_take_an_absence(new_page, helper, booked, office_staff):
    office_staff.email = "buero@example.org"
    office_staff.save()
    monday = booked[0].starts_at.date()
    page = new_page(helper.user, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/ehrenamt/")

    # At a glance: the first appointment's time and place fill no more than the first
    # screen, and the time is larger than the address.
    first = page.locator("article").first
    time, address = first.locator(".entry-time"), first.get_by_role("link").first
    expect(time).to_have_text("10:00–11:00 Uhr")
    expect(time).to_be_in_viewport(ratio=1)
    assert time.bounding_box()["y"] < PHONE["height"] / 2, "header and tabs take half the screen"
    expect(address).to_be_in_viewport(ratio=1)
    font_size = "el => parseFloat(getComputedStyle(el).fontSize)"
    assert time.evaluate(font_size) > address.evaluate(font_size)
    expect(page).to_have_title("Meine Termine – Digitale Hilfe")

    # Grouped by day: each day is a region named by its heading, holding its appointments.
    days = page.get_by_role("region")
    expect(days).to_have_count(2)
    expect(days.first).to_have_accessible_name(re.compile(r"^Montag, "))
    expect(days.first.get_by_role("heading", level=3)).to_have_text(
        [re.compile(r"10:00–11:00 Uhr ·\s+Gertrud M\."), re.compile(r"11:00–12:00 Uhr")]
    )
    expect(days.nth(1).get_by_role("heading", level=3)).to_have_count(1)
    assert_accessible_on_phone(page)
    screenshot(page, "helper-phone")

    page.get_by_role("link", name="Vergangene").tap()
    expect(page.get_by_role("link", name="Vergangene")).to_have_attribute("aria-current", "page")
    expect(page).to_have_title("Vergangene Termine – Digitale Hilfe")
    expect(
        page.get_by_text("In den letzten drei Monaten hatten Sie keine Termine.")
    ).to_be_visible()
    assert_accessible_on_phone(page)

    page.get_by_role("link", name="Abwesenheiten").tap()
    expect(page.get_by_role("heading", name="Abwesenheit eintragen")).to_be_visible()
    assert_accessible_on_phone(page)
    fill_absence(page, monday, monday)

    expect(page.get_by_role("heading", name="Abwesenheit bestätigen")).to_be_visible()
    warning = page.get_by_role("listitem").filter(has_text="Gertrud M.")
    expect(warning).to_have_text(
        [re.compile(r"10:00 Uhr ·\s*Gertrud M\."), re.compile("11:00 Uhr")]
    )
    expect(page.get_by_text("Nichts wird abgesagt.")).to_be_visible()
    assert not mail.outbox, "nothing happens before the helper confirms"
    assert_accessible_on_phone(page)
    screenshot(page, "helper-absence-warning")

    page.get_by_role("button", name="Abwesenheit eintragen").tap()
    expect(page.get_by_role("status")).to_contain_text("Ihre Abwesenheit ist eingetragen.")
    expect(page.get_by_role("status")).to_contain_text("Das Büro vereinbart 2 Termine neu")
    page.get_by_role("link", name="Meine Termine").tap()
    expect(days.first.get_by_text(REBOOKING)).to_have_count(2)
    expect(days.nth(1).get_by_text(REBOOKING)).to_have_count(0)

    # The live server runs in this process, so Django's test outbox sees its e-mail.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["buero@example.org"]
    assert "Gertrud M." in mail.outbox[0].body


def test_it_lets_a_helper_add_a_weekly_range_by_keyboard(new_page, helper):
    page = new_page(helper.user, viewport=PHONE)
    page.goto("/ehrenamt/sprechzeiten/")
    assert_accessible_on_phone(page)

    add = page.get_by_role("link", name="Sprechzeit hinzufügen")
    tab_to(page, add)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sprechzeit hinzufügen")).to_be_visible()

    # Tuesday 13–14 o'clock: the office closes for lunch. (Hours past 12 type the same
    # into a 24-hour and a 12-hour time field, so the test holds in either locale.)
    weekday = page.get_by_label("Wochentag")
    tab_to(page, weekday)
    page.keyboard.press("ArrowDown")
    expect(weekday).to_have_value("1")
    starts = page.get_by_label(re.compile(r"^\s*Von"))
    ends = page.get_by_label(re.compile(r"^\s*Bis"))
    tab_to(page, starts)
    page.keyboard.type("1300")
    tab_to(page, ends)
    page.keyboard.type("1400")
    page.keyboard.press("Enter")

    # The refusal is announced: the title says so, and the focus lands on the field,
    # whose description is the German error.
    expect(page).to_have_title(re.compile("^Fehler"))
    expect(starts).to_be_focused()
    expect(starts).to_have_attribute("aria-invalid", "true")
    expect(starts).to_have_accessible_description(re.compile("Das Büro hat zu dieser Zeit nicht"))
    expect(page.get_by_text("Das Büro hat zu dieser Zeit nicht geöffnet.")).to_be_visible()
    assert_accessible_on_phone(page)

    page.keyboard.type("1400")
    tab_to(page, ends)
    page.keyboard.type("1600")
    save = page.get_by_role("button", name="Speichern")
    tab_to(page, save)
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text("Ihre Sprechzeit ist gespeichert.")
    expect(page.get_by_text("Dienstag, 14:00–16:00 Uhr")).to_be_visible()
    assert helper.availabilities.filter(weekday=1, starts=datetime.time(14)).exists()


def test_it_shows_the_calendar_address_and_renews_it(new_page, helper):
    page = new_page(helper.user, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/ehrenamt/kalender/")

    address = page.get_by_label("Ihre Kalender-Adresse")
    expect(address).to_have_value(re.compile(rf"/ehrenamt/kalender/{helper.feed_token}\.ics$"))
    expect(page.get_by_role("img", name="QR-Code mit der Adresse Ihres Kalenders")).to_be_visible()
    assert_accessible_on_phone(page)
    old_url = address.input_value()

    page.get_by_role("button", name="Neue Adresse erzeugen").tap()

    expect(page.get_by_role("status")).to_contain_text("Sie haben eine neue Kalender-Adresse.")
    expect(address).not_to_have_value(old_url)
    helper.refresh_from_db()
    expect(address).to_have_value(re.compile(rf"/ehrenamt/kalender/{helper.feed_token}\.ics$"))


def test_it_keeps_every_helper_page_accessible_on_the_desktop(new_page, helper, booked):
    page = new_page(helper.user, viewport=DESKTOP)
    monday = booked[0].starts_at.date()
    tuesday_range = helper.availabilities.get(weekday=1)

    for url in (
        "/ehrenamt/",
        "/ehrenamt/vergangene/",
        "/ehrenamt/sprechzeiten/",
        f"/ehrenamt/sprechzeiten/{tuesday_range.pk}/",
        f"/ehrenamt/sprechzeiten/{tuesday_range.pk}/beenden/",
        "/ehrenamt/kalender/",
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)

    page.goto("/ehrenamt/sprechzeiten/neu/")
    page.get_by_role("button", name="Speichern").click()
    expect(page).to_have_title(re.compile("^Fehler"))
    expect(page.get_by_label(re.compile(r"^\s*Von"))).to_be_focused()
    assert_accessible(page)

    page.goto("/ehrenamt/abwesenheiten/")
    assert_accessible(page)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    fill_absence(page, yesterday, yesterday)
    ends_on = page.get_by_label("Bis einschließlich")
    expect(ends_on).to_be_focused()
    expect(ends_on).to_have_accessible_description(re.compile("schon in der Vergangenheit"))
    assert_accessible(page)
    # An error of the whole form (no single field) is focused and read out as a whole.
    fill_absence(page, monday, monday - datetime.timedelta(days=1))
    expect(page.locator("main form .alert-danger")).to_be_focused()
    expect(page.locator("main form .alert-danger")).to_have_text(re.compile("vor ihrem Beginn"))

    fill_absence(page, monday, monday)
    expect(page.get_by_role("heading", name="Abwesenheit bestätigen")).to_be_visible()
    assert_accessible(page)
