"""The worker's side of the outbox: claim due reminders, send them, record the outcome.

Exactly once, as far as it can be known (DESIGN.md invariant 2):
- rows are claimed disjointly (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one
  conditional UPDATE), as a lease that a killed worker's rows wait out;
- before the provider is called, the attempt is committed on the row (`uncertain_since`,
  and `inflight_key`, unique: at most one unresolved send per address), and each outcome
  is committed as soon as it is known, per row;
- a row with an unresolved attempt is first looked up at the provider: what it has for
  that address since the attempt and no other row holds (provider_sid is unique) is this
  row's; only if nothing is there is it sent again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import logging
import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import (
    AppointmentStatus,
    ContactPerson,
    RegistrationStatus,
    Reminder,
    Senior,
)
from bookings.outbox.claims import _claim_batch, _finish
from bookings.outbox.messages import address_of, build_message
from bookings.outbox.texts import render_text
from bookings.outbox.transports import Message, SendResult, TransportError, transport_for
from bookings.outbox.transports.twilio_errors import NO_SMS_POSSIBLE, UNSUBSCRIBED

logger = logging.getLogger("bookings.dispatch")

MAX_ATTEMPTS = 8
BACKOFF_FIRST = datetime.timedelta(minutes=1)
BACKOFF_MAX = datetime.timedelta(hours=6)
# Rows sent side by side in one process (the twilio client's connection pool holds 10).
SEND_THREADS = settings.OUTBOX_SEND_THREADS
# Rows claimed at a time: a few per thread, so a slow provider holds few rows.
BATCH = 2 * SEND_THREADS
# django-q kills a task after 50 s (Q_CLUSTER timeout): a run stops claiming after this,
# and a row started just before that takes at most one lookup and one send more.
RUN_SECONDS = settings.OUTBOX_RUN_SECONDS
# A row already in flight elsewhere to the same address is tried again this much later.
SAME_ADDRESS_WAIT = datetime.timedelta(seconds=0.5)
# How long to wait before asking a database that went away again.
DATABASE_PAUSE_SECONDS = 0.5


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most six hours."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


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
    if reminder.kind == Reminder.Kind.FEEDBACK:
        # Asked after the appointment, and only while it counts as attended.
        return appointment.status != AppointmentStatus.ATTENDED
    return appointment.status == AppointmentStatus.CANCELLED or appointment.starts_at <= now


def _opt_out(reminder: Reminder, now: datetime.datetime) -> None:
    """Twilio says the recipient sent STOP: nothing more goes to them (invariant 6). A
    contact person's STOP stops the copies only, not the senior's own messages."""
    if reminder.addressee == Reminder.Addressee.CONTACT:
        recipient = ContactPerson.objects.filter(senior_id=reminder.senior_id)
    else:
        recipient = Senior.objects.filter(pk=reminder.senior_id)
    recipient.filter(opted_out_at__isnull=True).update(opted_out_at=now)
    Reminder.objects.filter(
        senior_id=reminder.senior_id, addressee=reminder.addressee, status=Reminder.Status.PENDING
    ).exclude(pk=reminder.pk).update(status=Reminder.Status.CANCELLED, updated_at=now)


def _record_error(reminder: Reminder, error: TransportError, now: datetime.datetime) -> None:
    common = {"error_code": error.code[:10], "error_message": str(error.reason)[:300]}
    if not error.uncertain:
        # Known not sent: the address is free for the next row.
        common.update(inflight_key="", uncertain_since=None)
    if error.permanent:
        # A relative's number that unsubscribed says nothing about the senior: it fails.
        relative = reminder.addressee == Reminder.Addressee.RELATIVE
        if reminder.senior_id and error.code == UNSUBSCRIBED and not relative:
            _opt_out(reminder, now)
        if (
            reminder.calls_when_no_sms
            and reminder.channel == Reminder.Channel.SMS
            and error.code in NO_SMS_POSSIBLE
        ):
            # Not a mobile after all: the same message as a call, right away.
            _finish(
                reminder,
                channel=Reminder.Channel.VOICE,
                status=Reminder.Status.PENDING,
                due_at=now,
                **common,
            )
            return
        _finish(reminder, status=Reminder.Status.FAILED, **common)
        return
    attempts = reminder.attempts  # loaded after the claim counted this attempt
    if attempts >= MAX_ATTEMPTS:
        _finish(reminder, status=Reminder.Status.FAILED, **common)
        return
    wait = backoff(attempts)
    if error.retry_after:
        wait = datetime.timedelta(seconds=error.retry_after)
    _finish(reminder, status=Reminder.Status.PENDING, due_at=now + wait, **common)


def _prepare(reminder: Reminder, now: datetime.datetime) -> Message | None:
    """The message to send, or None after recording why there is none."""
    if _obsolete(reminder, now):
        _finish(reminder, status=Reminder.Status.CANCELLED, uncertain_since=None, inflight_key="")
        return None
    to = address_of(reminder)
    if to is None:
        reason = _("Keine Telefonnummer oder E-Mail-Adresse, oder die Person hat abbestellt.")
        _finish(
            reminder,
            status=Reminder.Status.FAILED,
            uncertain_since=None,
            inflight_key="",
            error_message=reason,
        )
        return None
    return build_message(reminder, to)


def _reconcile(reminder: Reminder, message: Message) -> SendResult | TransportError | None:
    """What the provider has of this row's unresolved attempt, if anything.

    The provider's records for the address since the attempt began, minus those another
    row holds; while this row holds the address's `inflight_key` no other row sent there,
    so what is left is this row's.
    """
    try:
        # The earlier attempt named the day as it was then ("morgen" may be "heute" by now).
        earlier = dataclasses.replace(
            message, body=render_text(reminder, now=reminder.uncertain_since)
        )
        found = transport_for(reminder.channel).find_sent(earlier, reminder.uncertain_since)
    except TransportError as error:
        return error
    if not found:
        return None
    held = set(
        Reminder.objects.filter(provider_sid__in=[result.provider_sid for result in found])
        .exclude(pk=reminder.pk)
        .values_list("provider_sid", flat=True)
    )
    for result in found:
        if result.provider_sid not in held:
            return result
    return None


def _one_statement():
    """A single UPDATE commits by itself in autocommit mode, and a refused one leaves
    nothing to roll back; only inside a caller's transaction (a test's) does it need a
    savepoint. A transaction around it cost a round trip and a COMMIT more, twice a
    message."""
    return transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()


def _begin_attempt(reminder: Reminder, message: Message, now: datetime.datetime) -> bool:
    """Commit that a send to this address starts now; False if one is in flight there."""
    key = f"{message.channel}:{message.to}"[:160]
    try:
        with _one_statement():
            return _finish(
                reminder,
                claimed_until=reminder.claimed_until,
                attempt_token=uuid.uuid4().hex,
                uncertain_since=now,
                inflight_key=key,
            )
    except IntegrityError:
        # Another row to this address has an unresolved send: after it, not beside it.
        _release(reminder, now + SAME_ADDRESS_WAIT)
        return False


def _release(reminder: Reminder, due_at: datetime.datetime) -> None:
    """Back to the queue untried (its unresolved attempt, if any, stays on the row)."""
    _finish(reminder, status=Reminder.Status.PENDING, due_at=due_at, add={"attempts": -1})


def _send(reminder: Reminder, message: Message) -> SendResult | TransportError:
    try:
        return transport_for(reminder.channel).send(message)
    except TransportError as error:
        return error


def _record_sent(reminder: Reminder, result: SendResult, now: datetime.datetime) -> None:
    try:
        with _one_statement():
            _finish(
                reminder,
                status=Reminder.Status.SENT,
                provider_sid=result.provider_sid,
                provider_status=result.provider_status,
                sent_at=now,
                uncertain_since=None,
                inflight_key="",
                error_code="",
                error_message="",
                # Every send is billed, a retried SMS too. Only the claim's holder writes
                # segments, so the value loaded with the claim is current.
                segments=reminder.segments + result.segments,
                add={"calls": 1} if reminder.channel == Reminder.Channel.VOICE else None,
            )
    except IntegrityError:
        # Another row holds this provider record: never adopt it; leave this row uncertain.
        logger.error(
            "reminder %s: provider record %s belongs to another row",
            reminder.pk,
            result.provider_sid,
        )
        _finish(reminder, status=Reminder.Status.PENDING, due_at=now + BACKOFF_FIRST)


def _record(reminder: Reminder, outcome: SendResult | TransportError, now) -> None:
    if isinstance(outcome, TransportError):
        logger.warning("reminder %s: %s", reminder.pk, outcome.code)
        _record_error(reminder, outcome, now)
    else:
        _record_sent(reminder, outcome, now)


def _lease_lasts(reminder: Reminder) -> bool:
    from bookings.outbox.transports.twilio_client import TIMEOUT

    needed = datetime.timedelta(seconds=2 * TIMEOUT + 1)
    return reminder.claimed_until is not None and timezone.now() + needed < reminder.claimed_until


@dataclass
class _Run:
    """What the rows of one dispatch run share: its deadline and Twilio's pace."""

    stop_at: float
    pause_until: float = 0.0
    # Whether any row went to the pool: its threads start only then.
    used_threads: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def slow_down(self, seconds: float) -> None:
        with self.lock:
            self.pause_until = max(self.pause_until, time.monotonic() + seconds)

    def wait_left(self) -> float:
        return max(self.pause_until - time.monotonic(), 0.0)


