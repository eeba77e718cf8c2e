"""What Twilio's status callbacks mean for a reminder.

Callbacks may come twice, late, out of order or for SIDs we no longer hold: each is
applied only to the row and SID it names and only moves a row forward.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Reminder
from bookings.outbox.transports.twilio_errors import (
    DELIVERY_PERMANENT,
    DELIVERY_TEMPORARY,
    NO_SMS_POSSIBLE,
)

CALL_RETRY_GAP = datetime.timedelta(hours=1)
MAX_CALLS = 3
NOT_REACHED_CALL = {"busy", "no-answer", "failed"}
# Rows in these states have heard from the provider already or are final.
_OPEN = [Reminder.Status.SENDING, Reminder.Status.SENT, Reminder.Status.DELIVERED]
# Twilio's progress words in order: a callback that arrives late never moves a row back
# (a "sent" after "delivered", a "ringing" after "in-progress").
_PROGRESS = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 0,
    "initiated": 1,
    "sending": 1,
    "ringing": 2,
    "sent": 2,
    "in-progress": 3,
    "delivered": 3,
    "read": 4,
}


def _is_late(reminder: Reminder, status: str) -> bool:
    if reminder.status == Reminder.Status.DELIVERED:
        return True
    known = _PROGRESS.get(reminder.provider_status, -1)
    return _PROGRESS.get(status, 99) < known


def _update(reminder: Reminder, **fields) -> None:
    fields["updated_at"] = timezone.now()
    Reminder.objects.filter(pk=reminder.pk, provider_sid=reminder.provider_sid).update(**fields)


def _sms_status(reminder: Reminder, status: str, error_code: str) -> None:
    if status == "delivered" and reminder.status in (Reminder.Status.SENDING, Reminder.Status.SENT):
        _update(reminder, status=Reminder.Status.DELIVERED, provider_status=status)
        return
    if status not in ("failed", "undelivered"):
        if not _is_late(reminder, status):
            _update(reminder, provider_status=status)
        return
    now = timezone.now()
    if error_code in NO_SMS_POSSIBLE and reminder.calls_when_no_sms:
        retry = {"channel": Reminder.Channel.VOICE, "due_at": now}
    elif error_code in DELIVERY_TEMPORARY and reminder.attempts < 3:
        retry = {"due_at": now + datetime.timedelta(minutes=10 * reminder.attempts)}
    else:
        reason = DELIVERY_PERMANENT.get(error_code) or _(
            "Die SMS kam nicht an (Fehler %(code)s)."
        ) % {"code": error_code or "?"}
        _update(
            reminder,
            status=Reminder.Status.FAILED,
            provider_status=status,
            error_code=error_code[:10],
            error_message=str(reason)[:300],
        )
        return
    # Known not delivered, so sending again cannot make a duplicate.
    _update(
        reminder,
        status=Reminder.Status.PENDING,
        provider_sid="",
        provider_status=status,
        error_code=error_code[:10],
        error_message=str(DELIVERY_PERMANENT.get(error_code, _("Die SMS kam nicht an.")))[:300],
        **retry,
    )


def _call_status(reminder: Reminder, status: str, call_seconds: int) -> None:
    if status == "completed":
        if reminder.status in (Reminder.Status.SENDING, Reminder.Status.SENT):
            # Once per call: only this first "completed" moves the row on, a repeat does not.
            _update(
                reminder,
                status=Reminder.Status.DELIVERED,
                provider_status=status,
                call_seconds=F("call_seconds") + call_seconds,
            )
        return
    if status not in NOT_REACHED_CALL:
        if not _is_late(reminder, status):
            _update(reminder, provider_status=status)
        return
    if reminder.calls < MAX_CALLS:
        # Quiet hours still apply to the next try; the dispatcher waits for the morning.
        _update(
            reminder,
            status=Reminder.Status.PENDING,
            provider_sid="",
            provider_status=status,
            due_at=timezone.now() + CALL_RETRY_GAP,
            error_message=_("Nicht erreicht, es wird später noch einmal angerufen."),
        )
        return
    _update(
        reminder,
        status=Reminder.Status.NO_ANSWER,
        provider_status=status,
        error_message=_("Nach drei Anrufen nicht erreicht. Bitte persönlich anrufen."),
    )


def _adopt(reminder: Reminder, sid: str) -> bool:
    """The callback names this row (its URL carries the row's id) and a SID the worker
    has not recorded yet: record it as sent, so a killed worker's row is not sent again
    and frees its address. False if another row holds that SID (never adopted)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            adopted = Reminder.objects.filter(
                pk=reminder.pk, provider_sid="", status=Reminder.Status.SENDING
            ).update(
                provider_sid=sid,
                status=Reminder.Status.SENT,
                sent_at=now,
                uncertain_since=None,
                inflight_key="",
                claimed_until=None,
                calls=F("calls") + (1 if sid.startswith("CA") else 0),
                updated_at=now,
            )
    except IntegrityError:
        return False
    if not adopted:
        return False
    reminder.refresh_from_db()
    return True


def delivery_record(
    *, reminder_id: int, sid: str, status: str, error_code: str = "", call_seconds: int = 0
) -> bool:
    """Apply one status callback; False if it names no reminder we know (harmless).

    `call_seconds` is a completed call's duration (Twilio's CallDuration), kept for the
    statistics' call minutes."""
    reminder = Reminder.objects.filter(pk=reminder_id, status__in=_OPEN).first()
    if reminder is None or not sid:
        return False
    if reminder.provider_sid != sid:
        # The callback may beat the worker's own record of the SID; a different SID is stale.
        if reminder.provider_sid or reminder.status != Reminder.Status.SENDING:
            return False
        if not _adopt(reminder, sid):
            return False
    if sid.startswith("CA"):
        _call_status(reminder, status, call_seconds)
    else:
        _sms_status(reminder, status, error_code)
    return True
