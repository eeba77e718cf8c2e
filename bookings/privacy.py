"""Data protection duties towards seniors (DESIGN.md, invariant 7).

A senior's name, phone number and notes are kept only while they are needed: a
configurable time (ANONYMISE_AFTER_MONTHS) after their last appointment or workshop.
The appointments stay, without the person, so the statistics for funders still add up.

What messages said is kept shorter (MESSAGE_RETENTION_DAYS, default 90): the texts of
replies, and phone numbers in the outbox (the address of a send in flight, a provider's
error text quoting the number). Outgoing texts are never stored: they are rendered
when sent.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from bookings.models import (
    Appointment,
    ContactPerson,
    InboundMessage,
    Registration,
    Reminder,
    Senior,
    VideoCall,
)
from coordination.audit import record
from coordination.models import AuditEntry


def _cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=round(settings.ANONYMISE_AFTER_MONTHS * 30.44))


def seniors_due_for_anonymisation(now: datetime.datetime | None = None) -> QuerySet[Senior]:
    """Seniors whose last contact lies longer ago than the retention time."""
    cutoff = _cutoff(now or timezone.now())
    recent_appointment = Appointment.objects.filter(senior=OuterRef("pk"), ends_at__gte=cutoff)
    recent_workshop = Registration.objects.filter(
        senior=OuterRef("pk"), workshop__ends_at__gte=cutoff
    )
    return (
        Senior.objects.filter(anonymised_at__isnull=True, created_at__lt=cutoff)
        .annotate(last_seen=Max("appointments__ends_at"))
        .filter(~Exists(recent_appointment), ~Exists(recent_workshop))
        .filter(Q(last_seen__isnull=True) | Q(last_seen__lt=cutoff))
    )


@transaction.atomic
def senior_anonymise(*, senior: Senior) -> Senior:
    """Remove everything that identifies the person; keep the district for statistics."""
    senior.first_name = "–"
    senior.last_name = f"anonymisiert {senior.pk}"
    senior.phone = ""
    senior.phone_kind = ""
    senior.preferred_channel = Senior.Channel.NONE
    senior.reminder_consent = False
    senior.notes = ""
    senior.anonymised_at = timezone.now()
    senior.save()
    # Their contact person is someone else's personal data, kept only for them.
    ContactPerson.objects.filter(senior=senior).delete()
    senior.appointments.update(note="", cancellation_note="")
    # The relative invited to a video call: their name and address go with the senior's.
    VideoCall.objects.filter(appointment__senior=senior).delete()
    # What they wrote may name them, their family or their illness.
    InboundMessage.objects.filter(Q(senior=senior) | Q(appointment__senior=senior)).update(body="")
    record(AuditEntry.Action.ANONYMISED, senior, senior_id=senior.pk)
    return senior


def message_contents_expire(now: datetime.datetime | None = None) -> tuple[int, int]:
    """Remove reply texts and phone numbers older than the message retention time;
    returns (outbox rows, replies) emptied. Rows still to be sent keep theirs."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.MESSAGE_RETENTION_DAYS)
    open_statuses = [Reminder.Status.PENDING, Reminder.Status.SENDING, Reminder.Status.HELD]
    outbox = (
        Reminder.objects.filter(created_at__lt=cutoff)
        .exclude(status__in=open_statuses)
        .filter(~Q(error_message="") | ~Q(inflight_key=""))
        .update(error_message="", inflight_key="")
    )
    replies = InboundMessage.objects.filter(received_at__lt=cutoff).exclude(body="").update(body="")
    return outbox, replies