def send_one(reminder: Reminder, now: datetime.datetime, run: _Run) -> None:
    """Look up or send one claimed row and commit its outcome at once."""
    message = _prepare(reminder, now)
    if message is None:
        return
    if run.wait_left() or time.monotonic() > run.stop_at:
        # Twilio asked to wait, or the run is out of time: back to the queue, unsent.
        _release(reminder, now + datetime.timedelta(seconds=run.wait_left()))
        return
    if not _lease_lasts(reminder):
        # Too little of the lease is left for a lookup and a send: another worker could
        # take the row while our request is still on its way.
        _release(reminder, now)
        return
    if reminder.uncertain_since:
        found = _reconcile(reminder, message)
        if found is not None:
            _record(reminder, found, now)
            return
    if not _begin_attempt(reminder, message, timezone.now()):
        return
    outcome = _send(reminder, message)
    if isinstance(outcome, TransportError) and outcome.retry_after:
        run.slow_down(outcome.retry_after)
    _record(reminder, outcome, now)


def _same_address_groups(reminders: list[Reminder]) -> list[list[Reminder]]:
    """Rows grouped by recipient and channel: one thread sends a group one after the
    other, as only one unresolved send per address may exist at a time."""
    groups: dict[tuple, list[Reminder]] = {}
    for reminder in reminders:
        recipient = ("helper", reminder.helper_id) if reminder.helper_id else None
        if reminder.addressee != Reminder.Addressee.SELF:
            # A copy or an invitation goes to another person's address.
            recipient = (reminder.addressee, reminder.appointment_id or reminder.senior_id)
        if recipient is None:
            recipient = ("phone", str(reminder.senior.phone or reminder.senior_id))
        groups.setdefault((reminder.channel, *recipient), []).append(reminder)
    return list(groups.values())


