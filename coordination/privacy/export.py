"""Everything stored about one senior, for a request under Art. 15 DSGVO: their details,
appointments, workshop places, the messages sent to them, their replies, their feedback
scores and the audit entries that concern them.

One list of sections serves both the printable page and the JSON download, so the two
never say different things. Values are what a person can read: choices by their label,
times in local time (ISO 8601 in the JSON), a helper by first name only (the senior
knows them by it).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from phonenumbers import PhoneNumber

from bookings.models import Appointment, InboundMessage, Registration, Reminder, Senior
from bookings.outbox.texts import render_text
from coordination.models import AuditEntry, Feedback


@dataclass
class Section:
    key: str
    title: str
    labels: dict[str, str]  # field name -> label, in order
    rows: list[dict[str, object]] = field(default_factory=list)

    def items(self) -> list[list[tuple[str, object]]]:
        """Each row as (label, value) pairs, for the page."""
        return [[(self.labels[name], row[name]) for name in self.labels] for row in self.rows]


def _value(obj: models.Model, name: str) -> object:
    model_field = obj._meta.get_field(name)
    if model_field.related_model in (Appointment, Registration):
        return getattr(obj, model_field.attname)  # by number: the rows are in the export
    if model_field.choices:
        return getattr(obj, f"get_{name}_display")()
    value = getattr(obj, name)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value)  # the page shows it localised, the JSON as ISO 8601
    if isinstance(value, models.Model | datetime.date | PhoneNumber):
        return str(value) if value else ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _section(key: str, title, model, names: list[str], objects, **extra) -> Section:
    """A section of `objects` with the model fields `names` and computed `extra` columns
    (name -> (label, function of the object))."""
    labels = {name: str(model._meta.get_field(name).verbose_name) for name in names}
    labels |= {name: str(label) for name, (label, _fn) in extra.items()}
    rows = []
    for obj in objects:
        row = {name: _value(obj, name) for name in names}
        row |= {name: fn(obj) for name, (_label, fn) in extra.items()}
        rows.append(row)
    return Section(key, str(title), labels, rows)


def _sent_text(reminder: Reminder) -> str:
    """The text as it read when sent, rendered again from the stored data (texts are
    not stored); empty once the message retention time has passed or the person was
    anonymised."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.MESSAGE_RETENTION_DAYS)
    if reminder.sent_at is None or reminder.sent_at < cutoff or reminder.senior.anonymised_at:
        return ""
    return render_text(reminder, now=reminder.sent_at)


def _helper_first_name(appointment: Appointment) -> str:
    return appointment.helper.first_name if appointment.helper_id else ""


SENIOR_FIELDS = [
    "id", "first_name", "last_name", "phone", "phone_kind", "preferred_channel", "district",
    "reminder_consent", "reminder_consent_at", "opted_out_at", "notes", "created_at",
    "anonymised_at",
]  # fmt: skip
APPOINTMENT_FIELDS = [
    "id", "starts_at", "ends_at", "office", "topic", "status", "brings_own_device", "note",
    "confirmed_at", "cancellation_reason", "cancellation_note", "cancelled_at", "created_at",
]  # fmt: skip
REGISTRATION_FIELDS = ["id", "workshop", "status", "position", "created_at"]
MESSAGE_FIELDS = [
    "id", "appointment", "registration", "kind", "addressee", "channel", "status", "due_at",
    "sent_at", "answered_at", "error_code",
]  # fmt: skip
REPLY_FIELDS = ["id", "appointment", "channel", "body", "action", "received_at", "read_at"]
FEEDBACK_FIELDS = ["appointment", "office", "topic", "score", "received_at"]
AUDIT_FIELDS = ["at", "action", "via", "object_type", "object_id", "office", "changes"]


def senior_export(senior: Senior) -> list[Section]:
    """Every section of what is stored about `senior`, oldest first within each."""
    appointments = (
        Appointment.objects.filter(senior=senior)
        .select_related("office", "topic", "helper__user")
        .order_by("starts_at")
    )
    messages = (
        Reminder.objects.filter(senior=senior)
        .select_related(
            "senior",
            "appointment__office",
            "appointment__topic",
            "appointment__senior",
            "appointment__helper__user",
            "registration__workshop__office",
            "registration__senior",
        )
        .order_by("created_at", "pk")
    )
    return [
        _section("person", _("Person"), Senior, SENIOR_FIELDS, [senior]),
        _section(
            "appointments",
            _("Termine"),
            Appointment,
            APPOINTMENT_FIELDS,
            appointments,
            helper=(gettext_lazy("Ehrenamtliche/r (Vorname)"), _helper_first_name),
        ),
        _section(
            "registrations",
            _("Workshop-Anmeldungen"),
            Registration,
            REGISTRATION_FIELDS,
            Registration.objects.filter(senior=senior)
            .select_related("workshop")
            .order_by("created_at"),
        ),
        _section(
            "messages",
            _("Nachrichten an die Person"),
            Reminder,
            MESSAGE_FIELDS,
            messages,
            text=(gettext_lazy("Text"), _sent_text),
        ),
        _section(
            "replies",
            _("Antworten der Person"),
            InboundMessage,
            REPLY_FIELDS,
            InboundMessage.objects.filter(senior=senior).order_by("received_at"),
        ),
        _section(
            "feedback",
            _("Rückmeldungen"),
            Feedback,
            FEEDBACK_FIELDS,
            Feedback.objects.filter(appointment__senior=senior)
            .select_related("office", "topic")
            .order_by("received_at"),
        ),
        _section(
            "audit",
            _("Protokoll"),
            AuditEntry,
            AUDIT_FIELDS,
            AuditEntry.objects.filter(senior_id=senior.pk)
            .select_related("office")
            .order_by("at", "pk"),
        ),
    ]


def export_json(senior: Senior, sections: list[Section]) -> str:
    """The JSON download: each section's rows keyed by field name."""
    data = {
        "exported_at": timezone.localtime().isoformat(timespec="seconds"),
        "senior_id": senior.pk,
        **{section.key: section.rows for section in sections},
    }
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_value)


def _json_value(value: object) -> str:
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="minutes")
    return str(value)
