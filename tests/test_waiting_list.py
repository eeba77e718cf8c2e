"""A seat that frees up is offered to the waiting list: accept, decline, no answer in
time, not reachable, a keypad answer, and two acceptances racing for one seat."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from bookings import services
from bookings.models import Registration, RegistrationStatus, Reminder, SeatOffer
from bookings.outbox.texts import render_text, sms_segments
from tests.conftest import at, make_senior, make_workshop, needs_postgres
from tests.reminder_fixtures import a_weekday_morning, travel
from tests.test_twilio_webhooks import BASE, signed_post, twilio_settings  # noqa: F401

LANDLINE = "+49631123456"


@pytest.fixture
def workshop(office, topic, monday):
    return make_workshop(
        office, topic, seats=1, starts_at=at(monday, 14), title="WhatsApp für Einsteiger"
    )


@pytest.fixture
def seated(workshop, senior):
    return services.workshop_register(workshop=workshop, senior=senior)


def wait(workshop, first_name: str, phone: str) -> Registration:
    senior = make_senior(first_name=first_name, last_name="Weber", phone=phone)
    return services.workshop_register(workshop=workshop, senior=senior)


@pytest.fixture
def otto(workshop, seated):
    return wait(workshop, "Otto", "+4915123456780")


@pytest.fixture
def anna(workshop, otto):
    return wait(workshop, "Anna", "+4915123456781")


def sent(reminder: Reminder, sid: str = "SM" + "o" * 32) -> Reminder:
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.SENT, provider_sid=sid, sent_at=timezone.now()
    )
    reminder.refresh_from_db()
    return reminder


def offer_of(registration: Registration) -> SeatOffer:
    return registration.seat_offers.get()


def sms(client, phone: str, body: str, sid: str):
    return signed_post(client, "/twilio/sms/", {"From": phone, "Body": body, "MessageSid": sid})


def test_a_freed_seat_is_offered_to_the_first_waiting(seated, otto, anna, workshop):
    with travel(a_weekday_morning()):
        services.registration_cancel(registration=seated)
        now = timezone.now()

    offer = offer_of(otto)
    assert offer.status == SeatOffer.Status.OPEN
    assert offer.expires_at == now + datetime.timedelta(hours=24)
    assert not anna.seat_offers.exists()
    text = render_text(offer.reminder)
    assert text.startswith("Guten Tag, Otto")
    assert 'Ein Platz ist frei im Workshop "WhatsApp' in text
    assert "Antworten Sie bis" in text and "mit JA" in text
    assert "STOP" not in text.upper() and "CANCEL" not in text.upper()
    assert sms_segments(text) <= 2
    # The held seat is not free for someone new at the desk.
    late = services.workshop_register(workshop=workshop, senior=make_senior(first_name="Lotte"))
    assert late.status == RegistrationStatus.WAITLISTED


def test_the_deadline_is_hours_before_the_workshop(settings, seated, otto, workshop):
    with travel(a_weekday_morning()):
        workshop.starts_at = timezone.now() + datetime.timedelta(hours=20)
        workshop.ends_at = workshop.starts_at + datetime.timedelta(hours=2)
        workshop.save()
        services.registration_cancel(registration=seated)
    offer = offer_of(otto)
    assert offer.expires_at == workshop.starts_at - datetime.timedelta(
        hours=settings.SEAT_OFFER_CLOSES_HOURS_BEFORE
    )


def test_too_late_for_an_offer_leaves_it_to_staff(seated, otto, workshop):
    with travel(workshop.starts_at - datetime.timedelta(hours=3, minutes=30)):
        next_up = services.registration_cancel(registration=seated)
    assert next_up == otto
    assert not SeatOffer.objects.exists()


def test_an_offer_sent_at_night_waits_for_morning(seated, otto, monday):
    night = at(monday - datetime.timedelta(days=4), 23)  # Thursday 23:00
    with travel(night):
        services.registration_cancel(registration=seated)
    offer = offer_of(otto)
    assert timezone.localtime(offer.reminder.due_at).hour == 9
    assert offer.expires_at == offer.reminder.due_at + datetime.timedelta(hours=24)


def test_ja_takes_the_seat_and_confirms(client, twilio_settings, seated, otto):  # noqa: F811
    services.registration_cancel(registration=seated)
    sent(offer_of(otto).reminder)

    response = sms(client, "+4915123456780", "Ja", "SM" + "1" * 32)

    assert "Der Platz ist für Sie reserviert" in response.content.decode()
    otto.refresh_from_db()
    assert otto.status == RegistrationStatus.REGISTERED
    assert offer_of(otto).status == SeatOffer.Status.ACCEPTED
    confirmation = otto.reminders.get(dedupe_key=f"registration:{otto.pk}:seat")
    assert "Ihr Platz im Workshop" in render_text(confirmation)
    assert otto.reminders.filter(kind=Reminder.Kind.DAY_BEFORE, status="pending").exists()
    # The same SMS delivered twice acts once.
    sms(client, "+4915123456780", "Ja", "SM" + "1" * 32)
    assert otto.reminders.filter(kind=Reminder.Kind.CONFIRMATION).count() == 2


def test_nein_passes_the_seat_on(client, twilio_settings, seated, otto, anna):  # noqa: F811
    services.registration_cancel(registration=seated)
    sent(offer_of(otto).reminder)

    response = sms(client, "+4915123456780", "nein", "SM" + "2" * 32)

    assert "nicht mehr auf der Warteliste" in response.content.decode()
    otto.refresh_from_db()
    assert otto.status == RegistrationStatus.CANCELLED
    assert offer_of(otto).status == SeatOffer.Status.DECLINED
    assert offer_of(anna).status == SeatOffer.Status.OPEN


def test_no_answer_in_time_passes_the_seat_on(seated, otto, anna):
    services.registration_cancel(registration=seated)
    offer = offer_of(otto)

    with travel(offer.expires_at - datetime.timedelta(minutes=1)):
        assert services.seat_offers_expire() == 0
    with travel(offer.expires_at + datetime.timedelta(minutes=1)):
        assert services.seat_offers_expire() == 1

    assert offer_of(otto).status == SeatOffer.Status.EXPIRED
    otto.refresh_from_db()
    assert otto.status == RegistrationStatus.WAITLISTED
    assert offer_of(anna).status == SeatOffer.Status.OPEN
    # A late JA changes nothing: the seat is Anna's to take.
    late = services.seat_offer_answer(offer=offer_of(otto), accept=True)
    assert late.status == SeatOffer.Status.EXPIRED


def test_an_unreachable_person_is_skipped(seated, otto, anna):
    services.registration_cancel(registration=seated)
    Reminder.objects.filter(pk=offer_of(otto).reminder_id).update(status=Reminder.Status.FAILED)

    assert services.seat_offers_expire() == 1

    assert offer_of(otto).status == SeatOffer.Status.UNREACHABLE
    assert offer_of(anna).status == SeatOffer.Status.OPEN


def test_someone_without_messages_is_skipped_at_once(workshop, seated):
    silent = services.workshop_register(
        workshop=workshop, senior=make_senior(first_name="Ida", reminder_consent=False)
    )
    otto = wait(workshop, "Otto", "+4915123456780")
    services.registration_cancel(registration=seated)
    assert offer_of(silent).status == SeatOffer.Status.UNREACHABLE
    assert offer_of(otto).status == SeatOffer.Status.OPEN


def test_more_seats_are_offered(workshop, otto, anna):
    services.workshop_resize(workshop=workshop, seats=3)
    assert offer_of(otto).status == offer_of(anna).status == SeatOffer.Status.OPEN
    with pytest.raises(services.BookingError):
        services.workshop_resize(workshop=workshop, seats=0)


def test_declining_a_move_frees_the_seat(client, twilio_settings, workshop, seated, otto, monday):  # noqa: F811
    services.workshop_move(workshop=workshop, starts_at=at(monday + datetime.timedelta(days=1), 14))
    sent(seated.reminders.get(kind=Reminder.Kind.MOVED))

    sms(client, "+4915123456789", "NEIN", "SM" + "3" * 32)

    seated.refresh_from_db()
    assert seated.status == RegistrationStatus.CANCELLED
    assert offer_of(otto).status == SeatOffer.Status.OPEN


def test_staff_promote_through_the_service(seated, otto, workshop):
    with pytest.raises(services.BookingError) as full:
        services.registration_promote(registration=otto)
    assert "Kein Platz frei" in full.value.messages[0]
    services.registration_cancel(registration=seated)

    services.registration_promote(registration=otto)

    otto.refresh_from_db()
    assert otto.status == RegistrationStatus.REGISTERED
    assert offer_of(otto).status == SeatOffer.Status.ACCEPTED
    assert otto.reminders.filter(dedupe_key=f"registration:{otto.pk}:seat").exists()


def test_re_registering_after_cancelling_works(workshop, seated, senior):
    services.registration_cancel(registration=seated)
    again = services.workshop_register(workshop=workshop, senior=senior)
    assert again.status == RegistrationStatus.REGISTERED
    with pytest.raises(services.BookingError, match="bereits angemeldet"):
        services.workshop_register(workshop=workshop, senior=senior)


def test_an_offer_call_asks_for_1_or_2(client, twilio_settings, workshop, seated):  # noqa: F811
    caller = wait(workshop, "Kurt", LANDLINE)
    services.registration_cancel(registration=seated)
    reminder = sent(offer_of(caller).reminder, sid="CA" + "c" * 32)
    assert reminder.channel == Reminder.Channel.VOICE

    twiml = signed_post(client, f"/twilio/anruf/{reminder.pk}/", {"CallSid": reminder.provider_sid})
    assert "Drücken Sie die 1, wenn Sie kommen möchten" in twiml.content.decode()
    assert "<Gather" in twiml.content.decode()

    pressed = signed_post(
        client,
        f"/twilio/anruf/{reminder.pk}/taste/",
        {"CallSid": reminder.provider_sid, "Digits": "1"},
    )
    assert "reserviert" in pressed.content.decode()
    caller.refresh_from_db()
    assert caller.status == RegistrationStatus.REGISTERED


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_acceptances_race_for_one_seat(office, topic):
    workshop = make_workshop(office, topic, seats=1)
    racers = [wait(workshop, f"Racer{i}", f"+491512345678{i}") for i in range(8)]
    expires = timezone.now() + datetime.timedelta(hours=2)
    offers = [SeatOffer.objects.create(registration=r, expires_at=expires) for r in racers]
    barrier = threading.Barrier(len(offers))
    results: list[object] = [None] * len(offers)

    def accept(i: int) -> None:
        try:
            barrier.wait()
            results[i] = services.seat_offer_answer(offer=offers[i], accept=True).status
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(len(offers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Offers for more people than seats (e.g. seats lowered meanwhile): one wins.
    assert sorted(results) == [SeatOffer.Status.ACCEPTED] + [SeatOffer.Status.WITHDRAWN] * 7
    assert workshop.registrations.filter(status=RegistrationStatus.REGISTERED).count() == 1


def test_the_minute_schedule_runs_the_expiry_scan(seated, otto, anna):
    from django.utils.module_loading import import_string
    from django_q.models import Schedule

    from bookings.outbox.tasks import SEAT_OFFERS_SCHEDULE, ensure_dispatch_schedule

    ensure_dispatch_schedule()
    ensure_dispatch_schedule()
    (schedule,) = Schedule.objects.filter(name=SEAT_OFFERS_SCHEDULE)
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)
    services.registration_cancel(registration=seated)

    with travel(offer_of(otto).expires_at + datetime.timedelta(minutes=1)):
        assert import_string(schedule.func)() == 1

    assert offer_of(anna).status == SeatOffer.Status.OPEN