def send_batch(
    reminders: list[Reminder],
    now: datetime.datetime,
    pool: ThreadPoolExecutor | None = None,
    run: _Run | None = None,
) -> None:
    """Send claimed reminders side by side (in `pool`, or here one after the other)."""
    run = run or _Run(stop_at=time.monotonic() + RUN_SECONDS)
    if pool is None:
        for reminder in reminders:
            send_one(reminder, now, run)
        return
    futures = [
        pool.submit(_in_thread, group, now, run) for group in _same_address_groups(reminders)
    ]
    for future in futures:
        future.result()


def _in_thread(group: list[Reminder], now: datetime.datetime, run: _Run) -> None:
    for reminder in group:
        try:
            send_one(reminder, now, run)
        except Exception:
            # The row keeps its lease and is taken up again once it has run out.
            logger.exception("reminder %s could not be sent", reminder.pk)


def _close_thread_connections(pool: ThreadPoolExecutor, threads: int) -> None:
    barrier = threading.Barrier(threads)

    def close() -> None:
        barrier.wait(timeout=10)
        connection.close()

    for future in [pool.submit(close) for _thread in range(threads)]:
        future.result()


def _pipeline(pool: ThreadPoolExecutor, threads: int, batch: int, run: _Run) -> int:
    """Keep every thread busy: claim another batch as soon as no row waits for a thread,
    rather than waiting for the slowest row of a batch. (Waiting until half the threads
    were free left a quarter of them idle on average: 60 a second instead of 80 with 8
    threads at 100 ms.) A whole batch each time, not just enough to refill: loading the
    claimed rows costs the same 5 ms of CPU for 4 rows as for 16."""
    handled = 0
    in_flight: set = set()
    drained = False
    while in_flight or not drained:
        can_claim = time.monotonic() < run.stop_at and not run.wait_left() and not drained
        if can_claim and len(in_flight) <= threads:
            now = timezone.now()
            claimed = _claim_batch(now, batch)
            if claimed:
                handled += len(claimed)
                run.used_threads = True
                in_flight |= {
                    pool.submit(_in_thread, group, now, run)
                    for group in _same_address_groups(claimed)
                }
                continue
            drained = True
        elif not can_claim:
            drained = True
        if in_flight:
            _done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
    return handled


