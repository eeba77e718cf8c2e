"""Answers about workshops: "JA"/"NEIN" (or keypad 1/2) to a waiting-list offer, and
"NEIN" to a workshop's move.

`reply_sms` asks here first; an answer counts for a workshop only when the newest
message that reached the person was that offer or that move, so a "JA" meant for an
appointment's reminder is never taken for a workshop seat.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import services
from bookings.inbound import reply_words
from bookings.inbound.recipients import sent_to
from bookings.models import InboundMessage, RegistrationStatus, Reminder, SeatOffer

_REACHED = [Reminder.Status.SENT, Reminder.Status.DELIVERED, Reminder.Status.ANSWERED]


def _newest_reached(number: str) -> Reminder | None:
    return (
        Reminder.objects.filter(sent_to(number), status__in=_REACHED, sent_at__isnull=False)
        .select_related("registration__workshop")
        .order_by("-sent_at", "-pk")
        .first()
    )


def _answered(reminder: Reminder) -> None:
    now = timezone.now()
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.ANSWERED, answered_at=now, updated_at=now
    )


def _record(**fields) -> bool:
    """Store the reply; False if this provider SID was handled already."""
    try:
        with transaction.atomic():
            InboundMessage.objects.create(**fields)
    except IntegrityError:
        return False
    return True


def offer_answer(reminder: Reminder, *, accept: bool) -> str:
    """Apply a JA/NEIN to the offer this message carried; returns the text to answer."""
    offer = SeatOffer.objects.filter(reminder=reminder).first()
    if offer is None:
        return _("Danke, Ihre Nachricht wurde an das Büro weitergegeben.")
    offer = services.seat_offer_answer(offer=offer, accept=accept)
    _answered(reminder)
    if offer.status == SeatOffer.Status.ACCEPTED:
        return _("Danke! Der Platz ist für Sie reserviert. Sie bekommen gleich eine Bestätigung.")
    if offer.status == SeatOffer.Status.DECLINED:
        return _("Danke für Ihre Antwort. Sie stehen nicht mehr auf der Warteliste.")
    return _("Leider ist der Platz schon vergeben. Sie stehen weiter auf der Warteliste.")


def _move_declined(reminder: Reminder) -> str:
    registration = reminder.registration
    if registration.status == RegistrationStatus.REGISTERED:
        services.registration_cancel(registration=registration)
    _answered(reminder)
    return _("Danke für Ihre Antwort. Ihre Anmeldung zum Workshop ist storniert.")


def _is_question(reminder: Reminder | None) -> bool:
    if reminder is None or not reminder.registration_id:
        return False
    workshop = reminder.registration.workshop
    if workshop.cancelled_at or workshop.starts_at <= timezone.now():
        return False
    return reminder.kind in (Reminder.Kind.OFFER, Reminder.Kind.MOVED)


def offer_reply_sms(*, number: str, meaning: str | None, body: str, sid: str) -> str | None:
    """Act on a JA/NEIN about a workshop; None if the reply is not about one."""
    if meaning not in (reply_words.YES, reply_words.NO):
        return None
    asked = _newest_reached(number)
    if not _is_question(asked):
        return None
    accept = meaning == reply_words.YES
    if asked.kind == Reminder.Kind.MOVED and accept:
        # "JA" to a move changes nothing; the office list shows it. It answers the
        # workshop's message, so it must not confirm an appointment asked about earlier.
        action = InboundMessage.Action.TO_READ
    else:
        action = InboundMessage.Action.CONFIRMED if accept else InboundMessage.Action.CANCELLED
    fresh = _record(
        provider_sid=sid,
        senior=asked.senior,
        channel=Reminder.Channel.SMS,
        body=body[:1600],
        action=action,
    )
    if not fresh:
        return ""
    if action == InboundMessage.Action.TO_READ:
        return _("Danke, Ihre Nachricht wurde an das Büro weitergegeben.")
    if asked.kind == Reminder.Kind.MOVED:
        return _move_declined(asked)
    return offer_answer(asked, accept=accept)


@transaction.atomic
def offer_reply_keypad(*, reminder: Reminder, digits: str, call_sid: str) -> str:
    """A key pressed on an offer call: '1' takes the seat, '2' declines it."""
    accept = digits == "1"
    fresh = _record(
        provider_sid=f"{call_sid}:{digits}",
        senior=reminder.senior,
        channel=Reminder.Channel.VOICE,
        body=_("Taste %(digits)s gedrückt") % {"digits": digits},
        action=InboundMessage.Action.CONFIRMED if accept else InboundMessage.Action.CANCELLED,
    )
    if not fresh:
        return ""
    return offer_answer(reminder, accept=accept)
