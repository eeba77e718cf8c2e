"""Answers to the feedback question ("Hat Ihnen die Hilfe geholfen?").

`reply_sms` asks here first. A reply counts as feedback only when the newest message
that reached the person is the feedback question, sent no longer than a week ago: then
a score (1 to 5) is kept as a `coordination.Feedback` row for the appointment's office
and topic, and anything else but STOP goes to the office's list, so that a "Ja" meant
as "yes, it helped" never confirms another appointment. Otherwise a digit means what
it meant before ("1" confirms, "2" cancels).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.inbound import reply_words
from bookings.inbound.recipients import sent_to
from bookings.models import AppointmentStatus, InboundMessage, Reminder
from coordination.models import Feedback

# Answers later than this after the question are read by a person instead.
ANSWER_WITHIN = datetime.timedelta(days=7)
_REACHED = [Reminder.Status.SENT, Reminder.Status.DELIVERED, Reminder.Status.ANSWERED]


def _open_question(number: str) -> Reminder | None:
    newest = (
        Reminder.objects.filter(sent_to(number), status__in=_REACHED, sent_at__isnull=False)
        .select_related("appointment")
        .order_by("-sent_at", "-pk")
        .first()
    )
    if newest is None or newest.kind != Reminder.Kind.FEEDBACK:
        return None
    if newest.sent_at < timezone.now() - ANSWER_WITHIN:
        return None
    if newest.appointment.status != AppointmentStatus.ATTENDED:
        return None
    return newest


def feedback_record(*, reminder: Reminder, score: int) -> Feedback:
    """Keep the score for the appointment; a later answer replaces an earlier one."""
    appointment = reminder.appointment
    feedback, _created = Feedback.objects.update_or_create(
        appointment=appointment,
        defaults={
            "office_id": appointment.office_id,
            "topic_id": appointment.topic_id,
            "score": score,
            "received_at": timezone.now(),
        },
    )
    now = timezone.now()
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.ANSWERED, answered_at=now, updated_at=now
    )
    return feedback


def feedback_reply_sms(*, number: str, meaning: str | None, body: str, sid: str) -> str | None:
    """Act on an answer to the feedback question; None if the reply is not one."""
    if meaning == reply_words.STOP:
        return None
    asked = _open_question(number)
    if asked is None:
        return None
    score = reply_words.feedback_score(body)
    action = InboundMessage.Action.SCORED if score else InboundMessage.Action.TO_READ
    try:
        with transaction.atomic():
            InboundMessage.objects.create(
                provider_sid=sid,
                senior=asked.senior,
                appointment=asked.appointment,
                channel=Reminder.Channel.SMS,
                body=body[:1600],
                action=action,
            )
    except IntegrityError:
        return ""  # the same reply again: handled once
    if score is None:
        return _("Danke, Ihre Nachricht wurde an das Büro weitergegeben.")
    feedback_record(reminder=asked, score=score)
    return _("Vielen Dank für Ihre Rückmeldung!")
