"""Which outbox rows a worker may take, and how it takes and lets go of them.

A claim is a lease: the row is marked SENDING with this worker's token until
`claimed_until`; a killed worker's rows become claimable again once it has passed.
Outcomes are recorded only on rows the worker still holds (`_finish`).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from bookings.models import Reminder
from bookings.outbox.quiet_hours import quiet_until

LEASE = datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def _claimable(now: datetime.datetime) -> Q:
    due = Q(status=Reminder.Status.PENDING, due_at__lte=now)
    lease_expired = Q(status=Reminder.Status.SENDING, claimed_until__lt=now, provider_sid="")
    condition = due | lease_expired
    if quiet_until(now):
        # At night only e-mails to helpers.
        condition &= Q(channel=Reminder.Channel.EMAIL)
    return condition


def due_reminders(now: datetime.datetime):
    """Rows a worker may claim now; at night only e-mails to helpers."""
    return due_reminders_related(Reminder.objects.filter(_claimable(now))).order_by("due_at")


def due_reminders_related(rows):
    return rows.select_related(
        "appointment__office",
        "appointment__topic",
        "appointment__senior",
        "appointment__helper__user",
        "appointment__video",
        "senior__contact_person",
        "helper__user",
        "registration__workshop__office",
        "workshop__office",
    )


def _claim_batch(now: datetime.datetime, limit: int) -> list[Reminder]:
    """Take up to `limit` due rows that no other worker holds, marked with a new token.

    PostgreSQL skips rows another claim has locked; SQLite runs one writer at a time, so
    its conditional UPDATE with the choice as a subquery sees every earlier claim. Either
    way two workers get disjoint rows, and a worker that loses a row takes others.
    """
    token = uuid.uuid4().hex
    claim = {
        "status": Reminder.Status.SENDING,
        "claim_token": token,
        "claimed_until": now + LEASE,
        "attempts": F("attempts") + 1,
    }
    choice = Reminder.objects.filter(_claimable(now)).order_by("due_at")
    if connection.vendor == "postgresql":
        with transaction.atomic():
            pks = list(
                choice.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
            )
            if not pks:
                return []
            Reminder.objects.filter(pk__in=pks).update(**claim)
    else:
        claimed = Reminder.objects.filter(
            _claimable(now), pk__in=choice.values("pk")[:limit]
        ).update(**claim)
        if not claimed:
            return []
    return list(due_reminders_related(Reminder.objects.filter(claim_token=token)))


def _finish(reminder: Reminder, *, add: dict[str, int] | None = None, **fields) -> bool:
    """Record an outcome, but only on a row this worker still holds: `fields` are set,
    `add` is added to (e.g. attempts, calls).

    One plain UPDATE written here, twice a message: compiling the ORM's update() cost
    more CPU than the statement itself, and the workers' CPU sets how many messages a
    second two workers send on two cores.
    """
    fields.setdefault("claimed_until", None)
    fields["updated_at"] = timezone.now()
    quote, get_field = connection.ops.quote_name, Reminder._meta.get_field
    assignments, params = [], []
    for name, value in fields.items():
        field = get_field(name)
        assignments.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    for name, step in (add or {}).items():
        column = quote(get_field(name).column)
        assignments.append(f"{column} = {column} + %s")
        params.append(step)
    sql = (
        f"UPDATE {quote(Reminder._meta.db_table)} SET {', '.join(assignments)} "
        "WHERE id = %s AND status = %s AND claim_token = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, reminder.pk, Reminder.Status.SENDING, reminder.claim_token])
        return cursor.rowcount == 1
