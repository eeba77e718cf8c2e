"""The worker's side of the outbox: claim due reminders, send them, record the outcome.

Exactly once, as far as it can be known (DESIGN.md invariant 2):
- a row is claimed with a conditional UPDATE that only one worker can win;
- the claim is a lease: a worker killed mid-send leaves a row that is claimed again
  only after `claimed_until` has passed, and only while no provider SID is recorded;
- a send whose outcome is unknown (killed, timeout, 5xx) leaves `uncertain_since` set,
  and before such a row is sent again the provider is asked whether it already has it.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import AppointmentStatus, RegistrationStatus, Reminder
from bookings.outbox.quiet_hours import quiet_until
from bookings.outbox.texts import render_subject, render_text
from bookings.outbox.transports import Message, SendResult, TransportError, transport_for
from bookings.outbox.transports.twilio_errors import NO_SMS_POSSIBLE, UNSUBSCRIBED

logger = logging.getLogger("bookings.dispatch")

LEASE = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 8
BACKOFF_FIRST = datetime.timedelta(minutes=1)
BACKOFF_MAX = datetime.timedelta(hours=6)
BATCH = 100
# Twilio answers in tens of milliseconds; sending side by side hides that wait
# (at most 10: the HTTP connection pool of the twilio client holds 10).
SEND_THREADS = 8
# Stay well below django-q's task timeout (50 s) so a run is never killed for length.
RUN_SECONDS = 40
# How long to wait before asking a database that went away again.
DATABASE_PAUSE_SECONDS = 0.5


def public_url(name: str, **kwargs) -> str:
    """The address Twilio calls for this view (PUBLIC_BASE_URL, also behind a proxy)."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most six hours."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def _claimable(now: datetime.datetime) -> Q:
    due = Q(status=Reminder.Status.PENDING, due_at__lte=now)
    lease_expired = Q(status=Reminder.Status.SENDING, claimed_until__lt=now, provider_sid="")
    return due | lease_expired


def due_reminders(now: datetime.datetime):
    """Rows a worker may claim now; at night only e-mails to helpers."""
    rows = Reminder.objects.filter(_claimable(now))
    if quiet_until(now):
        rows = rows.filter(channel=Reminder.Channel.EMAIL)
    return due_reminders_related(rows).order_by("due_at")


def due_reminders_related(rows):
    return rows.select_related(
        "appointment__office",
        "appointment__topic",
        "appointment__senior",
        "appointment__helper__user",
        "senior",
        "helper__user",
        "registration__workshop__office",
        "workshop__office",
    )


def _claim_batch(now: datetime.datetime, limit: int) -> list[Reminder]:
    """Take up to `limit` due rows for this worker with one conditional UPDATE.

    The token marks the rows this worker won; a row another worker took in between
    no longer matches the condition and stays theirs.
    """
    candidates = list(due_reminders(now).values_list("pk", flat=True)[:limit])
    if not candidates:
        return []
    token = uuid.uuid4().hex
    Reminder.objects.filter(_claimable(now), pk__in=candidates).update(
        status=Reminder.Status.SENDING,
        claim_token=token,
        claimed_until=now + LEASE,
        attempts=F("attempts") + 1,
        uncertain_since=Coalesce("uncertain_since", Value(now)),
    )
    return list(due_reminders_related(Reminder.objects.filter(claim_token=token)))


def _finish(reminder: Reminder, **fields) -> None:
    """Record an outcome, but only on a row this worker still holds."""
    fields.setdefault("claimed_until", None)
    fields["updated_at"] = timezone.now()
    Reminder.objects.filter(
        pk=reminder.pk, status=Reminder.Status.SENDING, claim_token=reminder.claim_token
    ).update(**fields)


def _address(reminder: Reminder) -> str | None:
    if reminder.helper_id:
        helper = reminder.helper
        if reminder.channel == Reminder.Channel.EMAIL:
            return helper.user.email or None
        return str(helper.phone) if helper.phone else None
    senior = reminder.senior
    if senior.opted_out_at or not senior.phone:
        return None
    return str(senior.phone)


def build_message(reminder: Reminder, to: str) -> Message:
    is_twilio = reminder.channel != Reminder.Channel.EMAIL
    return Message(
        reminder_id=reminder.pk,
        channel=reminder.channel,
        to=to,
        body=render_text(reminder),
        subject=render_subject(reminder) if not is_twilio else "",
        status_callback=public_url("twilio_status", reminder_id=reminder.pk) if is_twilio else "",
        voice_url=public_url("twilio_call", reminder_id=reminder.pk)
        if reminder.channel == Reminder.Channel.VOICE
        else "",
    )


def _obsolete(reminder: Reminder, now: datetime.datetime) -> bool:
    """A message about something cancelled or already begun is no longer worth sending."""
    if reminder.kind == Reminder.Kind.CANCELLED:
        return False
    if reminder.workshop_id and not reminder.registration_id:
        # A helper's message about a workshop (bookings/outbox/queue.py, workshop changes).
        return bool(reminder.workshop.cancelled_at) or reminder.workshop.starts_at <= now
    if reminder.registration_id:
        registration = reminder.registration
        workshop = registration.workshop
        gone = registration.status == RegistrationStatus.CANCELLED or workshop.cancelled_at
        return bool(gone) or workshop.starts_at <= now
    appointment = reminder.appointment
    return appointment.status == AppointmentStatus.CANCELLED or appointment.starts_at <= now


