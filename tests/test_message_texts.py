"""Every message text: GSM-7 only, at most two SMS segments, read-aloud form for calls."""

from __future__ import annotations

import datetime

import pytest

from bookings import services
from bookings.models import Reminder
from bookings.outbox.texts import render_subject, render_text, sms_segments, spoken_when
from tests.conftest import at, make_helper, make_senior
from tests.reminder_fixtures import book


def test_segments_count_gsm7_and_refuse_typographic_characters():
    assert sms_segments("ä" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("€" * 80) == 1
    for char in "„“–…\u00a0":
        with pytest.raises(ValueError):
            sms_segments(f"Termin {char}")


def test_spoken_when_reads_well():
    moment = at(datetime.date(2026, 12, 1), 10, 30)
    assert spoken_when(moment) == "Dienstag, 1. Dezember, um 10 Uhr 30"


@pytest.mark.parametrize("channel", ["sms", "voice"])
def test_every_senior_and_helper_text_fits(office, topic, monday, channel):
    helper = make_helper(office, topic)
    helper.user.email = "sabine@example.org"
    helper.user.save()
    phone = "+4915123456789" if channel == "sms" else "+49631123456"
    senior = make_senior(
        first_name="Hannelore-Friederike", last_name="Schmidt-Überall", phone=phone
    )
    office.name = "Stadtteilbüro Grübentälchen-Volkspark und Kotten-Nord"
    office.street = "Am Großen Äckerchen 123a"
    office.save()
    appointment = book(senior, helper, office, topic, at(monday, 10))
    services.appointment_cancel(appointment=appointment, reason="senior")
    kinds = set()
    for reminder in Reminder.objects.filter(appointment=appointment).select_related(
        "appointment__office", "appointment__senior", "appointment__topic", "appointment__helper"
    ):
        reminder.channel = channel if reminder.senior_id else Reminder.Channel.SMS
        text = render_text(reminder)
        kinds.add((bool(reminder.helper_id), reminder.kind))
        assert sms_segments(text) <= 2, text
        assert "{" not in text and "  " not in text
        if channel == "voice" and reminder.senior_id:
            assert "Antworten Sie" not in text
            assert "Montag" in text
    assert (True, Reminder.Kind.CONFIRMATION) in kinds
    assert (False, Reminder.Kind.DAY_BEFORE) in kinds
    assert (False, Reminder.Kind.CANCELLED) in kinds


def test_the_day_before_text_matches_the_example(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    reminder = appointment.reminders.get(kind=Reminder.Kind.DAY_BEFORE)
    text = render_text(reminder)
    assert text.startswith(f"Erinnerung: Morgen, Mo {monday.day}.{monday.month}., 10:00 Uhr")
    assert "Stadtteilbüro Grübentälchen, Musterstraße 1" in text
    assert text.endswith("Antworten Sie JA zum Bestätigen oder NEIN zum Absagen.")
    assert sms_segments(text) <= 2


def test_helper_texts_show_first_name_and_initial_only(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    reminder = Reminder(
        appointment=appointment, helper=helper, kind="confirmation", channel="email"
    )
    text = render_text(reminder)
    assert "Gertrud M." in text
    assert "Müller" not in text and "+49" not in text
    assert render_subject(reminder) == "Neuer Termin für Sie"


def test_texts_are_not_html_escaped(senior, helper, office, topic, monday):
    office.name = "Stadtteilbüro Bahnhof & Markt"
    office.save()
    appointment = book(senior, helper, office, topic, at(monday, 10))
    reminder = appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION)
    assert "Bahnhof & Markt" in render_text(reminder)


@pytest.mark.parametrize("channel", ["sms", "voice"])
def test_every_workshop_text_fits(office, topic, helper, monday, channel):
    from bookings.models import Assignment, SeatOffer
    from tests.conftest import make_workshop

    office.name = "Stadtteilbüro Grübentälchen-Volkspark und Kotten-Nord"
    office.street = "Am Großen Äckerchen 123a"
    office.save()
    helper.user.email = "sabine@example.org"
    helper.user.save()
    workshop = make_workshop(
        office,
        topic,
        seats=1,
        starts_at=at(monday, 14),
        title="WhatsApp, Signal und Threema für Einsteigerinnen und Einsteiger",
    )
    Assignment.objects.create(helper=helper, workshop=workshop)
    phone = "+4915123456789" if channel == "sms" else "+49631123456"
    seniors = [
        make_senior(first_name=name, last_name="Schmidt-Überall", phone=phone)
        for name in ("Hannelore", "Otto", "Anna")
    ]
    seated, otto, anna = (services.workshop_register(workshop=workshop, senior=s) for s in seniors)
    services.workshop_retitle(workshop=workshop, title=workshop.title + " (neu)", description="")
    services.workshop_move(workshop=workshop, starts_at=at(monday, 16))
    services.registration_cancel(registration=seated)
    services.registration_promote(registration=otto)
    services.workshop_cancel(workshop=workshop)
    assert SeatOffer.objects.exists()
    kinds = set()
    for reminder in Reminder.objects.filter(registration__workshop=workshop) | (
        Reminder.objects.filter(workshop=workshop)
    ):
        text = render_text(reminder)
        kinds.add((bool(reminder.helper_id), reminder.kind))
        assert sms_segments(text) <= 2, text
        assert "{" not in text and "  " not in text
        assert "STOP" not in text.upper() and "CANCEL" not in text.upper()
        if channel == "voice" and reminder.senior_id:
            assert "Antworten Sie" not in text, text
    assert {
        (False, Reminder.Kind.OFFER),
        (False, Reminder.Kind.MOVED),
        (False, Reminder.Kind.RETITLED),
        (False, Reminder.Kind.CANCELLED),
        (False, Reminder.Kind.CONFIRMATION),
        (True, Reminder.Kind.MOVED),
        (True, Reminder.Kind.CANCELLED),
    } <= kinds
