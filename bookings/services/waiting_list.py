"""Every write of a waiting-list offer: offer a free seat, answer, expire, promote.

A free seat is offered to the first person on the waiting list who has not been offered
one yet, by their channel, with a deadline (`SEAT_OFFER_HOURS`, and at the latest
`SEAT_OFFER_CLOSES_HOURS_BEFORE` the workshop). An open offer holds its seat. "JA" takes
the seat; "NEIN", no answer in time, or a message that cannot be delivered pass it on
to the next person. The workshop row is locked while seats are counted, and the
database's seat guard (`workshop_full`, migration 0002) stays the last word.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Registration, RegistrationStatus, Reminder, SeatOffer, Workshop
from bookings.outbox.queue import reminder_for_seat_offer, reminders_for_seat
from bookings.outbox.quiet_hours import quiet_until
from bookings.services._guards import SEATS_GUARD, BookingError, atomic_retrying
from coordination.audit import record
from coordination.models import AuditEntry

Action = AuditEntry.Action

# Less time than this to answer is no offer: staff call instead.
MIN_ANSWER_TIME = datetime.timedelta(hours=1)
# Outbox states that mean the offer never reached the person.
UNREACHED = [Reminder.Status.FAILED, Reminder.Status.NO_ANSWER]


def _locked_workshop(workshop_id: int) -> Workshop:
    return Workshop.objects.select_for_update().get(pk=workshop_id)


def open_offers(workshop: Workshop):
    return SeatOffer.objects.filter(
        registration__workshop=workshop, status=SeatOffer.Status.OPEN
    ).select_related("registration__senior", "reminder")


def seats_free(workshop: Workshop) -> int:
    """Seats neither taken nor held by an open offer."""
    return workshop.seats - workshop.seats_taken() - open_offers(workshop).count()


def offer_deadline(workshop: Workshop, now: datetime.datetime) -> datetime.datetime | None:
    """Until when an offer made now may be answered; None if too late to offer."""
    sent_at = quiet_until(now) or now
    latest = workshop.starts_at - datetime.timedelta(hours=settings.SEAT_OFFER_CLOSES_HOURS_BEFORE)
    deadline = min(sent_at + datetime.timedelta(hours=settings.SEAT_OFFER_HOURS), latest)
    return deadline if deadline - sent_at >= MIN_ANSWER_TIME else None


def _next_candidates(workshop: Workshop):
    """Waiting, in order, and never offered a seat of this workshop before."""
    return (
        workshop.registrations.filter(status=RegistrationStatus.WAITLISTED)
        .exclude(seat_offers__isnull=False)
        .select_related("senior", "workshop__office")
        .order_by("position")
    )


def record_seat(action: str, registration: Registration, workshop: Workshop, **changes) -> None:
    """An entry about one senior's seat (or place on the waiting list) in `workshop`."""
    record(
        action,
        registration,
        office_id=workshop.office_id,
        senior_id=registration.senior_id,
        workshop=workshop.pk,
        **changes,
    )


def _close(offer: SeatOffer, status: str) -> None:
    now = timezone.now()
    SeatOffer.objects.filter(pk=offer.pk, status=SeatOffer.Status.OPEN).update(
        status=status, answered_at=now
    )
    if offer.reminder_id:
        Reminder.objects.filter(pk=offer.reminder_id, status=Reminder.Status.PENDING).update(
            status=Reminder.Status.CANCELLED, updated_at=now
        )


@atomic_retrying
def seat_offers_make(*, workshop: Workshop) -> list[SeatOffer]:
    """Offer every free seat to the next person on the waiting list; returns the new
    open offers. Nothing is offered for a cancelled or begun workshop, or when too
    little time is left to answer (then staff call, as the desk page says)."""
    workshop = _locked_workshop(workshop.pk)
    now = timezone.now()
    deadline = offer_deadline(workshop, now)
    if workshop.cancelled_at or deadline is None:
        return []
    made = []
    free = seats_free(workshop)
    for registration in _next_candidates(workshop):
        if free <= 0:
            break
        offer = SeatOffer.objects.create(registration=registration, expires_at=deadline)
        reminder = reminder_for_seat_offer(
            registration, offer_id=offer.pk, due_at=quiet_until(now) or now
        )
        if reminder is None:
            # No consent or no number: nobody can be asked by message; the next one is.
            offer.status, offer.answered_at = SeatOffer.Status.UNREACHABLE, now
            offer.save(update_fields=["status", "answered_at"])
            continue
        offer.reminder = reminder
        offer.save(update_fields=["reminder"])
        made.append(offer)
        free -= 1
    return made


