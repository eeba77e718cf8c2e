"""What the coordinator counts and keeps beside the bookings: walk-in visits, the
seniors' feedback scores and the audit trail.

None of these rows holds a name or a phone number, so statistics and the audit trail
survive a senior's erasure (Art. 17 DSGVO) without keeping personal data.
"""

from __future__ import annotations

import datetime
import functools

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import (
    Appointment,
    AppointmentStatus,
    CancellationReason,
    Helper,
    RegistrationStatus,
    Topic,
)
from neighborhoods.models import Office


class WalkIn(models.Model):
    """A visit without an appointment during an office's Sprechstunde."""

    class Duration(models.IntegerChoices):
        SHORT = 10, _("etwa 10 Minuten")
        QUARTER = 20, _("etwa 20 Minuten")
        HALF_HOUR = 30, _("etwa eine halbe Stunde")
        HOUR = 60, _("etwa eine Stunde")

    class Device(models.TextChoices):
        OWN = "own", _("eigenes Gerät")
        LOAN = "loan", _("Leihgerät")

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="walk_ins", verbose_name=_("Büro")
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="walk_ins", verbose_name=_("Thema")
    )
    minutes = models.PositiveSmallIntegerField(
        _("Dauer"), choices=Duration.choices, default=Duration.QUARTER
    )
    device = models.CharField(_("Gerät"), max_length=4, choices=Device.choices, default=Device.OWN)
    visited_at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)
    helper = models.ForeignKey(
        Helper,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="walk_ins",
        verbose_name=_("Ehrenamtliche/r"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erfasst von"),
    )

    class Meta:
        verbose_name = _("Besuch ohne Termin")
        verbose_name_plural = _("Besuche ohne Termin")
        ordering = ["-visited_at"]
        indexes = [models.Index(fields=["office", "visited_at"])]

    def __str__(self) -> str:
        return f"{self.office} {self.visited_at:%d.%m.%Y %H:%M}"


class Feedback(models.Model):
    """A senior's answer (1 = gar nicht … 5 = sehr) to "Hat Ihnen die Hilfe geholfen?".

    Kept per appointment, with office and topic copied so that the score still counts
    for its office and topic once the appointment's senior has been erased.
    """

    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("Termin"),
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("Büro")
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("Thema")
    )
    score = models.PositiveSmallIntegerField(_("Bewertung"))
    received_at = models.DateTimeField(_("empfangen am"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Rückmeldung")
        verbose_name_plural = _("Rückmeldungen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="feedback_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.score}/5"


class AuditEntry(models.Model):
    """Who did what to which object, and when: ids and field names, never the personal
    data itself (no names, numbers or message texts)."""

    class Action(models.TextChoices):
        BOOKED = "booked", _("gebucht")
        MOVED = "moved", _("verlegt")
        CANCELLED = "cancelled", _("abgesagt")
        MARKED = "marked", _("markiert")
        NOTED = "noted", _("Notiz geändert")
        CHANGED = "changed", _("geändert")
        CREATED = "created", _("angelegt")
        REMOVED = "removed", _("entfernt")
        ACTIVATED = "activated", _("aktiviert")
        DEACTIVATED = "deactivated", _("deaktiviert")
        EXPORTED = "exported", _("exportiert")
        ERASED = "erased", _("gelöscht")
        ANONYMISED = "anonymised", _("anonymisiert")

    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Person"),
    )
    # Who acted when no user did: "reply" (a senior's SMS or keypress), "job" (the worker).
    via = models.CharField(_("über"), max_length=20, blank=True)
    action = models.CharField(_("Aktion"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("Art des Objekts"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("Nummer des Objekts"))
    office = models.ForeignKey(
        Office,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Büro"),
    )
    # The senior concerned, as a bare id (no foreign key), so the entry outlives erasure
    # and Art. 15 exports can find it.
    senior_id = models.PositiveBigIntegerField(_("Ratsuchende/r (Nummer)"), null=True, blank=True)
    # Field names, codes and ids, and for a move the old and new start:
    # {"fields": [...], "from": iso, "to": iso}
    changes = models.JSONField(_("Änderungen"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["senior_id"]),
            models.Index(fields=["office", "at"]),
            models.Index(fields=["actor", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} {self.object_id}"

    @property
    def actor_label(self) -> str:
        """Who acted, as the coordinator reads it."""
        if self.actor is not None:
            return self.actor.get_full_name() or self.actor.get_username()
        return str(_VIA_LABELS.get(self.via, _("System")))

    def described_changes(self) -> list[str]:
        """The entry's `changes` as short German lines: field names, times, codes, ids."""
        model = _models_by_name().get(self.object_type)
        lines = []
        for key, value in self.changes.items():
            if key == "fields":
                names = [_field_label(model, name) for name in value]
                lines.append(_("Felder: %(names)s") % {"names": ", ".join(names)})
            elif key in ("from", "to"):
                moment = timezone.localtime(datetime.datetime.fromisoformat(value))
                lines.append(f"{_CHANGE_LABELS[key]} {moment:%d.%m.%Y %H:%M}")
            elif isinstance(value, list):
                if value:
                    numbers = ", ".join(str(item) for item in value)
                    lines.append(f"{_CHANGE_LABELS.get(key, key)}: {_('Nr.')} {numbers}")
            else:
                shown = _CODE_LABELS.get(value, value) if isinstance(value, str) else value
                lines.append(f"{_CHANGE_LABELS.get(key, key)}: {shown}")
        return lines

    @property
    def object_label(self) -> str:
        """The German name of the kind of object ("Termin", "Schließtag"), else the code."""
        model = _models_by_name().get(self.object_type)
        return str(model._meta.verbose_name) if model else self.object_type


_VIA_LABELS = {
    "reply": _("Antwort der/des Ratsuchenden"),
    "job": _("automatisch (Hintergrunddienst)"),
}
_CHANGE_LABELS = {
    "from": _("vorher"),
    "to": _("Termin"),
    "status": _("Status"),
    "reason": _("Grund"),
    "workshop": _("Workshop Nr."),
    "seats": _("Plätze"),
    "helpers": _("Ehrenamtliche"),
    "starts_on": _("von"),
    "ends_on": _("bis"),
    "added": _("hinzugefügt"),
    "removed": _("entfernt"),
    "flagged": _("zum Neu-Vereinbaren markiert"),
    "released": _("wieder möglich"),
}
# Codes stored as values, shown with their German names.
_CODE_LABELS = {
    **dict(AppointmentStatus.choices),
    **dict(RegistrationStatus.choices),
    **dict(CancellationReason.choices),
}


def _field_label(model: type[models.Model] | None, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name) if model else name
    except FieldDoesNotExist:
        return name


@functools.cache
def _models_by_name() -> dict[str, type[models.Model]]:
    return {model._meta.model_name: model for model in apps.get_models()}
