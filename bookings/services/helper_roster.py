"""Who helps where and with what: a helper leaving (deactivated) or leaving an office,
coming back, and the topics they help with.

Nothing is cancelled: the helper's booked appointments that become impossible are
flagged "needs rebooking", their messages held and the offices told
(`bookings.services.rebooking`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Appointment, Helper, Topic, Workshop
from bookings.services.rebooking import booked_ahead, rebooking_recheck, rebooking_tell_offices
from coordination.audit import record
from coordination.models import AuditEntry
from neighborhoods.models import Office

Action = AuditEntry.Action


def _future_workshops(helper: Helper, office: Office | None = None):
    workshops = Workshop.objects.filter(
        assignments__helper=helper, cancelled_at__isnull=True, starts_at__gt=timezone.now()
    ).select_related("office")
    return workshops.filter(office=office) if office else workshops


def _subject(helper: Helper) -> str:
    return _("%(helper)s fällt aus – Termine neu vereinbaren") % {"helper": helper}


@transaction.atomic
def helper_deactivate(*, helper: Helper) -> list[Appointment]:
    """Deactivate a helper: no new bookings; each booked future appointment is flagged,
    its messages held, and the offices get an e-mail (with the helper's workshops).
    Returns the flagged appointments."""
    helper.active = False
    helper.save(update_fields=["active"])
    flagged, _released = rebooking_recheck(booked_ahead(helper.appointments.all()))
    record(Action.DEACTIVATED, helper, fields=["active"], flagged=[a.pk for a in flagged])
    rebooking_tell_offices(
        subject=lambda: _subject(helper),
        cause=lambda: _("%(helper)s hilft nicht mehr mit.") % {"helper": helper},
        appointments=flagged,
        workshops=_future_workshops(helper),
    )
    return flagged


@transaction.atomic
def helper_reactivate(*, helper: Helper) -> list[Appointment]:
    """Activate a helper again; their flagged appointments that are possible again lose
    the flag and their held messages go out. Returns those appointments."""
    helper.active = True
    helper.save(update_fields=["active"])
    _flagged, released = rebooking_recheck(booked_ahead(helper.appointments.all()))
    record(Action.ACTIVATED, helper, fields=["active"], released=[a.pk for a in released])
    return released


@transaction.atomic
def helper_office_remove(*, helper: Helper, office: Office) -> list[Appointment]:
    """Take a helper off an office: their booked future appointments there are flagged,
    messages held, and the office told. Returns the flagged appointments."""
    helper.offices.remove(office)
    flagged, _released = rebooking_recheck(booked_ahead(helper.appointments.filter(office=office)))
    record(
        Action.CHANGED,
        helper,
        office_id=office.pk,
        fields=["offices"],
        removed=office.pk,
        flagged=[a.pk for a in flagged],
    )
    rebooking_tell_offices(
        subject=lambda: _subject(helper),
        cause=lambda: (
            _("%(helper)s hilft nicht mehr im %(office)s.") % {"helper": helper, "office": office}
        ),
        appointments=flagged,
        workshops=_future_workshops(helper, office),
    )
    return flagged


@transaction.atomic
def helper_office_add(*, helper: Helper, office: Office) -> list[Appointment]:
    """Let a helper help at an office (again); appointments there that were flagged
    because of it are released. Returns those appointments."""
    helper.offices.add(office)
    _flagged, released = rebooking_recheck(booked_ahead(helper.appointments.filter(office=office)))
    record(
        Action.CHANGED,
        helper,
        office_id=office.pk,
        fields=["offices"],
        added=office.pk,
        released=[a.pk for a in released],
    )
    return released


@transaction.atomic
def helper_topics_set(*, helper: Helper, topics) -> Helper:
    """Set the topics a helper helps with; new bookings follow them. Appointments already
    booked stay as they are: the helper agreed to them and the senior was told."""
    before = set(helper.topics.values_list("pk", flat=True))
    wanted = {topic.pk for topic in topics}
    helper.topics.set(Topic.objects.filter(pk__in=wanted))
    if wanted != before:
        record(
            Action.CHANGED,
            helper,
            fields=["topics"],
            added=wanted - before,
            removed=before - wanted,
        )
    return helper