def _record_error(reminder: Reminder, error: TransportError, now: datetime.datetime) -> None:
    common = {"error_code": error.code[:10], "error_message": str(error.reason)[:300]}
    if error.permanent:
        if reminder.senior_id and error.code == UNSUBSCRIBED:
            type(reminder.senior).objects.filter(
                pk=reminder.senior_id, opted_out_at__isnull=True
            ).update(opted_out_at=now)
        if (
            reminder.senior_id
            and reminder.channel == Reminder.Channel.SMS
            and error.code in NO_SMS_POSSIBLE
        ):
            # Not a mobile after all: the same message as a call, right away.
            _finish(
                reminder,
                channel=Reminder.Channel.VOICE,
                status=Reminder.Status.PENDING,
                due_at=now,
                uncertain_since=None,
                **common,
            )
            return
        _finish(reminder, status=Reminder.Status.FAILED, uncertain_since=None, **common)
        return
    attempts = reminder.attempts  # loaded after the claim counted this attempt
    if attempts >= MAX_ATTEMPTS:
        _finish(reminder, status=Reminder.Status.FAILED, **common)
        return
    _finish(
        reminder,
        status=Reminder.Status.PENDING,
        due_at=now + backoff(attempts),
        # The claim set uncertain_since; only a send that may have gone out keeps it.
        **({} if error.uncertain else {"uncertain_since": None}),
        **common,
    )


def _prepare(reminder: Reminder, now: datetime.datetime) -> Message | None:
    """The message to send, or None after recording why there is none."""
    if _obsolete(reminder, now):
        _finish(reminder, status=Reminder.Status.CANCELLED, uncertain_since=None)
        return None
    to = _address(reminder)
    if to is None:
        reason = _("Keine Telefonnummer oder E-Mail-Adresse, oder die Person hat abbestellt.")
        _finish(reminder, status=Reminder.Status.FAILED, uncertain_since=None, error_message=reason)
        return None
    return build_message(reminder, to)


def _reconcile(reminder: Reminder, message: Message) -> SendResult | TransportError | None:
    """Ask the provider about a row whose earlier send may have gone out."""
    # The earlier attempt named the day as it was then ("morgen" may be "heute" by now).
    earlier = dataclasses.replace(message, body=render_text(reminder, now=reminder.uncertain_since))
    try:
        return transport_for(reminder.channel).find_sent(earlier, reminder.uncertain_since)
    except TransportError as error:
        return error


def _send(reminder: Reminder, message: Message) -> SendResult | TransportError:
    try:
        return transport_for(reminder.channel).send(message)
    except TransportError as error:
        return error


def _record_sent(reminder: Reminder, result: SendResult, now: datetime.datetime) -> None:
    _finish(
        reminder,
        status=Reminder.Status.SENT,
        provider_sid=result.provider_sid,
        provider_status=result.provider_status,
        sent_at=now,
        uncertain_since=None,
        error_code="",
        error_message="",
        calls=F("calls") + (1 if reminder.channel == Reminder.Channel.VOICE else 0),
    )


def send_batch(reminders: list[Reminder], now: datetime.datetime) -> None:
    """Send claimed reminders side by side and record every outcome in one transaction.

    A row the claim found already uncertain (its `uncertain_since` is older than this
    claim) is first looked up at the provider and only sent if it is not there.
    """
    known: list[tuple[Reminder, SendResult | TransportError]] = []
    to_send: list[tuple[Reminder, Message]] = []
    for reminder in reminders:
        message = _prepare(reminder, now)
        if message is None:
            continue
        if reminder.uncertain_since and reminder.uncertain_since < now:
            found = _reconcile(reminder, message)
            if found is not None:
                known.append((reminder, found))
                continue
        to_send.append((reminder, message))
    with ThreadPoolExecutor(max_workers=SEND_THREADS) as pool:
        sent = list(pool.map(lambda pair: _send(*pair), to_send))
    # One short transaction for the batch, opened only after the sends so a slow provider
    # never holds SQLite's write lock; a crash before it commits leaves rows uncertain.
    with transaction.atomic():
        for reminder, outcome in known + [
            (reminder, outcome) for (reminder, _message), outcome in zip(to_send, sent, strict=True)
        ]:
            _record(reminder, outcome, now)


def _record(reminder: Reminder, outcome: SendResult | TransportError, now) -> None:
    if isinstance(outcome, TransportError):
        logger.warning("reminder %s: %s", reminder.pk, outcome.code)
        _record_error(reminder, outcome, now)
    else:
        _record_sent(reminder, outcome, now)


def dispatch_due(*, batch: int = BATCH, run_seconds: float = RUN_SECONDS) -> int:
    """Send every reminder that is due now; returns how many this worker handled.

    Safe to run in many workers at once and to kill at any point.
    """
    handled = 0
    stop_at = time.monotonic() + run_seconds
    while time.monotonic() < stop_at:
        now = timezone.now()
        try:
            claimed = _claim_batch(now, batch)
            if not claimed:
                break
            send_batch(claimed, now)
        except (OperationalError, InterfaceError) as exc:
            # The database went away (restart, network): wait and go on. Rows claimed but
            # not recorded keep their lease and uncertain_since, so they are claimed again
            # later and the provider is asked before anything is sent twice.
            logger.warning("database unreachable, waiting: %s", type(exc).__name__)
            connection.close()  # never reuse the broken connection
            time.sleep(DATABASE_PAUSE_SECONDS)
            continue
        handled += len(claimed)
    return handled
