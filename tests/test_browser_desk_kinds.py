"""Booking each kind of appointment with the keyboard alone, in a real browser: the phone
appointment from the kind's radio group, the video call's second step for the relative."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.models import AppointmentKind, Reminder
from tests.browser import PHONE, assert_accessible, screenshot
from tests.test_browser_desk_call import Keys, book_buttons

pytestmark = pytest.mark.browser


def _shift_tab_to_kind(page: Page, keys: Keys) -> None:
    """Back from the focused first slot into the search form, to the checked kind."""
    checked = page.get_by_role("radio", name="im Büro")
    for _ in range(30):
        if checked.evaluate("el => el === document.activeElement"):
            return
        keys.press("Shift+Tab")
    raise AssertionError("Shift+Tab never reaches the kind of appointment")


def test_it_books_a_phone_appointment_with_the_keyboard(
    new_page, office_staff, senior, helper, topic
):
    page = new_page(office_staff)
    page.goto(f"/buero/ratsuchende/{senior.pk}/")
    keys = Keys(page)
    expect(book_buttons(page).first).to_be_focused()
    assert_accessible(page)

    _shift_tab_to_kind(page, keys)
    keys.press("ArrowDown")  # a radio group: the arrow keys choose
    expect(page.get_by_role("radio", name="Telefonsprechstunde")).to_be_checked()
    search = page.get_by_role("button", name="Freie Termine suchen")
    keys.tab_to(search, max_steps=20)
    keys.press("Enter")

    expect(page.get_by_text(re.compile(r"^Gesucht: Telefonsprechstunde, "))).to_be_visible()
    first = book_buttons(page).first
    expect(first).to_be_focused()
    expect(page.locator(".slot-line").first).to_contain_text("Uhr, am Telefon (Stadtteilbüro")
    screenshot(page, "desk-phone-slots")
    keys.press("Enter")

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Termin gebucht für Gertrud Müller")
    readback = page.locator("blockquote.readback")
    expect(readback).to_contain_text("Ihre Telefonsprechstunde ist am")
    expect(readback).to_contain_text("Wir rufen Sie an")
    expect(readback).not_to_contain_text("Musterstraße")
    appointment = senior.appointments.get()
    assert appointment.kind == AppointmentKind.PHONE
    assert_accessible(page)
    print(f"keys from the person's page to a phone appointment: {keys.count}")


def test_the_video_call_asks_for_the_relative_with_the_focus_on_the_name(
    new_page, office_staff, senior, helper, topic, settings
):
    settings.VIDEO_ROOM_URL = "https://bbb.example.de/rooms/{room}"
    page = new_page(office_staff)
    page.goto(f"/buero/ratsuchende/{senior.pk}/?kind=video&topic={topic.pk}")
    expect(book_buttons(page).first).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Videogespräch für Gertrud Müller")
    name = page.get_by_label("Name der/des Angehörigen")
    expect(name).to_be_focused()
    assert_accessible(page)
    screenshot(page, "desk-video-relative")

    page.keyboard.type("Thomas Müller")
    page.keyboard.press("Tab")
    page.keyboard.type("0631 123456")  # a landline cannot open the link
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Fehler: "))
    expect(page.get_by_text(re.compile("Bitte eine Handynummer angeben"))).to_be_visible()
    assert not senior.appointments.exists()

    phone = page.get_by_label("Handynummer der/des Angehörigen")
    phone.fill("0176 12345678")
    page.get_by_role("button", name="Videogespräch buchen").click()

    expect(page.locator("blockquote.readback")).to_contain_text("Ihr Videogespräch mit Thomas")
    appointment = senior.appointments.get()
    assert appointment.video.room_url.startswith("https://bbb.example.de/rooms/")
    invitation = appointment.reminders.get(
        addressee=Reminder.Addressee.RELATIVE, kind=Reminder.Kind.CONFIRMATION
    )
    assert invitation.channel == Reminder.Channel.SMS


def test_the_helper_sees_how_each_kind_runs_on_the_phone(
    new_page, helper, office, topic, senior, settings
):
    from bookings.models import Appointment, VideoCall, room_url_new
    from tests.conftest import make_senior
    from tests.test_browser_helpers import assert_accessible_on_phone

    settings.VIDEO_ROOM_URL = "https://bbb.example.de/rooms/{room}"
    # Begun a moment ago, so it is today's whatever the hour. Written directly: a booking
    # cannot start in the past, and the page only reads.
    soon = timezone.now() - datetime.timedelta(seconds=1)
    Appointment.objects.create(
        office=office,
        helper=helper,
        senior=senior,
        topic=topic,
        kind=AppointmentKind.PHONE,
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=1),
    )
    later = soon + datetime.timedelta(days=2)
    video = Appointment.objects.create(
        office=office,
        helper=helper,
        senior=make_senior(first_name="Hans", phone="+4915123456700"),
        topic=topic,
        kind=AppointmentKind.VIDEO,
        starts_at=later,
        ends_at=later + datetime.timedelta(hours=1),
    )
    VideoCall.objects.create(
        appointment=video,
        relative_name="Thomas",
        relative_email="t@example.org",
        room_url=room_url_new(),
    )

    page = new_page(helper.user, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/ehrenamt/")

    expect(page.get_by_text("Telefonsprechstunde: Sie rufen an")).to_be_visible()
    expect(page.get_by_role("link", name="01512 3456789")).to_have_attribute(
        "href", "tel:+4915123456789"
    )
    expect(page.get_by_role("link", name=re.compile("^Videoraum öffnen"))).to_have_attribute(
        "href", video.video.room_url
    )
    assert_accessible_on_phone(page)
    screenshot(page, "helper-phone-kinds")
