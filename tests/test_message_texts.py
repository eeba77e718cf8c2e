"""Every message text: GSM-7 only, at most two SMS segments, read-aloud form for calls."""

from __future__ import annotations

import datetime

import pytest

from bookings import services
from bookings.models import Reminder
from bookings.outbox.texts import gsm7, render_subject, render_text, sms_segments, spoken_when
from tests.conftest import at, make_helper, make_senior, make_workshop
from tests.reminder_fixtures import book, travel


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


MONTHS = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
MONTHS = MONTHS.split()
# The longest values the admin accepts, with the typographic characters people type.
LONGEST_FIRST = ("Hannelore-Friederike „Lore“ " + "Ä" * 80)[:80]
LONGEST_LAST = ("Schmidt–Überall’s " + "ß" * 80)[:80]
LONGEST_OFFICE = ("Stadtteilbüro „Grübentälchen – Volkspark“ und Kotten-Nord " + "Ö" * 120)[:120]
LONGEST_STREET = ("Am Großen Äckerchen 123a … Hinterhaus\u00a0links " + "ü" * 120)[:120]
LONGEST_TITLE = ("„WhatsApp“ – Videotelefonie für Einsteiger… " + "x" * 120)[:120]


@pytest.fixture
def longest_office(office):
    office.name = LONGEST_OFFICE
    office.street = LONGEST_STREET
    office.phone = "+4963112345678"
    office.save()
    return office


@pytest.mark.parametrize("channel", ["sms", "voice"])
def test_every_senior_and_helper_text_fits(longest_office, topic, monday, channel):
    office = longest_office
    topic.name = ("Online-Dienste der Verwaltung – „Bürgerkonto“ " + "ü" * 80)[:80]
    topic.save()
    helper = make_helper(office, topic)
    helper.user.email = "sabine@example.org"
    helper.user.save()
    phone = "+4915123456789" if channel == "sms" else "+49631123456"
    senior = make_senior(first_name=LONGEST_FIRST, last_name=LONGEST_LAST, phone=phone)
    appointment = book(senior, helper, office, topic, at(monday, 10))
    moved = services.appointment_move(
        appointment=appointment, helper=helper, office=office, starts_at=at(monday, 11)
    )
    services.appointment_cancel(appointment=moved, reason="senior")
    kinds = set()
    for reminder in Reminder.objects.filter(appointment=appointment).select_related(
        "appointment__office", "appointment__senior", "appointment__topic", "appointment__helper"
    ):
        reminder.channel = channel if reminder.senior_id else Reminder.Channel.SMS
        text = render_text(reminder)
        kinds.add((bool(reminder.helper_id), reminder.kind))
        assert sms_segments(text) <= 2, text
        assert "{" not in text and "  " not in text
        if reminder.senior_id:
            assert text.startswith("Guten Tag, Hannelore"), text
        if channel == "voice" and reminder.senior_id:
            assert "Antworten Sie" not in text
            assert "Montag" in text
    assert (True, Reminder.Kind.CONFIRMATION) in kinds
    assert (False, Reminder.Kind.DAY_BEFORE) in kinds
    assert (False, Reminder.Kind.MOVED) in kinds
    assert (False, Reminder.Kind.CANCELLED) in kinds


@pytest.mark.parametrize("waitlisted", [False, True])
def test_every_workshop_text_fits_with_the_longest_title(longest_office, topic, monday, waitlisted):
    workshop = make_workshop(
        longest_office, topic, seats=1, starts_at=at(monday, 14), title=LONGEST_TITLE
    )
    seniors = [make_senior(first_name=LONGEST_FIRST, last_name=LONGEST_LAST) for _ in range(2)]
    registrations = [services.workshop_register(workshop=workshop, senior=s) for s in seniors]
    registration = registrations[1 if waitlisted else 0]
    services.registration_cancel(registration=registration)
    texts = [render_text(reminder) for reminder in registration.reminders.all()]
    assert len(texts) == (2 if waitlisted else 3)
    for text in texts:
        assert sms_segments(text) <= 2, text
        assert 'Workshop "' in text