def _sequential(batch: int, run: _Run) -> int:
    """One thread: claim, send, record, until nothing is due or the run's time is up."""
    handled = 0
    while time.monotonic() < run.stop_at and not run.wait_left():
        now = timezone.now()
        claimed = _claim_batch(now, batch)
        if not claimed:
            break
        send_batch(claimed, now, None, run)
        handled += len(claimed)
    return handled


def dispatch_due(*, batch: int | None = None, run_seconds: float | None = None) -> int:
    """Send every reminder that is due now, within the run's time; returns how many
    rows this worker handled.

    Safe to run in many workers at once and to kill at any point.
    """
    run = _Run(stop_at=time.monotonic() + (RUN_SECONDS if run_seconds is None else run_seconds))
    batch = batch or BATCH
    # Inside a transaction (a test's) other threads would not see its rows, and an
    # in-memory SQLite database locks whole tables against other connections.
    alone = connection.in_atomic_block or (
        connection.vendor == "sqlite" and connection.is_in_memory_db()
    )
    threads = 1 if alone else SEND_THREADS
    pool = ThreadPoolExecutor(max_workers=threads) if threads > 1 else None
    handled = 0
    try:
        while True:
            try:
                handled += (
                    _sequential(batch, run)
                    if pool is None
                    else _pipeline(pool, threads, batch, run)
                )
                break
            except (OperationalError, InterfaceError) as exc:
                # The database went away (restart, network): wait and go on. Rows claimed
                # but not recorded keep their lease and uncertain_since, so they are claimed
                # again later and the provider is asked before anything is sent twice.
                logger.warning("database unreachable, waiting: %s", type(exc).__name__)
                connection.close()  # never reuse the broken connection
                if time.monotonic() >= run.stop_at:
                    break
                time.sleep(DATABASE_PAUSE_SECONDS)
    finally:
        if pool is not None:
            if run.used_threads:
                # Without rows no thread started (the pool starts them as work comes), and
                # starting all of them just to close nothing cost 5 ms an empty run.
                _close_thread_connections(pool, threads)
            pool.shutdown()
    return handled
