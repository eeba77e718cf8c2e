"""Writes of a helper's time: an absence and what it does to their bookings.

Nothing is cancelled: the appointments in the absence are flagged "needs rebooking" for
the desk, and the staff of each affected office get an e-mail once the absence is saved.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Absence, Appointment, Helper, Workshop
from bookings.schedule.selectors import booked_during, workshops_during
from neighborhoods.models import Office


def _tell_offices(absence: Absence, appointments: list[Appointment], workshops: list[Workshop]):
    """One e-mail per affected office to its staff."""
    by_office: dict[Office, dict[str, list]] = defaultdict(
        lambda: {"appointments": [], "workshops": []}
    )
    for appointment in appointments:
        by_office[appointment.office]["appointments"].append(appointment)
    for workshop in workshops:
        by_office[workshop.office]["workshops"].append(workshop)
    staff_by_office = {
        office.pk: [user.email for user in office.staff.all() if user.email]
        for office in Office.objects.filter(pk__in=[o.pk for o in by_office]).prefetch_related(
            "staff"
        )
    }
    subject = _("Abwesenheit: %(helper)s – Termine neu vereinbaren") % {"helper": absence.helper}
    for office, affected in by_office.items():
        recipients = staff_by_office.get(office.pk)
        if not recipients:
            continue
        body = render_to_string(
            "schedule/mail_absence.txt", {"absence": absence, "office": office, **affected}
        )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


@transaction.atomic
def absence_record(
    *, helper: Helper, starts_on: datetime.date, ends_on: datetime.date, reason: str = ""
) -> tuple[Absence, list[Appointment]]:
    """Save an absence and flag the helper's booked appointments in it `needs_rebooking`.

    Cancels nothing. After the commit, the staff of each affected office get one e-mail
    listing the appointments (and workshops) to arrange anew. Returns the absence and the
    flagged appointments. Raises `ValidationError` for an invalid date range.
    """
    absence = Absence(helper=helper, starts_on=starts_on, ends_on=ends_on, reason=reason)
    absence.full_clean()
    absence.save()
    appointments = list(booked_during(helper, starts_on, ends_on).select_for_update(of=("self",)))
    Appointment.objects.filter(pk__in=[a.pk for a in appointments]).update(
        needs_rebooking=True, updated_at=timezone.now()
    )
    workshops = list(workshops_during(helper, starts_on, ends_on))
    if appointments or workshops:
        transaction.on_commit(lambda: _tell_offices(absence, appointments, workshops))
    return absence, appointments
