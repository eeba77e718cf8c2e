"""What a senior's answer does: an SMS reply or a key pressed during a reminder call.
Their contact person's answer to a copy acts the same way on the senior's appointment,
and so does a NEIN from the relative invited to a video call (their JA confirms nothing).

A score answers the feedback question (`feedback_replies`); "JA" confirms, "NEIN"
cancels (the slot is free again and the helper is told through the outbox), "STOP" opts
out, and so do their common forms in people's own words
("Ja, ich komme", "Termin absagen": `reply_words`); anything else waits on the office's
list. A reply that comes twice (same provider SID) acts once.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import services
from bookings.inbound import reply_words
from bookings.inbound.feedback_replies import feedback_reply_sms
from bookings.inbound.offer_replies import offer_reply_sms
from bookings.inbound.recipients import sender_of, sent_to
from bookings.models import (
    Appointment,
    AppointmentStatus,
    CancellationReason,
    InboundMessage,
    Reminder,
)
from coordination.audit import acting_as


def _latest_asked(number: str) -> Reminder | None:
    """The newest message to this number (a senior's own, or a copy to their contact
    person) that asked about an upcoming appointment."""
    return (
        Reminder.objects.filter(
            sent_to(number),
            status__in=[Reminder.Status.SENT, Reminder.Status.DELIVERED, Reminder.Status.ANSWERED],
            appointment__status=AppointmentStatus.BOOKED,
            appointment__starts_at__gt=timezone.now(),
        )
        .exclude(kind=Reminder.Kind.CANCELLED)
        .select_related("appointment", "senior")
        .order_by("-sent_at")
        .first()
    )


def _answered(reminder: Reminder) -> None:
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.ANSWERED, answered_at=timezone.now(), updated_at=timezone.now()
    )


def appointment_confirm_by_senior(reminder: Reminder) -> None:
    Appointment.objects.filter(pk=reminder.appointment_id, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )
    _answered(reminder)


def appointment_cancel_by_senior(reminder: Reminder, *, how: str) -> bool:
    """Cancel through the booking service (the senior's contact person may, too, when
    answering a copy); False if it was no longer booked."""
    if reminder.addressee == Reminder.Addressee.CONTACT:
        note = _("Von der Kontaktperson abgesagt (%(how)s).") % {"how": how}
    elif reminder.addressee == Reminder.Addressee.RELATIVE:
        note = _("Von der/dem Angehörigen abgesagt (%(how)s).") % {"how": how}
    else:
        note = _("Von der Person selbst abgesagt (%(how)s).") % {"how": how}
    try:
        services.appointment_cancel(
            appointment=reminder.appointment, reason=CancellationReason.SENIOR, note=note
        )
    except services.BookingError:
        return False
    _answered(reminder)
    return True


def _record(**fields) -> InboundMessage | None:
    """Store the reply; None if this provider SID was handled already."""
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(**fields)
    except IntegrityError:
        return None


@transaction.atomic
@acting_as(via="reply")
def reply_sms(*, from_number: str, body: str, sid: str) -> str:
    """Act on an inbound SMS; returns the text to answer with ('' for none)."""
    meaning = reply_words.reply_meaning(body)
    asked = _latest_asked(from_number)
    senior, sender = sender_of(from_number, asked)
    fields = {
        "provider_sid": sid,
        "senior": senior,
        "sender": sender,
        "appointment": asked.appointment if asked else None,
        "channel": Reminder.Channel.SMS,
        "body": body[:1600],
    }
    # Hook: a score (or anything but STOP) answering the feedback question.
    feedback = feedback_reply_sms(number=from_number, meaning=meaning, body=body, sid=sid)
    if feedback is not None:
        return feedback
    # Hook: a JA/NEIN to a waiting-list offer or a workshop's move (offer_replies.py).
    about_workshop = offer_reply_sms(number=from_number, meaning=meaning, body=body, sid=sid)
    if about_workshop is not None:
        return about_workshop
    if meaning == reply_words.STOP:
        # Nothing more to this number: neither a senior's own messages nor copies.
        if _record(action=InboundMessage.Action.OPTED_OUT, **fields):
            services.senior_opt_out(phone=from_number)
            services.contact_person_opt_out(phone=from_number)
        return ""
    # Only the senior (or their contact person) can say that the senior will come.
    if asked and meaning == reply_words.YES and sender != Reminder.Addressee.RELATIVE:
        if _record(action=InboundMessage.Action.CONFIRMED, **fields):
            appointment_confirm_by_senior(asked)
        if sender == Reminder.Addressee.CONTACT:
            return _("Danke! Der Termin ist bestätigt.")
        return _("Danke! Ihr Termin ist bestätigt. Wir freuen uns auf Sie.")
    if asked and meaning == reply_words.NO:
        if _record(action=InboundMessage.Action.CANCELLED, **fields):
            appointment_cancel_by_senior(asked, how=_("SMS"))
        return ""
    if _record(action=InboundMessage.Action.TO_READ, **fields):
        return _("Danke, Ihre Nachricht wurde an das Büro weitergegeben.")
    return ""


@transaction.atomic
@acting_as(via="reply")
def reply_keypad(*, reminder: Reminder, digits: str, call_sid: str) -> str:
    """Act on a key pressed during a call: '1' confirm, '2' cancel. Returns what happened."""
    action = {"1": InboundMessage.Action.CONFIRMED, "2": InboundMessage.Action.CANCELLED}[digits]
    recorded = _record(
        provider_sid=f"{call_sid}:{digits}",
        senior=reminder.senior,
        sender=reminder.addressee,
        appointment=reminder.appointment,
        channel=Reminder.Channel.VOICE,
        body=_("Taste %(digits)s gedrückt") % {"digits": digits},
        action=action,
    )
    if recorded and action == InboundMessage.Action.CONFIRMED:
        appointment_confirm_by_senior(reminder)
    elif recorded:
        appointment_cancel_by_senior(reminder, how=_("Anruf"))
    return action
