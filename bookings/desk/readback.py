"""The sentences staff read back to the caller after a booking (DESIGN.md, the main flow)."""

from __future__ import annotations

import datetime

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from bookings.models import Appointment, AppointmentKind, Reminder, Senior
from bookings.outbox.quiet_hours import quiet_until


def spoken_date(moment) -> str:
    """'Dienstag, 3. Dezember 2026' in the active language."""
    return dateformat.format(timezone.localtime(moment), _("l, j. F Y"))


def _where_and_who(appointment: Appointment) -> str:
    """The first sentences, by kind: a phone appointment names no office, only the number."""
    values = {
        "date": spoken_date(appointment.starts_at),
        "time": f"{timezone.localtime(appointment.starts_at):%H:%M}",
        "office": appointment.office.name,
        "street": appointment.office.street,
        "helper": appointment.helper.first_name,
        "topic": appointment.topic.name,
    }
    if appointment.kind == AppointmentKind.PHONE:
        return _(
            "Ihre Telefonsprechstunde ist am %(date)s, um %(time)s Uhr. Wir rufen Sie an: "
            "%(helper)s ruft Sie unter %(phone)s an und hilft Ihnen beim Thema %(topic)s."
        ) % {**values, "phone": appointment.senior.phone.as_national}
    video = appointment.video_call
    if video is not None:
        return _(
            "Ihr Videogespräch mit %(relative)s ist am %(date)s, um %(time)s Uhr im "
            "%(office)s, %(street)s. %(helper)s richtet das Gespräch für Sie ein. "
            "%(relative)s bekommt eine Einladung mit Datum und Uhrzeit."
        ) % {**values, "relative": video.relative_name}
    return (
        _(
            "Ihr Termin ist am %(date)s, um %(time)s Uhr im %(office)s, %(street)s. "
            "%(helper)s hilft Ihnen beim Thema %(topic)s."
        )
        % values
    )


def readback_sentence(appointment: Appointment) -> str:
    text = _where_and_who(appointment)
    reservation = getattr(appointment, "loan_reservation", None)
    if appointment.kind == AppointmentKind.PHONE:
        bring = _("Bitte halten Sie Ihr Gerät und Ihre Passwörter bereit.")
    elif appointment.brings_own_device:
        bring = _("Bitte bringen Sie Ihr Gerät, das Ladekabel und Ihre Passwörter mit.")
    elif reservation:
        bring = _(
            "Wir halten ein Leihgerät (%(device)s) für Sie bereit. "
            "Bitte bringen Sie Ihre Passwörter mit."
        ) % {"device": reservation.device.get_kind_display()}
    else:
        bring = _("Bitte bringen Sie Ihre Passwörter mit.")
    return f"{text} {bring}"


def _why_nothing(senior: Senior) -> str:
    if senior.opted_out_at:
        return _(
            "Es geht keine Bestätigung hinaus: Die Person hat Nachrichten mit STOP abbestellt."
        )
    if not senior.reminder_consent:
        return _(
            "Es geht keine Bestätigung hinaus: Die Person ist mit Nachrichten nicht einverstanden."
        )
    if not senior.phone:
        return _("Es geht keine Bestätigung hinaus: Es ist keine Telefonnummer eingetragen.")
    if senior.preferred_channel == Senior.Channel.NONE:
        return _("Es geht keine Bestätigung hinaus: Für diese Person sind Nachrichten abgewählt.")
    return _("Es ist keine Bestätigung vorgemerkt.")


def _when(moment) -> str:
    return dateformat.format(timezone.localtime(moment), _("l, j. F, H:i"))


def _pending_note(message: Reminder) -> str:
    if message.senior.reminder_channel == Senior.Channel.NONE or not message.senior.phone:
        return _why_nothing(message.senior)
    note = {
        Reminder.Channel.SMS: _("Eine Bestätigung per SMS ist vorgemerkt."),
        Reminder.Channel.VOICE: _("Eine Bestätigung per Anruf ist vorgemerkt."),
    }.get(message.channel, _("Eine Bestätigung ist vorgemerkt."))
    now = timezone.now()
    goes_at = max(message.due_at, now)
    goes_at = quiet_until(goes_at) or goes_at
    if goes_at > now + datetime.timedelta(minutes=2):
        note += " " + _("Wegen der Nachtruhe geht sie erst am %(when)s Uhr hinaus.") % {
            "when": _when(goes_at)
        }
    return note


def confirmation_note(appointment: Appointment) -> str:
    """What became of the senior's own confirmation (or move) message, for staff: queued
    (and when, if quiet hours hold it), sent, delivered, failed, or none and why."""
    message = (
        appointment.reminders.filter(
            senior_id=appointment.senior_id,
            addressee=Reminder.Addressee.SELF,
            kind__in=[Reminder.Kind.CONFIRMATION, Reminder.Kind.MOVED],
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if message is None:
        return _why_nothing(appointment.senior)
    message.senior = appointment.senior  # the same row (filtered on it), already loaded
    channel = message.get_channel_display()
    status = message.status
    if status == Reminder.Status.PENDING:
        return _pending_note(message)
    if status == Reminder.Status.SENDING:
        return _("Die Bestätigung (%(channel)s) wird gerade gesendet.") % {"channel": channel}
    if status == Reminder.Status.SENT:
        return _("Die Bestätigung (%(channel)s) wurde am %(when)s Uhr gesendet.") % {
            "channel": channel,
            "when": _when(message.sent_at or message.updated_at),
        }
    if status in (Reminder.Status.DELIVERED, Reminder.Status.ANSWERED):
        return _("Die Bestätigung (%(channel)s) ist bei der Person angekommen.") % {
            "channel": channel
        }
    if status == Reminder.Status.NO_ANSWER:
        return _("Die Person wurde für die Bestätigung angerufen, hat aber nicht abgenommen.")
    if status == Reminder.Status.FAILED:
        reason = message.error_message or _("unbekannter Fehler")
        return _("Die Bestätigung (%(channel)s) konnte nicht zugestellt werden: %(reason)s") % {
            "channel": channel,
            "reason": reason,
        }
    return _("Die Bestätigung wurde zurückgezogen und wird nicht gesendet.")
