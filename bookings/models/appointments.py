"""Appointments, the helper's time they take (`Assignment`, shared with workshops) and
loan devices."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models.helpers import Helper, Topic
from bookings.models.seniors import Senior
from bookings.models.workshops import Workshop
from neighborhoods.models import Office


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("gebucht")
    CANCELLED = "cancelled", _("abgesagt")
    ATTENDED = "attended", _("wahrgenommen")
    NO_SHOW = "no_show", _("nicht erschienen")


class CancellationReason(models.TextChoices):
    SENIOR = "senior", _("Ratsuchende/r hat abgesagt")
    HELPER_ILL = "helper_ill", _("Ehrenamtliche/r ist krank")
    OFFICE_CLOSED = "office_closed", _("Büro geschlossen")
    OTHER = "other", _("anderer Grund")


class AppointmentKind(models.TextChoices):
    """Where the help happens: at the office, by phone (the helper calls the senior), or
    a video call with a relative that the helper sets up at the office."""

    OFFICE = "office", _("im Büro")
    PHONE = "phone", _("Telefonsprechstunde")
    VIDEO = "video", _("Videogespräch mit Angehörigen")


class DeviceKind(models.TextChoices):
    ANDROID_TABLET = "android_tablet", _("Android-Tablet")
    IPAD = "ipad", _("iPad")
    SMARTPHONE = "smartphone", _("Smartphone")


class Appointment(models.Model):
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("Büro")
    )
    helper = models.ForeignKey(
        Helper,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("Ehrenamtliche/r"),
    )
    senior = models.ForeignKey(
        Senior,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("Ratsuchende/r"),
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("Thema")
    )
    kind = models.CharField(
        _("Art des Termins"),
        max_length=6,
        choices=AppointmentKind.choices,
        default=AppointmentKind.OFFICE,
        help_text=_("Telefonsprechstunde: Die/der Ehrenamtliche ruft die Person an."),
    )
    starts_at = models.DateTimeField(_("Beginn"), db_index=True)
    ends_at = models.DateTimeField(_("Ende"))
    status = models.CharField(
        _("Status"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
        db_index=True,
    )
    brings_own_device = models.BooleanField(
        _("bringt eigenes Gerät mit"),
        default=True,
        help_text=_("Sonst wird ein Leihgerät des Büros reserviert."),
    )
    note = models.TextField(
        _("Notiz"), blank=True, help_text=_("Was die Person lernen möchte, für die Ehrenamtlichen.")
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gebucht von"),
    )
    cancellation_reason = models.CharField(
        _("Absagegrund"), max_length=15, choices=CancellationReason.choices, blank=True
    )
    cancellation_note = models.CharField(_("Anmerkung zur Absage"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("von der Person bestätigt am"), null=True, blank=True)
    needs_rebooking = models.BooleanField(
        _("muss neu vereinbart werden"),
        default=False,
        help_text=_(
            "Das Büro ist geschlossen oder die/der Ehrenamtliche fällt aus; bitte die Person "
            "anrufen. Nachrichten werden bis zur Verlegung zurückgehalten."
        ),
    )
    sequence = models.PositiveIntegerField(
        _("Änderungszähler"), default=0, editable=False, help_text=_("Für Kalender-Abos.")
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    cancelled_at = models.DateTimeField(_("abgesagt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="appointment_starts_before_it_ends",
                violation_error_message=_("Ein Termin muss beginnen, bevor er endet."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=AppointmentStatus.CANCELLED)
                | models.Q(cancelled_at__isnull=False),
                name="appointment_cancelled_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "starts_at"], name="appointment_office_day"),
            # Covers the coordinator's statistics (coordination/statistics/selectors.py):
            # SQLite reads the counts per office, topic and month of a period from the
            # index alone instead of from the table (PostgreSQL scans the table for long
            # periods). The period's range comes first so that SQLite picks it without
            # ANALYZE's statistics.
            models.Index(
                fields=["starts_at", "office", "topic", "status", "ends_at"],
                name="appointment_statistics",
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{local:%d.%m.%Y %H:%M} {self.office} – {self.senior}"

    @property
    def is_active(self) -> bool:
        return self.status != AppointmentStatus.CANCELLED

    @property
    def by_phone(self) -> bool:
        return self.kind == AppointmentKind.PHONE

    @property
    def video_call(self):
        """The relative and the room of a video appointment; None for the other kinds."""
        if self.kind != AppointmentKind.VIDEO:
            return None
        return getattr(self, "video", None)

    def clean_own_fields(self) -> None:
        """`full_clean` for the services: only the fields' own rules. The related rows
        were passed in loaded (their foreign keys are checked by the database at commit),
        and the check constraints are the database's too; asking for them here cost ten
        queries and savepoints per change."""
        self.full_clean(
            exclude=["office", "helper", "senior", "topic", "booked_by"],
            validate_unique=False,
            validate_constraints=False,
        )


class Assignment(models.Model):
    """The time a helper is taken by one appointment or one workshop (Einsatz).

    Appointments and workshops share this table so that the database itself can refuse
    overlapping commitments of one helper across both kinds (see migration 0002).
    """

    helper = models.ForeignKey(
        Helper,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("Ehrenamtliche/r"),
    )
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignment",
        verbose_name=_("Termin"),
    )
    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("Workshop"),
    )

    class Meta:
        verbose_name = _("Einsatz")
        verbose_name_plural = _("Einsätze")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="assignment_starts_before_it_ends",
            ),
            models.CheckConstraint(
                condition=models.Q(appointment__isnull=True, workshop__isnull=False)
                | models.Q(appointment__isnull=False, workshop__isnull=True),
                name="assignment_for_one_thing",
            ),
            models.UniqueConstraint(
                fields=["workshop", "helper"], name="assignment_once_per_workshop"
            ),
        ]
        indexes = [models.Index(fields=["helper", "starts_at"], name="assignment_helper_time")]

    def __str__(self) -> str:
        return f"{self.helper}: {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.workshop_id:
            self.starts_at, self.ends_at = self.workshop.starts_at, self.workshop.ends_at
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # A friendly message for the admin form; the database guard stays the last word.
        if self.workshop_id and self.helper_id:
            clash = Assignment.objects.filter(
                helper_id=self.helper_id,
                starts_at__lt=self.workshop.ends_at,
                ends_at__gt=self.workshop.starts_at,
            ).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    _("%(helper)s hat zu dieser Zeit schon einen anderen Einsatz.")
                    % {"helper": self.helper}
                )


class LoanDevice(models.Model):
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="loan_devices", verbose_name=_("Büro")
    )
    kind = models.CharField(_("Art"), max_length=15, choices=DeviceKind.choices)
    label = models.CharField(
        _("Bezeichnung"),
        max_length=60,
        help_text=_("Wie es auf dem Aufkleber steht, z. B. „iPad 2“."),
    )
    active = models.BooleanField(_("verfügbar"), default=True, help_text=_("Aus, wenn defekt."))

    class Meta:
        verbose_name = _("Leihgerät")
        verbose_name_plural = _("Leihgeräte")
        ordering = ["office", "kind", "label"]
        constraints = [
            models.UniqueConstraint(fields=["office", "label"], name="loan_device_label_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_kind_display()}, {self.office})"


class LoanReservation(models.Model):
    """A loan device kept for one appointment; the database refuses double lending."""

    device = models.ForeignKey(
        LoanDevice,
        on_delete=models.PROTECT,
        related_name="reservations",
        verbose_name=_("Leihgerät"),
    )
    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.CASCADE,
        related_name="loan_reservation",
        verbose_name=_("Termin"),
    )
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))

    class Meta:
        verbose_name = _("Reservierung eines Leihgeräts")
        verbose_name_plural = _("Reservierungen von Leihgeräten")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="loan_reservation_starts_before_it_ends",
            )
        ]
        indexes = [models.Index(fields=["device", "starts_at"], name="loan_device_time")]

    def __str__(self) -> str:
        return f"{self.device}: {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"