def _take_seat(registration: Registration) -> bool:
    """Move a waiting registration onto a seat; False if the database says it is full."""
    try:
        with transaction.atomic():
            registration.status = RegistrationStatus.REGISTERED
            registration.save(update_fields=["status"])
    except IntegrityError as exc:
        if SEATS_GUARD not in str(exc):
            raise
        registration.status = RegistrationStatus.WAITLISTED
        return False
    reminders_for_seat(registration)
    return True


@atomic_retrying
def seat_offer_answer(*, offer: SeatOffer, accept: bool) -> SeatOffer:
    """The person's answer to an offer. Returns the offer with its new status:
    ACCEPTED (they have the seat, a confirmation is queued), DECLINED (they leave the
    waiting list, the seat goes to the next one), or, for an answer that came too late
    or lost the seat to someone else, EXPIRED or WITHDRAWN with nothing changed."""
    offer = SeatOffer.objects.select_related("registration").get(pk=offer.pk)
    workshop = _locked_workshop(offer.registration.workshop_id)
    offer = SeatOffer.objects.select_related("registration__senior").get(pk=offer.pk)
    if offer.status != SeatOffer.Status.OPEN:
        return offer
    if offer.expires_at <= timezone.now() or workshop.cancelled_at:
        _close(offer, SeatOffer.Status.EXPIRED)
        # Closed here, the offer escapes the minute's scan: pass its seat on now.
        seat_offers_make(workshop=workshop)
        offer.refresh_from_db()
        return offer
    registration = offer.registration
    if not accept:
        _close(offer, SeatOffer.Status.DECLINED)
        Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.CANCELLED)
        record_seat(Action.CANCELLED, registration, workshop, fields=["status"])
        seat_offers_make(workshop=workshop)
    elif _take_seat(registration):
        _close(offer, SeatOffer.Status.ACCEPTED)
        record_seat(Action.BOOKED, registration, workshop, status=registration.status)
    else:
        _close(offer, SeatOffer.Status.WITHDRAWN)
    offer.refresh_from_db()
    return offer


@atomic_retrying
def seat_offers_expire(*, now: datetime.datetime | None = None) -> int:
    """Close offers not answered in time or not deliverable, and offer those seats to
    the next people; returns how many offers were closed. Run every minute."""
    now = now or timezone.now()
    late = SeatOffer.objects.filter(status=SeatOffer.Status.OPEN, expires_at__lte=now)
    unreached = SeatOffer.objects.filter(
        status=SeatOffer.Status.OPEN, reminder__status__in=UNREACHED
    )
    workshops = set()
    closed = 0
    for rows, status in (
        (late, SeatOffer.Status.EXPIRED),
        (unreached, SeatOffer.Status.UNREACHABLE),
    ):
        for offer in rows.select_related("registration"):
            _close(offer, status)
            workshops.add(offer.registration.workshop_id)
            closed += 1
    for workshop in Workshop.objects.filter(pk__in=workshops):
        seat_offers_make(workshop=workshop)
    return closed


@atomic_retrying
def registration_promote(*, registration: Registration) -> Registration:
    """Staff give a waiting person a seat at once (e.g. after a phone call).

    Their own open offer counts as accepted. Raises `BookingError` when no seat is free
    (seats held by other people's open offers are not free)."""
    workshop = _locked_workshop(registration.workshop_id)
    registration = Registration.objects.select_related("senior").get(pk=registration.pk)
    if registration.status != RegistrationStatus.WAITLISTED:
        raise BookingError(
            _("Nur wer auf der Warteliste steht, kann nachrücken."), code="not_waiting"
        )
    own = open_offers(workshop).filter(registration=registration).first()
    if seats_free(workshop) + (1 if own else 0) <= 0:
        raise BookingError(
            _("Kein Platz frei: Alle Plätze sind belegt oder gerade angeboten."), code="full"
        )
    if not _take_seat(registration):
        raise BookingError(_("Dieser Platz wurde gerade vergeben."), code="full")
    if own:
        _close(own, SeatOffer.Status.ACCEPTED)
    record_seat(Action.BOOKED, registration, workshop, status=registration.status)
    return registration


def seat_offers_fit(workshop: Workshop) -> int:
    """After a move: open offers end no later than the new latest deadline."""
    latest = workshop.starts_at - datetime.timedelta(hours=settings.SEAT_OFFER_CLOSES_HOURS_BEFORE)
    return open_offers(workshop).filter(expires_at__gt=latest).update(expires_at=latest)


def seat_offer_withdraw_all(registrations) -> None:
    """Withdraw the open offers of these registrations (their workshop is off or they left)."""
    for offer in SeatOffer.objects.filter(
        registration__in=registrations, status=SeatOffer.Status.OPEN
    ):
        _close(offer, SeatOffer.Status.WITHDRAWN)
