"""The staff desk (/buero/) in a real browser: a phone booking by keyboard alone, two staff
racing for one slot, and every desk page and state checked with assert_accessible."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from bookings import roles
from bookings.models import Appointment, InboundMessage, Reminder, Topic
from bookings.services import appointment_book
from tests.browser import (
    DESKTOP,
    PASSWORD,
    assert_accessible,
    screenshot,
    tab_to,
    type_login,
    wait_for_htmx,
)
from tests.conftest import at, make_senior, make_user, make_workshop

pytestmark = pytest.mark.browser

SEARCH_LABEL = "Name oder Telefonnummer"
REPLY = "Kann ich meinen Enkel mitbringen?"
NOT_REACHED = "Nach drei Anrufen nicht erreicht."
A4_LANDSCAPE = {"width": 1030, "height": 730}
# True when the element's text is laid out on a single line.
ONE_LINE = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size === 1;
}"""


def type_search(page: Page, text: str) -> None:
    """Type into the focused search field and wait for htmx to swap in the results."""
    wait_for_htmx(page)
    with page.expect_response(lambda response: response.url.endswith("/buero/suche/")):
        page.keyboard.type(text)


def slot_page(page: Page, senior, topic, device: str = "ipad") -> None:
    page.goto(f"/buero/ratsuchende/{senior.pk}/?topic={topic.pk}&device={device}")


def book_buttons(page: Page):
    return page.get_by_role("button", name=re.compile(r"^Buchen\b"))


