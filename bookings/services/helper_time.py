"""Writes of a helper's time: absences and weekly availability, and what they do to
the helper's bookings.

Nothing is cancelled: appointments that the change makes impossible are flagged "needs
rebooking" for the desk, their messages are held, and the staff of each affected office
get an e-mail once the change is saved (`bookings.services.rebooking`).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings.models import Absence, Appointment, Availability, Helper
from bookings.schedule.selectors import booked_during, workshops_during
from bookings.services.rebooking import (
    booked_ahead,
    rebooking_flag,
    rebooking_recheck,
    rebooking_tell_offices,
)
from coordination.audit import record
from coordination.models import AuditEntry

Action = AuditEntry.Action


def _record(action: str, obj: Absence | Availability, flagged=(), released=(), **changes) -> None:
    """An entry about a helper's time; its dates, never the reason given for an absence."""
    record(
        action,
        obj,
        flagged=[a.pk for a in flagged],
        released=[a.pk for a in released],
        helper=obj.helper_id,
        **changes,
    )


def _absence_cause(absence: Absence) -> str:
    return _("%(helper)s ist vom %(start)s bis einschließlich %(end)s abwesend.") % {
        "helper": absence.helper,
        "start": date_format(absence.starts_on, "j. F Y"),
        "end": date_format(absence.ends_on, "j. F Y"),
    }


def _absence_subject(helper: Helper) -> str:
    return _("Abwesenheit: %(helper)s – Termine neu vereinbaren") % {"helper": helper}


@transaction.atomic
def absence_record(
    *, helper: Helper, starts_on: datetime.date, ends_on: datetime.date, reason: str = ""
) -> tuple[Absence, list[Appointment]]:
    """Save an absence and flag the helper's booked appointments in it `needs_rebooking`,
    holding their unsent messages.

    Cancels nothing. After the commit, the staff of each affected office get one e-mail
    listing the appointments (and workshops) to arrange anew. Returns the absence and the
    flagged appointments. Raises `ValidationError` for an invalid date range.
    """
    absence = Absence(helper=helper, starts_on=starts_on, ends_on=ends_on, reason=reason)
    absence.full_clean()
    absence.save()
    appointments = list(booked_during(helper, starts_on, ends_on).select_for_update(of=("self",)))
    rebooking_flag(appointments)
    _record(Action.CREATED, absence, appointments, starts_on=starts_on, ends_on=ends_on)
    rebooking_tell_offices(
        subject=lambda: _absence_subject(helper),
        cause=lambda: _absence_cause(absence),
        appointments=appointments,
        workshops=workshops_during(helper, starts_on, ends_on),
    )
    return absence, appointments


@transaction.atomic
def absence_change(*, absence: Absence) -> tuple[list[Appointment], list[Appointment]]:
    """Save a changed absence (its new dates set on the instance): appointments now in it
    are flagged and the office told, those no longer in it are released.

    Returns (flagged, released). Raises `ValidationError` for an invalid date range.
    """
    absence.full_clean()
    absence.save()
    flagged, released = rebooking_recheck(booked_ahead(absence.helper.appointments.all()))
    _record(
        Action.CHANGED,
        absence,
        flagged,
        released,
        starts_on=absence.starts_on,
        ends_on=absence.ends_on,
    )
    rebooking_tell_offices(
        subject=lambda: _absence_subject(absence.helper),
        cause=lambda: _absence_cause(absence),
        appointments=flagged,
    )
    return flagged, released


@transaction.atomic
def absence_remove(*, absence: Absence) -> list[Appointment]:
    """Delete an absence; appointments it had flagged that are possible again lose the
    flag and their held messages go out. Returns the released appointments."""
    helper = absence.helper
    # Recorded first: after the delete the absence has no id to name.
    _record(Action.REMOVED, absence, starts_on=absence.starts_on, ends_on=absence.ends_on)
    absence.delete()
    _flagged, released = rebooking_recheck(booked_ahead(helper.appointments.all()))
    return released


def _availability_recheck(helper: Helper) -> list[Appointment]:
    flagged, _released = rebooking_recheck(booked_ahead(helper.appointments.all()))
    rebooking_tell_offices(
        subject=lambda: (
            _("Sprechzeit geändert: %(helper)s – Termine neu vereinbaren") % {"helper": helper}
        ),
        cause=lambda: _("%(helper)s hat die Sprechzeiten geändert.") % {"helper": helper},
        appointments=flagged,
    )
    return flagged


@transaction.atomic
def availability_change(*, availability: Availability) -> tuple[Availability, list[Appointment]]:
    """Add or change a weekly range (new values set on the instance). Booked appointments
    the helper's ranges no longer cover are flagged and the office told; appointments
    covered again are released.

    Returns the range and the flagged appointments. Raises `ValidationError` for a range
    outside opening hours or overlapping another of the helper's.
    """
    created = availability.pk is None
    availability.full_clean()
    availability.save()
    flagged = _availability_recheck(availability.helper)
    _record(Action.CREATED if created else Action.CHANGED, availability, flagged)
    return availability, flagged


@transaction.atomic
def availability_end(
    *, availability: Availability, last_day: datetime.date
) -> tuple[Availability | None, list[Appointment]]:
    """End a weekly range after `last_day`; a range that has not begun by then is deleted
    (returned as None). Flags what is left uncovered, like `availability_change`."""
    helper = availability.helper
    if last_day < availability.valid_from:
        return None, availability_delete(availability=availability)
    availability.valid_until = min(last_day, availability.valid_until or last_day)
    availability.full_clean()
    availability.save(update_fields=["valid_until"])
    flagged = _availability_recheck(helper)
    _record(Action.CHANGED, availability, flagged, fields=["valid_until"])
    return availability, flagged


@transaction.atomic
def availability_delete(*, availability: Availability) -> list[Appointment]:
    """Delete a weekly range; flags what is left uncovered, like `availability_change`."""
    helper = availability.helper
    _record(Action.REMOVED, availability)
    availability.delete()
    return _availability_recheck(helper)
