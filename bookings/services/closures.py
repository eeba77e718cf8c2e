"""Writes of an office's closures (Schließtage) and what they do to its bookings.

Nothing is cancelled: booked appointments on closed days are flagged "needs
rebooking", their messages held (no "see you tomorrow" to a closed office) and the
office's staff get an e-mail (`bookings.services.rebooking`).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings.models import Appointment, Workshop
from bookings.services.rebooking import booked_ahead, rebooking_recheck, rebooking_tell_offices
from coordination.audit import changed_fields, record
from coordination.models import AuditEntry
from helpdesk.localtime import local_days
from neighborhoods.models import Closure, Office


def _in_days(office: Office, ranges: list[tuple[datetime.date, datetime.date]]):
    appointments = []
    for starts_on, ends_on in ranges:
        since, until = local_days(starts_on, ends_on)
        appointments += booked_ahead(
            Appointment.objects.filter(office=office, starts_at__gte=since, starts_at__lt=until)
        )
    return list({a.pk: a for a in appointments}.values())


def _subject(closure: Closure) -> str:
    return _("Schließtag: %(office)s – Termine neu vereinbaren") % {"office": closure.office}


def _cause(closure: Closure) -> str:
    return _(
        "Das %(office)s ist vom %(start)s bis einschließlich %(end)s geschlossen (%(reason)s)."
    ) % {
        "office": closure.office,
        "start": date_format(closure.starts_on, "j. F Y"),
        "end": date_format(closure.ends_on, "j. F Y"),
        "reason": closure.reason,
    }


def _recheck(closure: Closure, ranges) -> tuple[list[Appointment], list[Appointment]]:
    flagged, released = rebooking_recheck(_in_days(closure.office, ranges))
    since, until = local_days(closure.starts_on, closure.ends_on)
    workshops = Workshop.objects.filter(
        office=closure.office, cancelled_at__isnull=True, starts_at__gte=since, starts_at__lt=until
    ).select_related("office")
    rebooking_tell_offices(
        subject=lambda: _subject(closure),
        cause=lambda: _cause(closure),
        appointments=flagged,
        workshops=workshops if flagged else (),
    )
    return flagged, released


@transaction.atomic
def closure_record(
    *, office: Office, starts_on: datetime.date, ends_on: datetime.date, reason: str
) -> tuple[Closure, list[Appointment]]:
    """Close an office on these days. Booked appointments in them are flagged, their
    messages held, the office's staff told by e-mail; nothing is cancelled.

    Returns the closure and the flagged appointments. Raises `ValidationError` for an
    invalid date range.
    """
    closure = Closure(office=office, starts_on=starts_on, ends_on=ends_on, reason=reason)
    closure.full_clean()
    closure.save()
    flagged, _released = _recheck(closure, [(starts_on, ends_on)])
    record(
        AuditEntry.Action.CREATED,
        closure,
        office_id=office.pk,
        starts_on=starts_on,
        ends_on=ends_on,
        flagged=[a.pk for a in flagged],
    )
    return closure, flagged


@transaction.atomic
def closure_change(*, closure: Closure) -> tuple[list[Appointment], list[Appointment]]:
    """Save a changed closure (new values set on the instance): appointments on the new
    days are flagged, those only on the old days released. Returns (flagged, released)."""
    before = Closure.objects.get(pk=closure.pk)
    closure.full_clean()
    closure.save()
    ranges = [(before.starts_on, before.ends_on), (closure.starts_on, closure.ends_on)]
    if before.office_id != closure.office_id:
        released = rebooking_recheck(_in_days(before.office, ranges[:1]))[1]
        flagged, more = _recheck(closure, ranges[1:])
        released += more
    else:
        flagged, released = _recheck(closure, ranges)
    record(
        AuditEntry.Action.CHANGED,
        closure,
        office_id=closure.office_id,
        fields=changed_fields(before, closure),
        flagged=[a.pk for a in flagged],
        released=[a.pk for a in released],
    )
    return flagged, released


@transaction.atomic
def closure_remove(*, closure: Closure) -> list[Appointment]:
    """Open the office again on these days: appointments flagged only because of the
    closure lose the flag and their held messages go out. Returns those appointments."""
    office, days = closure.office, [(closure.starts_on, closure.ends_on)]
    # Recorded first: after the delete the closure has no id to name.
    record(
        AuditEntry.Action.REMOVED,
        closure,
        office_id=office.pk,
        starts_on=closure.starts_on,
        ends_on=closure.ends_on,
    )
    closure.delete()
    _flagged, released = rebooking_recheck(_in_days(office, days))
    return released