def test_it_books_and_cancels_a_phone_call_by_keyboard_alone(
    page, live_server, office_staff, senior, helper, topic, loan_device
):
    # Offered first, but the caller wants help with the smartphone (the helper's topic).
    Topic.objects.create(name="E-Mail", duration_minutes=60)
    page.goto("/anmelden/")
    type_login(page, office_staff.username, PASSWORD)

    # The desk opens with the search field in focus: the caller gives the number's last digits.
    expect(page).to_have_url(f"{live_server.url}/buero/")
    search = page.get_by_label(SEARCH_LABEL)
    expect(search).to_be_focused()
    type_search(page, "6789")
    expect(page.locator("#search-status")).to_have_text("1 Person gefunden")
    expect(search).to_be_focused()
    found = page.get_by_role("link", name="Müller, Gertrud")
    tab_to(page, found)
    page.keyboard.press("Enter")

    # Arrow keys choose the topic, then "needs a loan device: iPad".
    expect(page.get_by_role("heading", level=1, name="Gertrud Müller")).to_be_visible()
    tab_to(page, page.get_by_label("Thema"))
    expect(page.get_by_label("Thema")).not_to_have_value(str(topic.pk))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Thema")).to_have_value(str(topic.pk))
    page.keyboard.press("Tab")
    device = page.get_by_label("Gerät")
    expect(device).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(device).to_have_value("ipad")
    tab_to(page, page.get_by_role("button", name="Freie Termine suchen"))
    page.keyboard.press("Enter")

    # After the search the first free slot has the focus: Enter books it.
    first = book_buttons(page).first
    expect(first).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Termin gebucht")).to_be_visible()
    sentence = page.locator("blockquote.readback")
    expect(sentence).to_contain_text(re.compile(r"^Ihr Termin ist am \w+, \d+\. \w+ \d{4}, um"))
    expect(sentence).to_contain_text("Sabine hilft Ihnen")
    expect(sentence).to_contain_text("Wir halten ein Leihgerät (iPad) für Sie bereit.")

    tab_to(page, page.get_by_role("link", name="Termin ansehen, Notiz ergänzen"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Termin: "))).to_be_visible()
    reason = page.get_by_label("Ratsuchende/r hat abgesagt")
    tab_to(page, reason, max_steps=40)
    page.keyboard.press("Space")
    expect(reason).to_be_checked()
    tab_to(page, page.get_by_label("Anmerkung"))
    page.keyboard.type("Enkel hilft jetzt")
    tab_to(page, page.get_by_role("button", name="Termin absagen"))
    page.keyboard.press("Enter")

    cancelled = "abgesagt (Ratsuchende/r hat abgesagt: Enkel hilft jetzt)"
    expect(page.get_by_role("definition").filter(has_text=cancelled)).to_be_visible()
    appointment = Appointment.objects.get(senior=senior)
    assert not appointment.is_active
    assert appointment.cancellation_note == "Enkel hilft jetzt"


def test_it_tells_the_slower_of_two_staff_that_the_slot_was_taken(
    new_page, office, office_staff, senior, helper, topic, loan_device
):
    colleague = make_user(group=roles.OFFICE_STAFF, first_name="Jonas", is_staff=True)
    office.staff.add(colleague)
    first, second = new_page(office_staff), new_page(colleague)
    for page in (first, second):
        slot_page(page, senior, topic)
        expect(book_buttons(page).first).to_be_visible()
    wanted = second.locator("button[name=slot]").first.get_attribute("value")

    book_buttons(first).first.click()
    expect(first.get_by_role("heading", name="Termin gebucht")).to_be_visible()
    book_buttons(second).first.click()

    expect(second.get_by_role("alert")).to_contain_text("Dieser Termin wurde gerade vergeben.")
    # The refreshed list no longer offers the taken slot; the caller and choices are kept.
    expect(second.locator("button[name=slot]").first).not_to_have_attribute("value", wanted)
    expect(second.get_by_role("heading", level=1)).to_have_text("Gertrud Müller")
    expect(second.get_by_label("Thema")).to_have_value(str(topic.pk))
    expect(second.get_by_label("Gerät")).to_have_value("ipad")
    assert_accessible(second)
    assert Appointment.objects.filter(senior=senior).count() == 1


@pytest.fixture
def desk_world(office, senior, helper, topic, loan_device, monday):
    """An appointment and a workshop on Monday in two weeks, a second caller, a reply to
    read and a confirmation that did not reach the caller."""
    make_senior(first_name="Hans", last_name="Schmidt", phone="+4963112345")
    appointment = appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    InboundMessage.objects.create(
        provider_sid="SM1",
        senior=senior,
        appointment=appointment,
        channel="sms",
        body=REPLY,
        action=InboundMessage.Action.TO_READ,
    )
    appointment.reminders.filter(kind=Reminder.Kind.CONFIRMATION).update(
        status=Reminder.Status.NO_ANSWER, error_message=NOT_REACHED
    )
    workshop = make_workshop(
        office, topic, seats=8, starts_at=at(monday, 14), title="WhatsApp für Einsteiger"
    )
    return appointment, workshop


def test_it_keeps_every_desk_page_accessible(new_page, office_staff, desk_world, senior, topic):
    appointment, workshop = desk_world
    monday = f"{appointment.starts_at:%Y-%m-%d}"
    office_staff.last_name = "Weber"  # a fixed name keeps the screenshots the same
    office_staff.save()
    page = new_page(office_staff)

    page.goto("/buero/")
    search = page.get_by_label(SEARCH_LABEL)
    expect(search).to_be_focused()
    assert_accessible(page)

    # Live results: the count goes into a status region that stays in the page (so screen
    # readers announce it), the focus stays in the search field.
    status = page.get_by_role("status").and_(page.locator("#search-status"))
    live_region = status.element_handle()
    type_search(page, "6789")
    expect(status).to_have_text("1 Person gefunden")
    assert live_region.evaluate("el => el.isConnected")
    expect(page.get_by_role("link", name="Müller, Gertrud")).to_be_visible()
    expect(search).to_be_focused()
    assert_accessible(page)
    screenshot(page, "desk-search")

    # Nobody found, then the inline creation form sent with a missing phone number.
    search.fill("")
    type_search(page, "Zander")
    expect(status).to_have_text("Niemand gefunden.")
    assert_accessible(page)
    page.get_by_role("button", name="Neue Person anlegen").click()
    page.get_by_role("button", name="Anlegen und Termin suchen").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie die markierten Felder.")
    expect(page.get_by_label("Nachname")).to_have_value("Zander")
    assert_accessible(page)

    slot_page(page, senior, topic)
    expect(book_buttons(page).first).to_be_focused()
    assert_accessible(page)

    book_buttons(page).first.press("Enter")
    expect(page.get_by_role("heading", name="Termin gebucht")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "desk-confirmation")

    page.goto(f"/buero/termine/{appointment.pk}/")
    expect(page.get_by_role("heading", name="Absagen")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/buero/termine/{appointment.pk}/verlegen/")
    move_buttons = page.get_by_role("button", name=re.compile(r"^Hierhin verlegen\b"))
    expect(move_buttons.first).to_be_visible()
    assert_accessible(page)

    page.goto(f"/buero/tagesliste/?day={monday}")
    expect(page.get_by_role("cell", name="Gertrud Müller").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "desk-daylist")

    page.get_by_role("link", name="Druckansicht").click()
    expect(page.get_by_text("WhatsApp für Einsteiger").first).to_be_visible()
    assert_accessible(page)
    # On paper (A4 landscape less the margins: about 1030 px), times ("10:00–11:00") and
    # phone numbers stay on one line each.
    page.emulate_media(media="print")
    page.set_viewport_size(A4_LANDSCAPE)
    row = page.get_by_role("row").filter(has_text="Gertrud Müller")
    for cell in (row.get_by_role("cell").nth(0), row.get_by_role("cell").nth(2)):
        assert cell.evaluate(ONE_LINE), f"breaks across lines: {cell.inner_text()}"
    screenshot(page, "desk-daylist-print")
    page.emulate_media(media="screen")
    page.set_viewport_size(DESKTOP)

    page.goto("/buero/workshops/")
    page.get_by_role("link", name=re.compile(workshop.title)).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(workshop.title)
    assert_accessible(page)
    page.go_back()
    assert_accessible(page)

    for address, shown in (("/nachrichten/", REPLY), ("/nicht-erreicht/", NOT_REACHED)):
        page.goto(address)
        expect(page.get_by_text(shown)).to_be_visible()
        assert_accessible(page)
