"""The public pages (/angebot/): no login, no personal data, few queries, cached."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from bookings import roles
from bookings.models import (
    ContactPerson,
    Helper,
    Registration,
    RegistrationStatus,
    SeatOffer,
    Senior,
)
from neighborhoods.models import Closure, Office
from tests.conftest import at, make_office, make_senior, make_user, make_workshop
from tests.reminder_fixtures import travel


def public_urls() -> list[str]:
    """Every public page, each office's page and poster included."""
    urls = [reverse(name) for name in ("public:start", "public:offices", "public:workshops")]
    for pk in Office.objects.filter(active=True).values_list("pk", flat=True):
        urls += [reverse("public:office", args=[pk]), reverse("public:poster", args=[pk])]
    return urls


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def phoned_office(office):
    office.phone = "+49631123456"
    office.directions = "Eingang im Hof"
    office.save()
    return office


def test_it_shows_the_offices_without_login(client, phoned_office, monday):
    with travel(at(monday, 13)):
        page = text_of(client.get(reverse("public:offices")))
    assert "Stadtteilbüro Grübentälchen" in page
    assert "Musterstraße 1" in page and "67655 Kaiserslautern" in page
    assert "Eingang im Hof" in page
    assert "openstreetmap.org/search?query=Musterstra%C3%9Fe+1%2C+67655+Kaiserslautern" in page
    assert 'href="tel:+49631123456"' in page and "0631 123456" in page
    assert "<dt>Montag</dt>\n      <dd>10:00 bis 12:00 Uhr, 14:00 bis 16:00 Uhr</dd>" in page
    assert "<dt>Donnerstag</dt>\n      <dd>10:00 bis 12:00 Uhr, 14:00 bis 18:00 Uhr</dd>" in page
    assert "Samstag" not in page
    assert f"Nächste Sprechstunde:</strong>\n    Montag, {monday.day}. " in page
    assert "14:00 bis 16:00 Uhr\n" in page
    assert "<script" not in page.replace('<script src="/static/', "")


def test_the_start_page_says_how_to_book_and_what_help_there_is(client, phoned_office, topic):
    topic.description = "Fotos, Nachrichten und Apps"
    topic.save()
    page = text_of(client.get(reverse("public:start")))
    assert "Digitale Hilfe Kaiserslautern" in page
    assert "So bekommen Sie einen Termin" in page
    assert 'Stadtteilbüro Grübentälchen: <a href="tel:+49631123456"' in page
    assert "<strong>Smartphone</strong>: Fotos, Nachrichten und Apps" in page
    assert reverse("login") in page  # staff still find the login


def test_one_number_for_the_town_replaces_the_offices(client, phoned_office, settings):
    settings.BOOKING_PHONE = "+496371123450"
    page = text_of(client.get(reverse("public:start")))
    assert "Rufen Sie uns an:" in page and "06371 123450" in page
    assert "0631 123456" not in page


def test_the_next_sprechstunde_skips_closures_and_public_holidays(office, monday):
    # Monday 13:00: the morning is over, the afternoon range is next.
    assert office.next_opening(at(monday, 13))[:3] == (monday, datetime.time(14), datetime.time(16))
    during = office.next_opening(at(monday, 10, 30))
    assert during.is_now and during.closes == datetime.time(12)
    Closure.objects.create(office=office, starts_on=monday, ends_on=monday, reason="Umzug")
    office = Office.objects.get(pk=office.pk)
    after = office.next_opening(at(monday, 9))
    assert after.day == monday + datetime.timedelta(days=1) and not after.is_now
    # Thursday 14–16 and 16–18 are one opening: someone is there until 18:00.
    thursday = monday + datetime.timedelta(days=3)
    assert office.next_opening(at(thursday, 15))[1:] == (
        datetime.time(14),
        datetime.time(18),
        True,
    )
    # Thursday 24 Dec 2026 after closing: Christmas (Friday) and the weekend are skipped.
    christmas_eve = datetime.date(2026, 12, 24)
    assert office.next_opening(at(christmas_eve, 18, 30)).day == datetime.date(2026, 12, 28)


def test_workshops_show_free_seats_as_the_desk_counts_them(client, office, topic, monday):
    open_one = make_workshop(office, topic, seats=3, starts_at=at(monday, 14), title="Fotos")
    full = make_workshop(office, topic, seats=2, starts_at=at(monday, 16), title="WhatsApp")
    gone = make_workshop(office, topic, seats=5, starts_at=at(monday, 10), title="Abgesagt")
    gone.cancelled_at = at(monday, 9) - datetime.timedelta(days=7)
    gone.save()
    seniors = [make_senior(first_name=f"Person{n}", phone=f"+491512345670{n}") for n in range(4)]
    Registration.objects.create(workshop=open_one, senior=seniors[0], position=1)
    Registration.objects.create(workshop=full, senior=seniors[1], position=1)
    waiting = Registration.objects.create(
        workshop=full, senior=seniors[2], position=2, status=RegistrationStatus.WAITLISTED
    )
    # A seat offered to the waiting list is held, as the services count it.
    SeatOffer.objects.create(registration=waiting, expires_at=at(monday, 9))
    page = text_of(client.get(reverse("public:workshops")))
    assert page.index("Fotos") < page.index("WhatsApp")
    fotos, whatsapp = page.split("WhatsApp", 1)
    assert "Noch 2 Plätze frei." in fotos
    assert "Ausgebucht." in whatsapp
    assert "Abgesagt" not in page
    office_page = text_of(client.get(reverse("public:office", args=[office.pk])))
    assert "Fotos" in office_page and "Noch 2 Plätze frei." in office_page


