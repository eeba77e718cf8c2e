"""django-q2 tasks: thin, an id or nothing in, the dispatcher does the work."""

from __future__ import annotations

from django.conf import settings
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.models import OrmQ, Schedule
from django_q.tasks import async_task

from bookings.outbox.dispatch import dispatch_due
from bookings.outbox.messages import public_url
from bookings.outbox.transports.twilio_client import twilio_client
from bookings.privacy import (
    message_contents_expire,
    senior_anonymise,
    seniors_due_for_anonymisation,
)
from coordination.audit import acting_as

DISPATCH_SCHEDULE = "reminders.dispatch"
ANONYMISE_SCHEDULE = "privacy.anonymise_seniors"
MESSAGE_RETENTION_SCHEDULE = "privacy.expire_message_contents"
SEAT_OFFERS_SCHEDULE = "workshops.seat_offers_expire"


@acting_as(via="job")
def dispatch() -> int:
    return dispatch_due()


def worker_ready(**kwargs) -> None:
    """django-q2's post_spawn: a new worker process loads what sending needs before its
    first task, not while the first messages wait: reverse() for Twilio's callback URLs
    imports every view module (0.2 s of CPU), and the twilio client its API classes."""
    public_url("twilio_status", reminder_id=1)
    if settings.MESSAGE_BACKEND == "twilio":
        twilio_client().api.v2010.account.messages  # noqa: B018 (loaded on first access)


class _EnqueueOnThisConnection(ORM):
    """django-q2's ORM broker, without closing the caller's database connection.

    `ORM.get_connection` calls `close_old_connections()` outside a transaction, which
    suits the cluster's long-lived broker thread. `dispatch_soon` runs in a booking's
    on_commit hook, where that closed the request's connection after every booking
    (CONN_MAX_AGE=0) or forced a health check (kept connections), and the next query
    waited for a new one: 13 of a booking's 22 ms on PostgreSQL (bench/booking.py).
    """

    @staticmethod
    def get_connection(list_key: str | None = None):
        return OrmQ.objects.using(Conf.ORM)


def dispatch_soon() -> None:
    """Ask a worker to send what is due now, e.g. a confirmation right after booking."""
    # With Redis or another broker class, django-q2 picks the broker as configured.
    broker = _EnqueueOnThisConnection() if Conf.ORM and not Conf.BROKER_CLASS else None
    async_task("bookings.outbox.tasks.dispatch", task_name="reminders.dispatch_soon", broker=broker)


@acting_as(via="job")
def seat_offers_expire() -> int:
    """Pass on waiting-list offers not answered in time or not deliverable."""
    # Imported here: the services import the outbox queue, which imports this module.
    from bookings.services import seat_offers_expire as expire

    return expire()


@acting_as(via="job")
def anonymise_seniors() -> int:
    """Anonymise every senior whose retention time has run out; returns how many."""
    due = list(seniors_due_for_anonymisation())
    for senior in due:
        senior_anonymise(senior=senior)
    return len(due)


def expire_message_contents() -> tuple[int, int]:
    """Empty reply texts and phone numbers past MESSAGE_RETENTION_DAYS."""
    return message_contents_expire()


def ensure_dispatch_schedule(**kwargs) -> None:
    """The every-minute scan of the outbox and the nightly data-protection runs; safe to
    run after every migrate."""
    Schedule.objects.update_or_create(
        name=DISPATCH_SCHEDULE,
        defaults={
            "func": "bookings.outbox.tasks.dispatch",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
    # The offers' deadlines are rows in their own table, scanned every minute: sturdier
    # than one ONCE schedule per offer (shared/TWILIO.md, django-q2).
    Schedule.objects.update_or_create(
        name=SEAT_OFFERS_SCHEDULE,
        defaults={
            "func": "bookings.outbox.tasks.seat_offers_expire",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
    Schedule.objects.update_or_create(
        name=ANONYMISE_SCHEDULE,
        defaults={
            "func": "bookings.outbox.tasks.anonymise_seniors",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
        },
    )
    Schedule.objects.update_or_create(
        name=MESSAGE_RETENTION_SCHEDULE,
        defaults={
            "func": "bookings.outbox.tasks.expire_message_contents",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
        },
    )
