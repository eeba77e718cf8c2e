"""The coordinator's pages under /koordination/ in a real browser: each passes
assert_accessible, and a closure typed in with the keyboard flags the booked appointment
on that day for the office."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bookings import services
from bookings.models import LoanDevice
from tests.browser import assert_accessible
from tests.conftest import at, make_workshop

pytestmark = pytest.mark.browser


@pytest.fixture
def booked(senior, helper, office, topic, monday):
    return services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )


def test_it_closes_an_office_and_flags_the_appointment(
    new_page, coordinator, booked, office, monday
):
    page = new_page(coordinator)
    page.goto("/koordination/schliesstage/")
    expect(page.get_by_role("heading", name="Schließtage der Büros")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Büro").select_option(label=office.name)
    page.get_by_label("von").fill(monday.isoformat())
    page.get_by_label("bis einschließlich").fill(monday.isoformat())
    page.get_by_label("Grund").fill("Umzug")
    page.get_by_label("Grund").press("Enter")

    expect(page.get_by_role("status")).to_contain_text("1 Termin muss neu vereinbart werden")
    expect(page.get_by_role("cell", name="Umzug")).to_be_visible()
    assert_accessible(page)
    booked.refresh_from_db()
    assert booked.needs_rebooking

    page.goto("/buero/")
    rebooking = page.get_by_role("region", name="Bitte anrufen: Termine neu vereinbaren")
    expect(rebooking).to_contain_text("Gertrud")

    page.goto("/koordination/protokoll/")
    expect(page.get_by_role("cell", name="angelegt")).to_be_visible()
    assert_accessible(page)


def test_it_refuses_a_bad_closure_with_the_focus_on_the_field(new_page, coordinator, office):
    page = new_page(coordinator)
    page.goto("/koordination/schliesstage/")
    page.get_by_role("button", name="Schließtag eintragen").click()

    expect(page).to_have_title("Fehler: Schließtage – Digitale Hilfe")
    expect(page.get_by_label("Büro")).to_be_focused()
    assert_accessible(page)


def test_each_coordinator_page_is_accessible(
    new_page, coordinator, booked, helper, office, topic, monday
):
    workshop = make_workshop(office, topic, starts_at=at(monday, 14))
    device = LoanDevice.objects.create(office=office, kind="ipad", label="iPad 1")
    page = new_page(coordinator)
    for path, heading in [
        ("/koordination/ehrenamtliche/", "Ehrenamtliche"),
        (f"/koordination/ehrenamtliche/{helper.pk}/", str(helper)),
        ("/koordination/workshops/", "Workshops planen"),
        ("/koordination/workshops/neu/", "Neuer Workshop"),
        (f"/koordination/workshops/{workshop.pk}/", f"Workshop ändern: {workshop.title}"),
        ("/koordination/themen/", "Themen"),
        ("/koordination/themen/neu/", "Neues Thema"),
        (f"/koordination/themen/{topic.pk}/", topic.name),
        ("/koordination/leihgeraete/", "Leihgeräte"),
        ("/koordination/leihgeraete/neu/", "Neues Leihgerät"),
        (f"/koordination/leihgeraete/{device.pk}/", str(device)),
        ("/koordination/protokoll/", "Protokoll: wer hat was geändert"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)


def test_it_deactivates_a_helper_with_the_keyboard(new_page, coordinator, booked, helper):
    page = new_page(coordinator)
    page.goto(f"/koordination/ehrenamtliche/{helper.pk}/")
    page.get_by_label("aktiv").press("Space")
    page.get_by_role("button", name="Speichern").press("Enter")

    expect(page.get_by_role("status")).to_contain_text("1 Termin muss neu vereinbart werden")
    assert_accessible(page)
    helper.refresh_from_db()
    assert not helper.active
