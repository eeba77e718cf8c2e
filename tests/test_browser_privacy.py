"""The data-protection pages in a real browser: the information page (on screen and
printed), the erasure's confirmation with its error state, and the public privacy
notice, each checked with assert_accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bookings.models import Senior
from tests.browser import assert_accessible
from tests.conftest import at
from tests.reminder_fixtures import book

pytestmark = pytest.mark.browser


@pytest.fixture
def booked(senior, helper, office, topic, monday):
    return book(senior, helper, office, topic, at(monday, 10), note="WhatsApp einrichten")


def test_the_information_page_reads_and_prints(new_page, coordinator, senior, booked):
    page = new_page(coordinator)
    page.goto(f"/koordination/ratsuchende/{senior.pk}/auskunft/")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Auskunft nach Art. 15 DSGVO: Gertrud Müller"
    )
    expect(page.get_by_role("heading", name="Termine (1)")).to_be_visible()
    expect(page.get_by_text("WhatsApp einrichten")).to_be_visible()
    expect(page.get_by_role("link", name="Als JSON-Datei herunterladen")).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Drucken")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()


def test_erasure_asks_first_and_says_what_is_missing(new_page, coordinator, senior, booked):
    page = new_page(coordinator)
    page.goto(f"/buero/ratsuchende/{senior.pk}/")
    page.get_by_role("link", name="Löschen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Daten löschen: Gertrud Müller")
    expect(page.get_by_text("1 künftiger Termin wird abgesagt")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Endgültig löschen").click()
    expect(page).to_have_title("Fehler: Daten löschen: Gertrud Müller – Digitale Hilfe")
    checkbox = page.get_by_label("Ja, die Daten dieser Person jetzt löschen")
    expect(checkbox).to_be_focused()
    expect(page.get_by_text("Bitte bestätigen Sie die Löschung")).to_be_visible()
    assert_accessible(page)

    checkbox.check()
    page.get_by_role("button", name="Endgültig löschen").click()
    expect(page.get_by_text("Die Daten der Person wurden gelöscht")).to_be_visible()
    assert Senior.objects.get(pk=senior.pk).anonymised_at is not None


def test_the_privacy_notice_needs_no_login(new_page, db):
    page = new_page()
    page.goto("/anmelden/")
    page.locator("footer").get_by_role("link", name="Datenschutzerklärung").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Datenschutzerklärung")
    expect(page.get_by_role("heading", name="Ihre Rechte")).to_be_visible()
    assert_accessible(page)
