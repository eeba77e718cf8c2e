"""What a senior's answer does: an SMS reply or a key pressed during a reminder call.

"JA" confirms, "NEIN" cancels (the slot is free again and the helper is told through
the outbox), "STOP" opts out, and so do their common forms in people's own words
("Ja, ich komme", "Termin absagen": `reply_words`); anything else waits on the office's
list. A reply that comes twice (same provider SID) acts once. The relative invited to a
video call may cancel it with NEIN from the number the invitation went to.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import services
from bookings.inbound import reply_words
from bookings.inbound.offer_replies import offer_reply_sms
from bookings.models import (
    Appointment,
    AppointmentStatus,
    CancellationReason,
    InboundMessage,
    Reminder,
    Senior,
)

_ASKED = {
    "status__in": [Reminder.Status.SENT, Reminder.Status.DELIVERED, Reminder.Status.ANSWERED],
    "appointment__status": AppointmentStatus.BOOKED,
}


def _latest_asked(seniors) -> Reminder | None:
    """The newest message that asked these seniors about an upcoming appointment."""
    return (
        Reminder.objects.filter(
            senior__in=seniors,
            addressee=Reminder.Addressee.SELF,
            appointment__starts_at__gt=timezone.now(),
            **_ASKED,
        )
        .exclude(kind=Reminder.Kind.CANCELLED)
        .select_related("appointment")
        .order_by("-sent_at")
        .first()
    )


def _latest_asked_relative(number: str) -> Reminder | None:
    """The newest invitation or reminder sent to this number as a relative invited to
    an upcoming video appointment."""
    return (
        Reminder.objects.filter(
            addressee=Reminder.Addressee.RELATIVE,
            channel=Reminder.Channel.SMS,
            appointment__video__relative_phone=number,
            appointment__starts_at__gt=timezone.now(),
            **_ASKED,
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


def appointment_cancel_by_senior(reminder: Reminder, *, how: str, note: str = "") -> bool:
    """Cancel through the booking service; False if it was no longer booked."""
    try:
        services.appointment_cancel(
            appointment=reminder.appointment,
            reason=CancellationReason.SENIOR,
            note=note or _("Von der Person selbst abgesagt (%(how)s).") % {"how": how},
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
def reply_sms(*, from_number: str, body: str, sid: str) -> str:
    """Act on an inbound SMS; returns the text to answer with ('' for none)."""
    seniors = list(Senior.objects.filter(phone=from_number))
    meaning = reply_words.reply_meaning(body)
    asked = _latest_asked(seniors) if seniors else None
    # A relative invited to a video call may cancel it like the senior; anything else
    # they write goes to the office's list under the senior (a JA confirms nothing).
    by_relative = _latest_asked_relative(from_number) if asked is None else None
    if by_relative is not None and meaning == reply_words.NO:
        return _relative_cancels(by_relative, body=body, sid=sid)
    about = asked or by_relative
    fields = {
        "provider_sid": sid,
        "senior": seniors[0] if seniors else getattr(by_relative, "senior", None),
        "appointment": about.appointment if about else None,
        "channel": Reminder.Channel.SMS,
        "body": body[:1600],
    }
    # Hook: a JA/NEIN to a waiting-list offer or a workshop's move (offer_replies.py).
    about_workshop = offer_reply_sms(seniors=seniors, meaning=meaning, body=body, sid=sid)
    if about_workshop is not None:
        return about_workshop
    if meaning == reply_words.STOP:
        if _record(action=InboundMessage.Action.OPTED_OUT, **fields):
            services.senior_opt_out(phone=from_number)
        return ""
    if asked and meaning == reply_words.YES:
        if _record(action=InboundMessage.Action.CONFIRMED, **fields):
            appointment_confirm_by_senior(asked)
        return _("Danke! Ihr Termin ist bestätigt. Wir freuen uns auf Sie.")
    if asked and meaning == reply_words.NO:
        if _record(action=InboundMessage.Action.CANCELLED, **fields):
            appointment_cancel_by_senior(asked, how=_("SMS"))
        return ""
    if _record(action=InboundMessage.Action.TO_READ, **fields):
        return _("Danke, Ihre Nachricht wurde an das Büro weitergegeben.")
    return ""


def _relative_cancels(reminder: Reminder, *, body: str, sid: str) -> str:
    """NEIN from the relative: the video appointment is cancelled through the service,
    and the reply is on the office's list under the senior whose appointment it was."""
    recorded = _record(
        provider_sid=sid,
        senior=reminder.senior,
        appointment=reminder.appointment,
        channel=Reminder.Channel.SMS,
        body=body[:1600],
        action=InboundMessage.Action.CANCELLED,
    )
    if recorded:
        appointment_cancel_by_senior(
            reminder, how=_("SMS"), note=_("Von der/dem Angehörigen per SMS abgesagt.")
        )
    return _("Danke, das Videogespräch ist abgesagt. Wir geben Bescheid.")


@transaction.atomic
def reply_keypad(*, reminder: Reminder, digits: str, call_sid: str) -> str:
    """Act on a key pressed during a call: '1' confirm, '2' cancel. Returns what happened."""
    action = {"1": InboundMessage.Action.CONFIRMED, "2": InboundMessage.Action.CANCELLED}[digits]
    recorded = _record(
        provider_sid=f"{call_sid}:{digits}",
        senior=reminder.senior,
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
