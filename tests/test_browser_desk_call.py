"""The phone call at the desk in a real browser: keys counted from the number's last digits
to a booking, the slot list read aloud by day, and where the focus goes after each refusal."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from bookings.availability import parse_cursor
from bookings.models import Appointment, RegistrationStatus
from bookings.services import appointment_book, workshop_register
from tests.browser import assert_accessible, screenshot, wait_for_htmx
from tests.conftest import at, make_helper, make_senior, make_workshop

pytestmark = pytest.mark.browser

SEARCH_LABEL = "Name oder Telefonnummer"
KEY_BUDGET = 12


class Keys:
    """The keyboard, counting every key pressed: typing "6789" counts 4."""

    def __init__(self, page: Page) -> None:
        self.page, self.count = page, 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def tab_to(self, target: Locator, *, max_steps: int = 10) -> None:
        for _ in range(max_steps):
            if target.evaluate("el => el === document.activeElement"):
                return
            self.press("Tab")
        raise AssertionError(f"Tab never reaches {target} in {max_steps} steps")


def book_buttons(page: Page) -> Locator:
    return page.get_by_role("button", name=re.compile(r"^Buchen\b"))


def test_it_books_a_known_caller_in_at_most_twelve_keys(
    new_page, live_server, office_staff, senior, helper, topic
):
    page = new_page(office_staff)
    page.goto("/buero/")
    keys = Keys(page)
    expect(page.get_by_label(SEARCH_LABEL)).to_be_focused()

    wait_for_htmx(page)

    with page.expect_response(lambda response: response.url.endswith("/buero/suche/")):
        keys.type("6789")
    found = page.get_by_role("link", name="Müller, Gertrud")
    keys.tab_to(found)
    keys.press("Enter")

    # The default search has run: the first free slot is in view and has the focus.
    expect(page).to_have_title("Gertrud Müller – Digitale Hilfe")
    first = book_buttons(page).first
    expect(first).to_be_focused()
    expect(first).to_be_in_viewport()
    keys.press("Enter")

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Termin gebucht für Gertrud Müller")
    expect(heading).to_be_focused()
    expect(page).to_have_title("Termin gebucht: Gertrud Müller – Digitale Hilfe")
    assert Appointment.objects.filter(senior=senior, helper=helper).count() == 1
    print(f"keys from the last digits to the booking: {keys.count}")
    assert keys.count <= KEY_BUDGET, f"{keys.count} keys, more than {KEY_BUDGET}"


@pytest.fixture
def three_helpers(office, topic, senior):
    """Three helpers free at the same times in the caller's own district office."""
    office.district.name = "Grübentälchen"  # fixed names keep the screenshots the same
    office.district.save()
    senior.district = office.district
    senior.save()
    return [make_helper(office, topic, first_name=name) for name in ("Sabine", "Anna", "Otto")]


def test_it_lists_one_line_per_time_under_one_heading_per_day(
    new_page, office_staff, senior, topic, other_helper, three_helpers, monday
):
    anna = three_helpers[1]
    appointment_book(
        senior=senior, helper=anna, office=anna.offices.get(), topic=topic, starts_at=at(monday, 10)
    )
    office_staff.last_name = "Weber"
    office_staff.save()
    page = new_page(office_staff)
    # From the Tuesday on (the helpers' hours start at 10:00): searched from today, the
    # list would start with whatever today has left, after 10:00 the 11:00 slots.
    tuesday = monday + datetime.timedelta(days=1)
    page.goto(f"/buero/ratsuchende/{senior.pk}/?first_day={tuesday.isoformat()}")

    own = page.get_by_role("region", name="Termin suchen").get_by_role(
        "region", name="Im eigenen Stadtteil"
    )
    days = own.get_by_role("heading", level=4)
    expect(days.first).to_have_text(re.compile(r"^\w+, \d{1,2}\. \w+$"))
    first_day = own.get_by_role("list").first
    lines = first_day.locator(":scope > li")
    # One line per time: the helper first in the alphabet (Anna), the others behind a choice.
    expect(lines.first).to_contain_text(
        re.compile(r"^\s*10:00 Uhr, Stadtteilbüro Grübentälchen, bei Anna")
    )
    choice = lines.first.locator("summary")
    expect(choice).to_have_text("2 weitere Helfende frei")
    otto = page.get_by_role("button", name=re.compile(r"^Buchen\b.*10:00 Uhr, .*Otto$")).first
    expect(otto).to_be_hidden()
    times = lines.locator(".slot-time").all_inner_texts()
    assert len(times) == len(set(times)), f"a time repeats on one day: {times}"

    first = book_buttons(page).first
    expect(first).to_be_focused()
    expect(first).to_be_in_viewport()
    assert_accessible(page)
    screenshot(page, "desk-slots")

    # The choice opens by keyboard; its buttons book the other helpers.
    choice.focus()
    page.keyboard.press("Enter")
    expect(otto).to_be_visible()
    assert_accessible(page)

    # The move page lists the same way, and the other offices come second.
    page.goto(f"/buero/termine/{Appointment.objects.get(senior=senior).pk}/verlegen/")
    others = page.get_by_role("region", name="In anderen Stadtteilbüros")
    expect(others.locator(".slot-line").first).to_contain_text("bei Klaus")
    expect(
        page.get_by_role("button", name=re.compile(r"^Hierhin verlegen\b")).first
    ).to_be_focused()
    assert_accessible(page)


