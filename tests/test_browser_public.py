"""The public pages and the poster in a real browser: accessible without login, at 320 px
and 200 % zoom, and printable."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from bookings.models import Registration
from tests.browser import assert_accessible, screenshot
from tests.conftest import at, make_senior, make_workshop

pytestmark = pytest.mark.browser


@pytest.fixture
def town(office, other_office, topic, monday):
    for place in (office, other_office):
        place.phone = "+49631123456"
        place.directions = "Eingang im Hof, Erdgeschoss"
        place.save()
    topic.description = "Fotos, Nachrichten und Apps"
    topic.save()
    workshop = make_workshop(office, topic, seats=6, starts_at=at(monday, 14))
    workshop.description = "Nachrichten, Fotos und Sprachnachrichten an die Familie schicken."
    workshop.save()
    Registration.objects.create(workshop=workshop, senior=make_senior(), position=1)
    return office


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("public:start", "Digitale Hilfe Kaiserslautern"),
        ("public:offices", "Stadtteilbüros"),
        ("public:workshops", "Die nächsten Workshops"),
        ("public:office", "Stadtteilbüro Grübentälchen"),
        ("public:poster", "Hilfe mit Smartphone, Tablet und Computer"),
    ],
)
def test_every_public_page_is_accessible_without_login(page, town, name, heading):
    args = [town.pk] if name in ("public:office", "public:poster") else []
    page.goto(reverse(name, args=args))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("link", name="Anmelden für Mitarbeitende")).to_be_visible()
    assert "Gertrud" not in page.content()
    assert_accessible(page)
    screenshot(page, "public-" + name.split(":")[1])


def test_the_poster_prints_on_one_a4_page_without_the_header(page, town):
    page.goto(reverse("public:poster", args=[town.pk]))
    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(page.locator("svg.poster-qr")).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    assert re.search(rb"/MediaBox \[0 0 59[45][.\d]* 84[12]", pdf)  # A4: 595 x 842 points


def test_the_language_link_switches_to_english_and_back(page, town):
    page.goto(reverse("public:offices"))
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("District offices")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Deutsch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stadtteilbüros")
