"""The printable A4 poster of an office, with a QR code to its public page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import segno
from django.test import Client
from django.urls import reverse

from tests.conftest import make_office

PATH = re.compile(r'<path[^>]* d="([^"]+)"')


def qr_path(svg: str) -> str:
    return PATH.search(svg).group(1)


def test_it_renders_what_to_hang_in_the_office(office, topic, settings):
    office.phone = "+49631123456"
    office.save()
    page = Client().get(reverse("public:poster", args=[office.pk])).content.decode()
    assert "Hilfe mit Smartphone, Tablet und Computer" in page
    assert "Stadtteilbüro Grübentälchen" in page and "Musterstraße 1" in page
    assert "Rufen Sie uns an:" in page and "0631 123456" in page
    assert "Smartphone" in page  # the topics
    assert "Öffnungszeiten" in page and "10:00 bis 12:00 Uhr" in page
    assert 'class="poster-qr"' in page and "<title>QR-Code" in page
    # It hangs for weeks: the weekly hours, not "open now" or the next date.
    assert "Jetzt geöffnet" not in page and "Nächste Sprechstunde" not in page


def test_the_qr_code_leads_to_the_offices_public_page(office, settings):
    settings.PUBLIC_BASE_URL = "https://termine.example.org/"
    other = make_office("Stadtteilbüro Bännjerrück")
    page = Client().get(reverse("public:poster", args=[office.pk])).content.decode()
    url = f"https://termine.example.org/angebot/bueros/{office.pk}/"
    assert url in page  # printed under the code, for those without a camera
    expected = segno.make(url, error="m").svg_inline(scale=8, svgclass="poster-qr")
    assert qr_path(page) == qr_path(expected)
    other_url = url.replace(f"/{office.pk}/", f"/{other.pk}/")
    others = segno.make(other_url, error="m").svg_inline(scale=8, svgclass="poster-qr")
    assert qr_path(page) != qr_path(others)
    # What the code says is the office's page, open to anyone.
    office_page = Client().get(urlsplit(url).path)
    assert office_page.status_code == 200
    assert "Stadtteilbüro Grübentälchen" in office_page.content.decode()


def test_the_poster_prints_on_one_a4_page(office):
    css = Client().get("/static/css/public.css")
    # whitenoise answers with the file's content as a streaming response
    text = b"".join(css.streaming_content).decode() if css.streaming else css.content.decode()
    assert "@page { size: A4 portrait;" in text
    assert "@media print" in text
