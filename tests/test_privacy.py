"""Seniors' personal data is anonymised after the retention time (invariant 7)."""

from __future__ import annotations

import datetime
from io import StringIO

import time_machine
from django.core.management import call_command
from django.utils import timezone

from bookings import services
from bookings.models import Senior
from tests.conftest import at, make_senior


def test_it_anonymises_only_after_the_last_appointment_plus_retention(
    settings, helper, office, topic, monday
):
    settings.ANONYMISE_AFTER_MONTHS = 12
    booked = make_senior(last_name="Gebucht")
    services.appointment_book(
        senior=booked, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    idle = make_senior(last_name="Lange-her", notes="hört schlecht")

    eleven_months = timezone.now() + datetime.timedelta(days=335)
    with time_machine.travel(eleven_months):
        call_command("anonymise_seniors", stdout=StringIO())
    assert not Senior.objects.filter(anonymised_at__isnull=False).exists()

    thirteen_months = timezone.now() + datetime.timedelta(days=400)
    with time_machine.travel(thirteen_months):
        out = StringIO()
        call_command("anonymise_seniors", stdout=out)

    idle.refresh_from_db()
    booked.refresh_from_db()
    assert idle.anonymised_at and booked.anonymised_at
    assert "Lange-her" not in str(idle) and idle.notes == "" and str(idle.phone) == ""
    assert idle.reminder_channel == Senior.Channel.NONE
    assert booked.appointments.count() == 1  # statistics keep the appointment
    assert "2 Ratsuchende wurden anonymisiert" in out.getvalue()


def test_a_future_appointment_keeps_the_data(settings, helper, office, topic, monday):
    settings.ANONYMISE_AFTER_MONTHS = 0
    senior = make_senior()
    services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    out = StringIO()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        call_command("anonymise_seniors", "--dry-run", stdout=out)
    assert "0 Ratsuchende wären anonymisiert" in out.getvalue()


def test_the_worker_anonymises_every_night(db):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="privacy.anonymise_seniors")
    assert schedule.func == "bookings.outbox.tasks.anonymise_seniors"
    assert schedule.schedule_type == Schedule.DAILY


def test_it_clears_replies_and_cancellation_notes(settings, helper, office, topic, monday):
    from bookings.models import InboundMessage
    from bookings.privacy import senior_anonymise

    senior = make_senior()
    appointment = services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    services.appointment_cancel(
        appointment=appointment, reason="senior", note="Frau Müller liegt im Krankenhaus"
    )
    by_number = InboundMessage.objects.create(
        provider_sid="SM9",
        senior=senior,
        channel="sms",
        body="Bin krank, Gertrud",
        action="to_read",
    )
    by_appointment = InboundMessage.objects.create(
        provider_sid="SM10", appointment=appointment, channel="sms", body="NEIN", action="to_read"
    )

    senior_anonymise(senior=senior)

    appointment.refresh_from_db()
    by_number.refresh_from_db()
    by_appointment.refresh_from_db()
    assert appointment.cancellation_note == ""
    assert by_number.body == "" and by_appointment.body == ""
    assert appointment.cancellation_reason == "senior"  # kept for the statistics


def test_it_removes_the_relative_of_a_video_call(helper, office, topic, monday):
    from bookings.models import AppointmentKind, VideoCall
    from bookings.privacy import senior_anonymise

    senior = make_senior()
    appointment = services.appointment_book(
        senior=senior,
        helper=helper,
        office=office,
        topic=topic,
        starts_at=at(monday, 10),
        kind=AppointmentKind.VIDEO,
        video=VideoCall(relative_name="Thomas Müller", relative_phone="+4917612345678"),
    )

    senior_anonymise(senior=senior)

    assert not VideoCall.objects.exists()
    appointment.refresh_from_db()
    assert appointment.kind == AppointmentKind.VIDEO  # kept for the statistics