def test_it_focuses_and_announces_the_new_person_form_and_its_errors(new_page, office_staff):
    page = new_page(office_staff)
    page.goto("/buero/suche/")
    search = page.get_by_label(SEARCH_LABEL)
    expect(search).to_be_focused()
    wait_for_htmx(page)
    with page.expect_response(lambda response: response.url.endswith("/buero/suche/")):
        search.fill("4711")
    page.get_by_role("button", name="Neue Person anlegen").press("Enter")

    # The form has the focus; four digits are no phone number, so nothing is prefilled.
    expect(page).to_have_title("Neue Person anlegen – Digitale Hilfe")
    expect(page.get_by_label("Vorname")).to_be_focused()
    expect(page.locator("#id_phone")).to_have_value("")
    assert_accessible(page)

    page.get_by_label("Nachname").fill("Zander")
    page.get_by_role("button", name="Anlegen und Termin suchen").press("Enter")
    expect(page).to_have_title("Fehler: Neue Person anlegen – Digitale Hilfe")
    expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie die markierten Felder.")
    expect(page.get_by_label("Vorname")).to_be_focused()
    expect(page.get_by_label("Nachname")).to_have_value("Zander")
    assert_accessible(page)


def test_it_puts_the_cancel_error_beside_the_field_and_focuses_it(
    new_page, office_staff, senior, helper, office, topic, monday
):
    appointment = appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    page = new_page(office_staff)
    page.goto(f"/buero/termine/{appointment.pk}/")
    title = page.title()
    page.get_by_role("button", name="Termin absagen").press("Enter")

    expect(page).to_have_title(f"Fehler: Termin absagen – {title}")
    first_reason = page.get_by_role("radio").first
    expect(first_reason).to_be_focused()
    error = page.get_by_text("Dieses Feld ist zwingend erforderlich.")
    expect(error).to_be_in_viewport()
    expect(page.get_by_role("alert")).to_have_text("Bitte prüfen Sie die markierten Felder.")
    # The error belongs to the reasons' group, which names it as its description.
    reasons = page.get_by_role("group", name="Grund der Absage")
    expect(reasons).to_have_accessible_description("Dieses Feld ist zwingend erforderlich.")
    assert_accessible(page)


def test_it_focuses_the_message_when_the_slot_was_taken(
    new_page, office_staff, senior, helper, topic
):
    page = new_page(office_staff)
    page.goto(f"/buero/ratsuchende/{senior.pk}/")
    expect(book_buttons(page).first).to_be_focused()
    wanted = page.locator("button[name=slot]").first.get_attribute("value")
    rival = make_senior(first_name="Hans", last_name="Schmidt", phone="+4963112345")
    # Another desk books the same slot for someone else meanwhile.
    starts_at, office_id, _helper_id = parse_cursor(wanted)
    appointment_book(
        senior=rival,
        helper=helper,
        office=helper.offices.get(pk=office_id),
        topic=topic,
        starts_at=starts_at,
    )
    page.keyboard.press("Enter")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Dieser Termin wurde gerade vergeben.")
    expect(alert).to_be_focused()
    expect(page).to_have_title("Fehler: Termin schon vergeben – Gertrud Müller – Digitale Hilfe")
    assert_accessible(page)


def test_it_keeps_workshop_cancelling_quiet_and_apart_from_logging_out(
    new_page, office_staff, office, topic, senior, monday
):
    workshop = make_workshop(
        office, topic, seats=1, starts_at=at(monday, 14), title="Tablet für Einsteiger"
    )
    waiting = make_senior(first_name="Hans", last_name="Schmidt", phone="+4963112345")
    workshop_register(workshop=workshop, senior=senior)
    assert workshop_register(workshop=workshop, senior=waiting).status == (
        RegistrationStatus.WAITLISTED
    )
    office_staff.last_name = "Weber"
    office_staff.save()
    page = new_page(office_staff)
    page.goto(f"/buero/workshops/{workshop.pk}/")

    expect(page.get_by_role("button", name="Abmelden")).to_have_count(1)  # the logout
    cancel = page.get_by_role("button", name=re.compile(r"^Anmeldung stornieren\b"))
    expect(cancel).to_have_count(2)
    expect(cancel.first).not_to_have_class(re.compile(r"\bbtn-(outline-)?danger\b"))
    rows = page.get_by_role("row")
    registered, waitlisted = rows.filter(has_text="Gertrud Müller"), rows.filter(has_text="Hans")
    look = (
        "el => [getComputedStyle(el.querySelector('td')).boxShadow, getComputedStyle(el).fontStyle]"
    )
    assert registered.evaluate(look) != waitlisted.evaluate(look)
    expect(waitlisted.get_by_text("auf der Warteliste")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "desk-workshop")
