"""The sentences staff read back to the caller after a booking (DESIGN.md, the main flow)."""

from __future__ import annotations

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from bookings.models import Appointment, Reminder, Senior


def spoken_date(moment) -> str:
    """'Dienstag, 3. Dezember 2026' in the active language."""
    return dateformat.format(timezone.localtime(moment), _("l, j. F Y"))


def readback_sentence(appointment: Appointment) -> str:
    office = appointment.office
    text = _(
        "Ihr Termin ist am %(date)s, um %(time)s Uhr im %(office)s, %(street)s. "
        "%(helper)s hilft Ihnen beim Thema %(topic)s."
    ) % {
        "date": spoken_date(appointment.starts_at),
        "time": f"{timezone.localtime(appointment.starts_at):%H:%M}",
        "office": office.name,
        "street": office.street,
        "helper": appointment.helper.first_name,
        "topic": appointment.topic.name,
    }
    reservation = getattr(appointment, "loan_reservation", None)
    if appointment.brings_own_device:
        bring = _("Bitte bringen Sie Ihr Gerät, das Ladekabel und Ihre Passwörter mit.")
    elif reservation:
        bring = _(
            "Wir halten ein Leihgerät (%(device)s) für Sie bereit. "
            "Bitte bringen Sie Ihre Passwörter mit."
        ) % {"device": reservation.device.get_kind_display()}
    else:
        bring = _("Bitte bringen Sie Ihre Passwörter mit.")
    return f"{text} {bring}"


def confirmation_note(appointment: Appointment) -> str:
    """Whether a confirmation is on its way, and how; for staff, not for the caller."""
    queued = appointment.reminders.filter(
        kind__in=[Reminder.Kind.CONFIRMATION, Reminder.Kind.MOVED],
        status=Reminder.Status.PENDING,
    ).first()
    if queued is None:
        return _(
            "Es geht keine Bestätigung hinaus (kein Einverständnis oder Nachrichten abbestellt)."
        )
    if queued.channel == Senior.Channel.SMS:
        return _("Eine Bestätigung per SMS ist vorgemerkt.")
    return _("Eine Bestätigung per Anruf ist vorgemerkt.")