def test_an_inactive_or_unknown_office_is_not_found(client, office):
    office.active = False
    office.save()
    assert client.get(reverse("public:office", args=[office.pk])).status_code == 404
    assert client.get(reverse("public:poster", args=[office.pk + 99])).status_code == 404
    assert "Stadtteilbüro Grübentälchen" not in text_of(client.get(reverse("public:offices")))


def test_public_pages_only_answer_get(client, office):
    for url in public_urls():
        assert client.post(url).status_code == 405, url


def _numbers(phone) -> set[str]:
    national = phone.as_national
    return {phone.as_e164, national, national.replace(" ", ""), str(phone.national_number)}


@pytest.fixture
def demo_city(db):
    call_command("demo_data", "--force", stdout=io.StringIO())


def test_no_public_page_shows_a_name_or_number_of_a_senior_contact_or_helper(client, demo_city):
    seniors = list(Senior.objects.all())
    helpers = list(Helper.objects.select_related("user"))
    assert len(seniors) >= 40 and len(helpers) >= 12
    forbidden = set()
    for senior in seniors:
        forbidden |= {f"{senior.first_name} {senior.last_name}", *_numbers(senior.phone)}
    contacts = list(ContactPerson.objects.all())
    assert contacts, "the demo city names contact persons"
    for contact in contacts:
        forbidden |= {contact.name, *_numbers(contact.phone)}
    for helper in helpers:
        forbidden.add(helper.user.get_full_name())
        forbidden.add(helper.user.username)
        if helper.phone:
            forbidden |= _numbers(helper.phone)
    urls = public_urls()
    assert len(urls) == 3 + 2 * 3
    for url in urls:
        page = text_of(client.get(url))
        found = sorted(word for word in forbidden if word in page)
        assert not found, f"{url} shows {found}"
    # The scan reads what a senior's page would show: the demo workshop is there.
    assert "WhatsApp für Einsteiger" in text_of(client.get(reverse("public:workshops")))


# Queries per page: fixed, whatever the number of offices, workshops and registrations.
MAX_QUERIES = {"start": 2, "offices": 3, "workshops": 1, "office": 4, "poster": 4}


def _page_queries(client, django_assert_max_num_queries, office_pk):
    from django.core.cache import cache

    for name, most in MAX_QUERIES.items():
        args = [office_pk] if name in ("office", "poster") else []
        cache.clear()
        with django_assert_max_num_queries(most):
            text_of(client.get(reverse(f"public:{name}", args=args)))


def test_the_number_of_queries_is_fixed(client, office, topic, django_assert_max_num_queries):
    _page_queries(client, django_assert_max_num_queries, office.pk)
    for n in range(6):
        extra = make_office()
        Closure.objects.create(
            office=extra,
            starts_on=datetime.date.today(),
            ends_on=datetime.date.today() + datetime.timedelta(days=3),
            reason="Renovierung",
        )
        workshop = make_workshop(extra, topic, seats=4)
        senior = make_senior(first_name=f"Gast{n}", phone=f"+491512345671{n}")
        Registration.objects.create(workshop=workshop, senior=senior, position=1)
        make_workshop(office, topic, seats=4, title=f"Kurs {n}")
    _page_queries(client, django_assert_max_num_queries, office.pk)


def test_pages_are_cached_per_language(client, office, django_assert_num_queries):
    url = reverse("public:offices")
    first = text_of(client.get(url))
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content.decode() == first
    assert "max-age=60" in again["Cache-Control"]
    Office.objects.filter(pk=office.pk).update(name="Stadtteilbüro Neu")
    assert "Stadtteilbüro Neu" not in text_of(client.get(url))  # until the cache expires
    english = text_of(client.get(url, headers={"accept-language": "en"}))
    assert '<html lang="en">' in english and "Stadtteilbüro Neu" in english
    assert '<html lang="de">' in text_of(client.get(url))


def test_a_signed_in_visitor_leaves_nothing_personal_in_the_cache(client, office):
    staff = make_user(group=roles.OFFICE_STAFF, first_name="Personalnummer")
    signed_in = Client()
    signed_in.force_login(staff)
    assert "no-store" in signed_in.get(reverse("public:offices"))["Cache-Control"]
    page = text_of(client.get(reverse("public:offices")))
    assert "Personalnummer" not in page and "csrfmiddlewaretoken" not in page


def test_the_language_link_sets_the_cookie_and_goes_back(client):
    target = reverse("public:workshops")
    response = client.get(reverse("public:language"), {"language": "en", "next": target})
    assert response.status_code == 302 and response.url == target
    assert response.cookies["django_language"].value == "en"
    away = client.get(
        reverse("public:language"), {"language": "xx", "next": "https://example.org/"}
    )
    assert away.url == reverse("public:start") and "django_language" not in away.cookies


def test_the_pages_have_their_own_titles(client, office):
    titles = {
        re.search(r"<title>(.*?)</title>", text_of(client.get(url)), re.S).group(1).strip()
        for url in public_urls()
    }
    assert len(titles) == len(public_urls())
    assert all(title.endswith("Digitale Hilfe Kaiserslautern") for title in titles)


def test_odd_addresses_are_not_found_never_an_error(client, office):
    huge = "9" * 25
    assert client.get(f"/angebot/bueros/{huge}/").status_code == 404
    assert client.get(f"/angebot/bueros/{huge}/aushang/").status_code == 404
    response = client.get(reverse("public:language"), {"language": "\x00", "next": "\x00"})
    assert response.status_code == 302 and response.url == reverse("public:start")