def test_typographic_characters_become_gsm7(office, topic, monday):
    office.name = "Büro „Am Markt“ – Nord…"
    office.street = "Hauptstraße\u00a01 ’a’"
    office.save()
    senior = make_senior(first_name="Zoë", last_name="Łukasz-Müller")
    appointment = book(senior, make_helper(office, topic), office, topic, at(monday, 10))
    text = render_text(appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION))
    assert "im Büro \"Am Markt\" - Nord..., Hauptstraße 1 'a'." in text
    assert text.startswith("Guten Tag, Zoe Lukasz-Müller!")
    assert sms_segments(text) <= 2  # raises on anything outside GSM-7


def test_gsm7_keeps_umlauts_and_drops_what_has_no_nearest_form():
    assert gsm7("Grüße „Ömer“ – 5 €") == 'Grüße "Ömer" - 5 €'
    assert gsm7("Café ✓ 日本") == "Café  "


def test_the_confirmation_greets_and_names_the_office_phone(senior, helper, office, topic, monday):
    office.phone = "+49631123456"
    office.save()
    appointment = book(senior, helper, office, topic, at(monday, 10))
    text = render_text(appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION))
    assert text.startswith("Guten Tag, Gertrud Müller! Ihr Termin bei der Digitalen Hilfe ist ")
    assert f"am Montag, {monday.day}. " in text
    assert "Fragen? Rufen Sie uns an: 0631 123456." in text


def test_the_day_before_text_matches_the_example(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    reminder = appointment.reminders.get(kind=Reminder.Kind.DAY_BEFORE)
    saturday = monday - datetime.timedelta(days=2)
    with travel(at(saturday, 10)):
        text = render_text(reminder)
    assert text.startswith(
        "Guten Tag, Gertrud Müller! Zur Erinnerung: Ihr Termin bei der Digitalen Hilfe ist "
        f"am Montag, {monday.day}. {MONTHS[monday.month - 1]}, um 10:00 Uhr im "
    ), text
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


def test_as_a_last_resort_the_text_itself_is_cut(monkeypatch, longest_office, topic, monday):
    from bookings.outbox import texts

    monkeypatch.setattr(texts, "_NAME_LIMITS", (None,))  # no shorter names to try
    senior = make_senior(first_name=LONGEST_FIRST, last_name=LONGEST_LAST)
    appointment = book(
        senior, make_helper(longest_office, topic), longest_office, topic, at(monday, 10)
    )
    text = render_text(appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION))
    assert sms_segments(text) == 2
    assert text.endswith("...") and "  " not in text


@pytest.mark.parametrize("kind", ["phone", "video"])
def test_every_text_of_a_phone_or_video_appointment_fits(
    settings, longest_office, topic, monday, kind
):
    from bookings.models import VideoCall

    settings.VIDEO_ROOM_URL = "https://videokonferenz.kaiserslautern.example.de/b/digitale-{room}"
    helper = make_helper(longest_office, topic)
    helper.user.email = "sabine@example.org"
    helper.user.save()
    senior = make_senior(first_name=LONGEST_FIRST, last_name=LONGEST_LAST)
    video = VideoCall(relative_name=LONGEST_FIRST, relative_phone="+4917612345678")
    appointment = book(
        senior,
        helper,
        longest_office,
        topic,
        at(monday, 10),
        kind=kind,
        video=video if kind == "video" else None,
    )
    moved = services.appointment_move(
        appointment=appointment, helper=helper, office=longest_office, starts_at=at(monday, 11)
    )
    services.appointment_cancel(appointment=moved, reason="senior")
    rows = list(appointment.reminders.all())
    assert len(rows) >= (10 if kind == "video" else 6)
    for reminder in rows:
        reminder.channel = Reminder.Channel.SMS
        text = render_text(reminder)
        assert sms_segments(text) <= 2, text
        assert not text.endswith("..."), text  # names are cut, never the text or the link
        if kind == "phone" and not reminder.helper_id:
            assert "Straße" not in text and "Äckerchen" not in text
        relative = reminder.addressee == Reminder.Addressee.RELATIVE
        if relative and reminder.kind != Reminder.Kind.CANCELLED:
            assert appointment.video.room_url in text, text
