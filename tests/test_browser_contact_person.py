"""Entering a senior's contact person at the desk, in a real browser: from the senior's
page to the form and back, an error in German with the focus on it, the contact shown
where staff look when the senior calls; every state checked with assert_accessible."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bookings.models import ContactPerson
from tests.browser import assert_accessible, screenshot

pytestmark = pytest.mark.browser


def test_staff_enter_a_contact_person(new_page, office_staff, senior, helper):
    office_staff.last_name = "Weber"  # a fixed name keeps the screenshots the same
    office_staff.save()
    page = new_page(office_staff)
    page.goto(f"/buero/ratsuchende/{senior.pk}/")
    add = page.get_by_role("link", name="eintragen (Kontaktperson)")
    expect(page.get_by_text("Kontaktperson: keine eingetragen")).to_be_visible()
    add.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Kontaktperson von Gertrud Müller")
    assert_accessible(page)
    page.get_by_label("Name").fill("Petra Müller")
    page.get_by_label("Beziehung").fill("Tochter")
    # The senior's own number by mistake: refused in German, the focus on the field.
    page.get_by_label("Telefon").fill("0151 23456789")
    page.get_by_label("Einverständnis der Kontaktperson").check()
    page.get_by_label("Kopien der Nachrichten").check()
    page.get_by_role("button", name="Kontaktperson speichern").click()
    expect(page).to_have_title(re.compile(r"^Fehler: Kontaktperson"))
    expect(page.get_by_text("Das ist die Nummer der oder des Ratsuchenden selbst.")).to_be_visible()
    expect(page.get_by_label("Telefon")).to_be_focused()
    assert_accessible(page)
    screenshot(page, "desk-contact-person-form")

    page.keyboard.press("Control+A")
    page.keyboard.type("0151 23456790")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Gertrud Müller")
    expect(page.get_by_text("Die Kontaktperson ist gespeichert.")).to_be_visible()
    expect(page.get_by_text("Petra Müller (Tochter), 01512 3456790")).to_be_visible()
    expect(page.get_by_text("bekommt Kopien per SMS")).to_be_visible()
    assert ContactPerson.objects.get(senior=senior).copy_channel == "sms"
    assert_accessible(page)
    screenshot(page, "desk-contact-person")

    # Staff type the daughter's number when she calls: the senior is found, with her.
    page.goto("/buero/")
    page.get_by_label("Name oder Telefonnummer").fill("3456790")
    page.get_by_label("Name oder Telefonnummer").press("Enter")
    expect(page.get_by_role("link", name="Müller, Gertrud")).to_be_visible()
    expect(page.get_by_text("Kontaktperson: Petra Müller (Tochter)")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/buero/ratsuchende/{senior.pk}/kontaktperson/")
    page.get_by_role("button", name="Kontaktperson entfernen").click()
    expect(page.get_by_text("Die Kontaktperson ist entfernt.")).to_be_visible()
    assert not ContactPerson.objects.exists()
