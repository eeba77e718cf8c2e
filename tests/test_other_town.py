"""Another town runs the same code: its name, logo, holidays and the texts' signature
come from settings (docs/other-town.md)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from bookings.models import Reminder
from bookings.outbox.texts import render_text, sms_segments
from tests.conftest import at, make_helper, make_senior
from tests.reminder_fixtures import book
from tests.test_settings import _import_settings

SIGNATURE = "Ihre Digitale Hilfe Landstuhl"  # 29 characters, near the limit of 30


def test_the_city_name_and_logo_are_on_the_public_pages(client, office, settings):
    settings.CITY_NAME = "Landstuhl"
    settings.CITY_LOGO = "img/stadtwappen.svg"
    page = Client().get(reverse("public:start")).content.decode()
    assert "<h1>Digitale Hilfe Landstuhl</h1>" in page
    assert '<img class="city-logo" src="/static/img/stadtwappen.svg" alt="Landstuhl">' in page
    assert "Kaiserslautern" not in page.split("<main", 1)[1].split("</main>")[0].split("<h2")[0]


def test_the_demo_city_has_no_logo(client, office):
    assert "city-logo" not in Client().get(reverse("public:start")).content.decode()


def test_public_holidays_follow_the_state(office, settings):
    # Corpus Christi (4 June 2026) is a holiday in Rhineland-Palatinate, not in Hamburg.
    corpus_christi = datetime.date(2026, 6, 4)
    settings.HOLIDAY_STATE = "RP"
    assert office.next_opening(at(corpus_christi, 8)).day == datetime.date(2026, 6, 5)
    settings.HOLIDAY_STATE = "HH"
    assert office.next_opening(at(corpus_christi, 8)).day == corpus_christi


def test_an_unknown_state_stops_the_start():
    result = _import_settings(HOLIDAY_STATE="RLP")
    assert result.returncode != 0 and "HOLIDAY_STATE must be one of BB, BE" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MESSAGE_SIGNATURE", "x" * 31, "MESSAGE_SIGNATURE must be at most 30"),
        ("BOOKING_PHONE", "call us", "BOOKING_PHONE is no phone number"),
    ],
)
def test_a_bad_town_setting_stops_the_start(name, value, message):
    result = _import_settings(**{name: value})
    assert result.returncode != 0 and message in result.stderr


def test_the_signature_ends_what_seniors_get_and_fits(settings, office, topic, monday):
    settings.MESSAGE_SIGNATURE = "Ihre Stadt „Landstuhl“"
    senior = make_senior()
    helper = make_helper(office, topic)
    appointment = book(senior, helper, office, topic, at(monday, 10))
    text = render_text(appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION))
    assert text.endswith('NEIN zum Absagen. Ihre Stadt "Landstuhl"')  # written in GSM-7
    to_helper = Reminder(appointment=appointment, helper=helper, kind="confirmation", channel="sms")
    assert "Landstuhl" not in render_text(to_helper)


@pytest.mark.parametrize("channel", ["sms", "voice"])
def test_a_long_signature_still_fits_into_two_segments(settings, office, topic, monday, channel):
    settings.MESSAGE_SIGNATURE = SIGNATURE
    senior = make_senior(phone="+4915123456789" if channel == "sms" else "+49631123456")
    appointment = book(senior, make_helper(office, topic), office, topic, at(monday, 10))
    assert {reminder.channel for reminder in appointment.reminders.all()} == {channel}
    for reminder in appointment.reminders.all():
        text = render_text(reminder)
        assert text.endswith(SIGNATURE) and sms_segments(text) <= 2, text


@pytest.mark.parametrize("channel", ["sms", "voice"])
def test_in_the_longest_texts_the_signature_gives_way(settings, office, topic, monday, channel):
    settings.MESSAGE_SIGNATURE = SIGNATURE
    office.name = "Stadtteilbüro Grübentälchen-Volkspark und Kotten-Nord"
    office.street = "Am Großen Äckerchen 123a"
    office.phone = "+49631123456"
    office.save()
    phone = "+4915123456789" if channel == "sms" else "+49631123456"
    senior = make_senior(
        first_name="Hannelore-Wilhelmine", last_name="Schmidt-Überall", phone=phone
    )
    appointment = book(senior, make_helper(office, topic), office, topic, at(monday, 10))
    for reminder in appointment.reminders.all():
        text = render_text(reminder)
        assert sms_segments(text) <= 2, text
        assert "..." not in text.removeprefix("Guten Tag, Hannelore-W...!")[-40:], text
        if channel == "sms":
            assert "NEIN zum Absagen." in text  # the signature never costs the reply words


def test_without_a_signature_the_texts_stay_as_they_were(office, topic, monday):
    appointment = book(make_senior(), make_helper(office, topic), office, topic, at(monday, 10))
    text = render_text(appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION))
    assert text.endswith("Antworten Sie JA zum Bestätigen oder NEIN zum Absagen.")
